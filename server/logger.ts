import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { currentRequestId } from './observability/request-context.js';

export type { Logger };

/** Paths never written to the log: credentials, keys and tokens (bodies are not logged at all). */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret', '*.token', '*.privateKey', '*.p12'];

const bound = new WeakMap<object, boolean>();

/** pino-http's per-request logger already carries `reqId` as a binding: do not write the key twice. */
function boundToRequest(logger: { bindings(): pino.Bindings }): boolean {
  let known = bound.get(logger);
  if (known === undefined) bound.set(logger, (known = 'reqId' in logger.bindings()));
  return known;
}

export interface LoggerOptions {
  readonly level: string;
  readonly name?: string;
  /** Human lines (pino-pretty) instead of JSON; `serve` turns it on when stdout is a terminal. Ignored with `destination`. */
  readonly pretty?: boolean;
}

/**
 * Structured JSON logs on stdout (or `destination`), no request bodies, secrets redacted. Every line written
 * while a request (or a worker pass) runs carries its `reqId` (server/observability/request-context.ts).
 */
export function createLogger(options: LoggerOptions, destination?: pino.DestinationStream): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    name: options.name ?? 'lienthong',
    redact: { paths: REDACT, censor: '[redacted]' },
    mixin(_merge, _level, logger) {
      const reqId = currentRequestId();
      return reqId && !boundToRequest(logger) ? { reqId } : {};
    },
  };
  const out = destination ?? (options.pretty ? PinoPretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' }) : undefined);
  return out ? pino(settings, out) : pino(settings);
}
