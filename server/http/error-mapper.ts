import type { NextFunction, Request, Response } from 'express';
import { isCryptoError, type CryptoErrorCode } from '../../crypto/index.js';
import { isDomainError, type DomainErrorCode } from '../domain/errors.js';
import type { Logger } from '../logger.js';

/** The ONE place that knows HTTP status codes. Every coded error maps here; unknown errors are 500. */
const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  ERR_VALIDATION: 400,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_AGENCY_CODE_INVALID: 400,
  ERR_AGENCY_UNKNOWN: 404,
  ERR_AGENCY_EXISTS: 409,
  ERR_CERT_NOT_BOUND: 403,
  ERR_UNAUTHENTICATED: 401,
  ERR_REPLAYED: 409,
  ERR_FORBIDDEN: 403,
  ERR_TOO_MANY_REQUESTS: 429,
  ERR_XML_MALFORMED: 400,
  ERR_XML_FORBIDDEN_CONSTRUCT: 400,
  ERR_XML_TOO_LARGE: 413,
  ERR_XML_TOO_DEEP: 400,
  ERR_EDXML_INVALID: 422,
  ERR_ATTACHMENT_INVALID: 422,
  ERR_ATTACHMENT_TOO_LARGE: 413,
  ERR_PACKAGE_SIGNATURE_INVALID: 422,
  ERR_SENDER_MISMATCH: 403,
  ERR_RECIPIENT_UNKNOWN: 422,
  ERR_REFERENCE_UNKNOWN: 422,
  ERR_NOT_FOUND: 404,
  ERR_CONFLICT: 409,
  ERR_IDEMPOTENCY_MISMATCH: 409,
  ERR_STATUS_TRANSITION: 409,
  ERR_DOCUMENT_UNSIGNED: 422,
  ERR_SIGNATURE_INVALID: 422,
  ERR_AXIS_UNAVAILABLE: 503,
  ERR_AXIS_REJECTED: 502,
  ERR_KEY_UNAVAILABLE: 503,
  ERR_TSA_UNAVAILABLE: 503,
  ERR_TSA_REJECTED: 502,
  ERR_REVOCATION_UNAVAILABLE: 503,
  ERR_DUPLICATE_KEY: 409,
  ERR_STORAGE_UNAVAILABLE: 503,
  ERR_DATABASE_UNAVAILABLE: 503,
  ERR_CONFIG_INVALID: 500,
};

/** Crypto errors reaching HTTP come from untrusted input (a bad file, a wrong password). */
const CRYPTO_STATUS: Partial<Record<CryptoErrorCode, number>> = {
  ERR_PDF_ENCRYPTED: 422,
  ERR_PDF_UNSUPPORTED: 422,
  ERR_PKCS12_PASSWORD: 400,
  ERR_POOL_CLOSED: 503,
  ERR_TSP_MALFORMED: 400,
  ERR_POOL_BUSY: 503,
  ERR_PDF_LIMIT: 422,
  ERR_POOL_TIMEOUT: 422,
  ERR_POOL_INPUT_TOO_LARGE: 413,
};

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Express's own errors (body parser) carry a `type` and a `status`. */
function expressError(err: unknown): Problem | undefined {
  const e = err as { type?: unknown; status?: unknown; message?: unknown };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return undefined;
  if (e.type === 'entity.too.large') return problem(413, 'ERR_PAYLOAD_TOO_LARGE', 'request body too large');
  if (e.type === 'entity.parse.failed') return problem(400, 'ERR_VALIDATION', 'request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return problem(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
  return undefined;
}

function problem(status: number, code: string, detail?: string, details?: Readonly<Record<string, unknown>>): Problem {
  return {
    type: `urn:lienthong:problem:${code}`,
    title: code.replace(/^ERR_/, '').toLowerCase().replace(/_/g, ' '),
    status,
    code,
    ...(detail ? { detail } : {}),
    ...(details ? { details } : {}),
  };
}

/** Maps any thrown value to a problem document. Unknown errors become an opaque 500. */
export function toProblem(err: unknown): { problem: Problem; known: boolean } {
  if (isDomainError(err)) return { problem: problem(DOMAIN_STATUS[err.code] ?? 500, err.code, err.message, err.details), known: true };
  if (isCryptoError(err)) return { problem: problem(CRYPTO_STATUS[err.code] ?? 422, err.code, err.message), known: true };
  const fromExpress = expressError(err);
  if (fromExpress) return { problem: fromExpress, known: true };
  return { problem: problem(500, 'ERR_INTERNAL', 'internal error'), known: false };
}

/** The HTTP status a code maps to (for the OpenAPI document and tests). */
export function statusForCode(code: DomainErrorCode): number {
  return DOMAIN_STATUS[code];
}

export function sendProblem(res: Response, p: Problem): void {
  const retryAfter = p.details?.retryAfterSeconds;
  if ((p.status === 429 || p.status === 503) && typeof retryAfter === 'number' && Number.isInteger(retryAfter) && retryAfter > 0) res.set('Retry-After', String(retryAfter));
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}

/**
 * An Express error handler that logs unknown errors with their stack (never the body), known 5xx as warnings,
 * and answers `toProblem`'s result through `send` (the problem document, or a dialect's envelope).
 */
function handlerSending(logger: Logger, send: (res: Response, p: Problem) => void) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { problem: p, known } = toProblem(err);
    if (!known) logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    else if (p.status >= 500) logger.warn({ code: p.code, url: req.originalUrl }, p.detail ?? p.code);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, p);
  };
}

/** The Express error handler, mounted last: RFC 9457 problem documents. */
export function errorHandler(logger: Logger) {
  return handlerSending(logger, sendProblem);
}

/** 404 for routes that do not exist, in the same problem format. */
export function notFoundHandler(req: Request, res: Response): void {
  sendProblem(res, problem(404, 'ERR_NOT_FOUND', `no route ${req.method} ${req.path}`));
}

/**
 * The VDXP facade's error answer: the envelope the VDXP SDKs read (`status: "FAIL"`, `ErrorCode`, `ErrorDesc`),
 * with our closed code as ErrorCode and the same HTTP status as the problem document would have.
 */
export function vdxpErrorHandler(logger: Logger) {
  return handlerSending(logger, (res, p) => {
    res.status(p.status).json({ status: 'FAIL', ErrorCode: p.code, ErrorDesc: p.detail ?? p.title });
  });
}
