import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths never written to the log: credentials, keys and tokens (bodies are not logged at all). */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.privateKey',
  '*.p12',
];

/** Structured JSON logs on stdout (or `destination`), no request bodies, secrets redacted. */
export function createLogger(options: { level: string; name?: string }, destination?: pino.DestinationStream): Logger {
  return pino({ level: options.level, name: options.name ?? 'lienthong', redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
