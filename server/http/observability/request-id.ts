import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { acceptRequestId, runWithRequestContext } from '../../observability/request-context.js';

/** pino-http's `genReqId`: the caller's `X-Request-Id` when well formed (else a new one), echoed on the answer. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const id = acceptRequestId(req.headers['x-request-id']);
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Runs the rest of the request inside its request context (after body parsing, which would lose it). */
export function withRequestContext(req: Request, _res: Response, next: NextFunction): void {
  runWithRequestContext({ requestId: String(req.id) }, next);
}

/**
 * Routine traffic logged at `debug`: the pull loop of every receiving system (the pending list and the token
 * it needs), probes and scrapes. Failures stay visible: 5xx at `error`, 4xx at `info`.
 */
export function logLevelOf(req: IncomingMessage, res: ServerResponse, err?: Error): 'error' | 'info' | 'debug' {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'info';
  // At log time express may have cut the mount path off req.url; originalUrl is the whole path.
  const [path = '', query = ''] = ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?');
  if (req.method === 'GET' && path === '/axis/v1/edocs' && /(^|&)status=pending(&|$)/.test(query)) return 'debug';
  if (req.method === 'POST' && path === '/axis/v1/auth/token') return 'debug';
  if (req.method === 'GET' && (path === '/metrics' || path === '/healthz' || path === '/readyz')) return 'debug';
  return 'info';
}
