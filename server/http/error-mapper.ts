import type { NextFunction, Request, Response } from 'express';
import { isCryptoError, type CryptoErrorCode } from '../../crypto/index.js';
import { isDomainError, type DomainErrorCode } from '../domain/errors.js';
import type { Logger } from '../logger.js';

/** One row of the error table: the HTTP status a code answers and what it means to a client. */
export interface ErrorCodeRow {
  readonly status: number;
  readonly meaning: string;
}

/**
 * The ONE place that knows HTTP status codes, and the one table of error codes: the mapper reads its statuses
 * from here, and the OpenAPI document (the `code` enum of Problem) and docs/error-codes.md are generated from it
 * (`npm run docs:api`). Every coded error maps here; unknown errors are 500 ERR_INTERNAL.
 */
export const DOMAIN_ERROR_CODES: Readonly<Record<DomainErrorCode, ErrorCodeRow>> = {
  ERR_VALIDATION: { status: 400, meaning: 'The request is malformed: `details.issues` lists every field at fault with its path.' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The body or an uploaded part is larger than the configured limit.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The body is not of the media type the route takes (JSON, multipart/form-data, a TimeStampReq).' },
  ERR_AGENCY_CODE_INVALID: { status: 400, meaning: 'Not an agency identification code of QCVN 102:2016 (e.g. 000.00.00.G22).' },
  ERR_AGENCY_UNKNOWN: { status: 404, meaning: 'No agency with that code in the registry.' },
  ERR_AGENCY_EXISTS: { status: 409, meaning: 'An agency with that code is registered already.' },
  ERR_CERT_NOT_BOUND: { status: 403, meaning: 'The signing certificate is not bound to the sender agency in the axis registry (or it is revoked).' },
  ERR_UNAUTHENTICATED: { status: 401, meaning: 'No credentials, wrong credentials, or a token that is malformed, expired or revoked.' },
  ERR_REPLAYED: { status: 409, meaning: 'A signed request (the same HMAC) already accepted inside its timestamp window (VDXP facade).' },
  ERR_FORBIDDEN: { status: 403, meaning: 'Authenticated, but the role or the agency may not do this.' },
  ERR_TOO_MANY_REQUESTS: { status: 429, meaning: 'Too many failed attempts: wait the seconds in Retry-After.' },
  ERR_XML_MALFORMED: { status: 400, meaning: 'The XML does not parse.' },
  ERR_XML_FORBIDDEN_CONSTRUCT: { status: 400, meaning: 'The XML carries a DOCTYPE, an entity or a processing instruction, which are refused.' },
  ERR_XML_TOO_LARGE: { status: 413, meaning: 'The XML is larger than its limit (bytes, elements or attributes).' },
  ERR_XML_TOO_DEEP: { status: 400, meaning: 'The XML nests deeper than its limit.' },
  ERR_EDXML_INVALID: { status: 422, meaning: 'The XML parses but is not a valid edXML package (a missing or wrong field).' },
  ERR_ATTACHMENT_INVALID: { status: 422, meaning: 'An attachment of the package is malformed (its name, type or encoding).' },
  ERR_ATTACHMENT_TOO_LARGE: { status: 413, meaning: 'An attachment is larger than its limit.' },
  ERR_PACKAGE_SIGNATURE_INVALID: { status: 422, meaning: 'The package signature does not verify, is not trusted, or uses a refused algorithm (SHA-1).' },
  ERR_SENDER_MISMATCH: { status: 403, meaning: 'The edXML From is not the authenticated caller.' },
  ERR_RECIPIENT_UNKNOWN: { status: 422, meaning: 'A recipient is not registered at the axis.' },
  ERR_REFERENCE_UNKNOWN: { status: 422, meaning: 'The document a status, update or replacement refers to is unknown.' },
  ERR_NOT_FOUND: { status: 404, meaning: "No such route or resource, or one the caller may not see (another agency's document)." },
  ERR_CONFLICT: { status: 409, meaning: 'The resource is not in a state that allows this change.' },
  ERR_IDEMPOTENCY_MISMATCH: { status: 409, meaning: 'The same idempotency key (or edXML DocumentId) came with a different request.' },
  ERR_STATUS_TRANSITION: { status: 409, meaning: "That status cannot follow the document's current one." },
  ERR_DOCUMENT_UNSIGNED: { status: 422, meaning: 'The PDF carries no valid person signature and the request did not ask for an unsigned document.' },
  ERR_SIGNATURE_INVALID: { status: 422, meaning: 'A signature in the document does not verify.' },
  ERR_AXIS_UNAVAILABLE: { status: 503, meaning: 'The document axis cannot be reached: retry later.' },
  ERR_AXIS_REJECTED: { status: 502, meaning: "The document axis refused the node's request." },
  ERR_KEY_UNAVAILABLE: { status: 503, meaning: "The agency's signing key cannot be used now." },
  ERR_TSA_UNAVAILABLE: { status: 503, meaning: 'The configured time-stamping authority cannot be reached or failed: retry later.' },
  ERR_TSA_REJECTED: { status: 502, meaning: 'The time-stamping authority refused, or answered a token that does not verify.' },
  ERR_REVOCATION_UNAVAILABLE: { status: 503, meaning: 'No revocation information (CRL, OCSP) could be had for a certificate.' },
  ERR_DUPLICATE_KEY: { status: 409, meaning: 'A record with the same unique key exists.' },
  ERR_STORAGE_UNAVAILABLE: { status: 503, meaning: 'The store failed: retry later.' },
  ERR_DATABASE_UNAVAILABLE: { status: 503, meaning: 'The database does not answer: retry later.' },
  ERR_CONFIG_INVALID: { status: 500, meaning: 'The service is misconfigured.' },
};

/** Crypto errors reaching HTTP come from untrusted input (a bad file, a wrong password). */
export const CRYPTO_ERROR_CODES: Readonly<Record<CryptoErrorCode, ErrorCodeRow>> = {
  ERR_DER_MALFORMED: { status: 422, meaning: 'A DER structure does not parse.' },
  ERR_PEM_MALFORMED: { status: 422, meaning: 'A PEM block does not parse.' },
  ERR_CERT_MALFORMED: { status: 422, meaning: 'A certificate does not parse.' },
  ERR_CRL_MALFORMED: { status: 422, meaning: 'A CRL does not parse.' },
  ERR_CMS_MALFORMED: { status: 422, meaning: 'A CMS SignedData does not parse.' },
  ERR_CMS_UNSUPPORTED: { status: 422, meaning: 'A CMS SignedData uses a form that is not supported.' },
  ERR_PKCS12_MALFORMED: { status: 422, meaning: 'A PKCS#12 file does not parse.' },
  ERR_PKCS12_PASSWORD: { status: 400, meaning: 'Wrong PKCS#12 password.' },
  ERR_PKCS12_NO_KEY: { status: 422, meaning: 'The PKCS#12 file holds no private key.' },
  ERR_KEY_MALFORMED: { status: 422, meaning: 'A key does not parse.' },
  ERR_KEY_MISMATCH: { status: 422, meaning: 'The private key does not belong to the certificate.' },
  ERR_ALGORITHM_UNSUPPORTED: { status: 422, meaning: 'An algorithm that is not supported.' },
  ERR_ALGORITHM_REFUSED: { status: 422, meaning: 'An algorithm that is refused (SHA-1, short keys).' },
  ERR_XMLDSIG_MALFORMED: { status: 422, meaning: 'An XML signature does not parse.' },
  ERR_PDF_MALFORMED: { status: 422, meaning: 'The PDF does not parse.' },
  ERR_PDF_ENCRYPTED: { status: 422, meaning: 'The PDF is encrypted.' },
  ERR_PDF_UNSUPPORTED: { status: 422, meaning: 'The PDF uses a form that is not supported.' },
  ERR_PDF_SIGNATURE_TOO_LARGE: { status: 422, meaning: 'The signature does not fit the space reserved in the PDF.' },
  ERR_PDF_LIMIT: { status: 422, meaning: 'The PDF exceeds a cost limit (objects, pages, signatures).' },
  ERR_IMAGE_MALFORMED: { status: 422, meaning: 'A signature image does not parse.' },
  ERR_POOL_CLOSED: { status: 503, meaning: 'The worker pool is shutting down: retry later.' },
  ERR_POOL_BUSY: { status: 503, meaning: 'The worker pool is full: retry later.' },
  ERR_POOL_WORKER: { status: 422, meaning: 'A worker failed on this input.' },
  ERR_TSP_MALFORMED: { status: 400, meaning: 'A time-stamp request or answer does not parse.' },
  ERR_TSP_REJECTED: { status: 422, meaning: 'A time-stamp token was refused.' },
  ERR_OCSP_MALFORMED: { status: 400, meaning: 'An OCSP request or response does not parse.' },
  ERR_OCSP_REJECTED: { status: 422, meaning: 'An OCSP response was refused: the responder declined, the nonce differs, or it does not answer for the certificate.' },
  ERR_POOL_TIMEOUT: { status: 422, meaning: 'The work on this input took longer than its limit and was stopped.' },
  ERR_POOL_INPUT_TOO_LARGE: { status: 413, meaning: 'The input is larger than the worker pool takes.' },
};

/** The answer to an error that carries no code of ours. */
export const INTERNAL_ERROR: { readonly code: 'ERR_INTERNAL' } & ErrorCodeRow = { code: 'ERR_INTERNAL', status: 500, meaning: 'An unexpected error; it is logged with its stack, the answer says nothing more.' };

/** Every code a client can see, with its status and meaning, in table order. */
export function errorCodeTable(): readonly ({ readonly code: string } & ErrorCodeRow)[] {
  const rows = [...Object.entries(DOMAIN_ERROR_CODES), ...Object.entries(CRYPTO_ERROR_CODES)].map(([code, row]) => ({ code, ...row }));
  return [...rows, INTERNAL_ERROR];
}

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
  if (isDomainError(err)) return { problem: problem(DOMAIN_ERROR_CODES[err.code]?.status ?? 500, err.code, err.message, err.details), known: true };
  if (isCryptoError(err)) return { problem: problem(CRYPTO_ERROR_CODES[err.code]?.status ?? 422, err.code, err.message), known: true };
  const fromExpress = expressError(err);
  if (fromExpress) return { problem: fromExpress, known: true };
  return { problem: problem(INTERNAL_ERROR.status, INTERNAL_ERROR.code, 'internal error'), known: false };
}

/** The HTTP status a code maps to (for the OpenAPI document and tests). */
export function statusForCode(code: DomainErrorCode): number {
  return DOMAIN_ERROR_CODES[code].status;
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
