/**
 * Errors of the service. Every bad input gets a {@link DomainError} with a code from this closed union;
 * only server/http/error-mapper.ts turns codes into HTTP answers. Add codes here (and a row in the
 * mapper) when a new failure mode needs one.
 */
export type DomainErrorCode =
  // input validation
  | 'ERR_VALIDATION'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  // agency codes and the registry
  | 'ERR_AGENCY_CODE_INVALID'
  | 'ERR_AGENCY_UNKNOWN'
  | 'ERR_AGENCY_EXISTS'
  | 'ERR_CERT_NOT_BOUND'
  // authentication and authorization
  | 'ERR_UNAUTHENTICATED'
  /** A signed request (same HMAC) already accepted inside its timestamp window (VDXP facade). */
  | 'ERR_REPLAYED'
  | 'ERR_FORBIDDEN'
  | 'ERR_TOO_MANY_REQUESTS'
  // edXML
  | 'ERR_XML_MALFORMED'
  | 'ERR_XML_FORBIDDEN_CONSTRUCT'
  | 'ERR_XML_TOO_LARGE'
  | 'ERR_XML_TOO_DEEP'
  | 'ERR_EDXML_INVALID'
  | 'ERR_ATTACHMENT_INVALID'
  | 'ERR_ATTACHMENT_TOO_LARGE'
  // the exchange
  | 'ERR_PACKAGE_SIGNATURE_INVALID'
  | 'ERR_SENDER_MISMATCH'
  | 'ERR_RECIPIENT_UNKNOWN'
  | 'ERR_REFERENCE_UNKNOWN'
  | 'ERR_NOT_FOUND'
  | 'ERR_CONFLICT'
  | 'ERR_IDEMPOTENCY_MISMATCH'
  | 'ERR_STATUS_TRANSITION'
  | 'ERR_DOCUMENT_UNSIGNED'
  | 'ERR_SIGNATURE_INVALID'
  // the agency node
  | 'ERR_AXIS_UNAVAILABLE'
  | 'ERR_AXIS_REJECTED'
  | 'ERR_KEY_UNAVAILABLE'
  /** The configured time-stamping authority cannot be reached or failed (retry later). */
  | 'ERR_TSA_UNAVAILABLE'
  /** The time-stamping authority answered with a refusal or a token that does not verify. */
  | 'ERR_TSA_REJECTED'
  | 'ERR_REVOCATION_UNAVAILABLE'
  // storage
  | 'ERR_DUPLICATE_KEY'
  | 'ERR_STORAGE_UNAVAILABLE'
  | 'ERR_DATABASE_UNAVAILABLE'
  | 'ERR_CONFIG_INVALID';

export interface DomainErrorOptions {
  readonly cause?: unknown;
  /** Safe, structured details for the client (field errors, the failing check). Never secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: DomainErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    if (options.details) this.details = options.details;
  }
}

/** True when `e` is a {@link DomainError}, optionally with the given code. */
export function isDomainError(e: unknown, code?: DomainErrorCode): e is DomainError {
  return e instanceof DomainError && (code === undefined || e.code === code);
}
