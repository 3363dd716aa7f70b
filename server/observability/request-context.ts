import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line and outgoing axis call of one request (or one worker pass) carries. */
export interface RequestContext {
  /** The caller's `X-Request-Id` when well formed, else one made here. */
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Printable, no spaces or separators a log or header could be split on; at most 128 characters. */
const WELL_FORMED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's request id when it is well formed; a new UUID otherwise (never echo arbitrary bytes back). */
export function acceptRequestId(header: unknown): string {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && WELL_FORMED.test(value) ? value : randomUUID();
}

/** Runs `fn` with `context` as the current request context (and everything it starts, timers and promises). */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request id, or undefined outside a request or worker pass. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Headers that carry the current request id onto a call this request causes (the node's calls to the axis). */
export function requestIdHeaders(): Record<string, string> {
  const id = currentRequestId();
  return id ? { 'x-request-id': id } : {};
}
