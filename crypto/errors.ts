/**
 * Errors of the signing core. Untrusted bad input gets a {@link CryptoError} with a code from the closed
 * union below; programmer misuse (wrong argument types) throws a plain `TypeError`.
 * Add a code here when a new failure mode needs one; never reuse a code for another meaning.
 */
export type CryptoErrorCode =
  | 'ERR_DER_MALFORMED'
  | 'ERR_PEM_MALFORMED'
  | 'ERR_CERT_MALFORMED'
  | 'ERR_CRL_MALFORMED'
  | 'ERR_CMS_MALFORMED'
  | 'ERR_CMS_UNSUPPORTED'
  | 'ERR_PKCS12_MALFORMED'
  | 'ERR_PKCS12_PASSWORD'
  | 'ERR_PKCS12_NO_KEY'
  | 'ERR_KEY_MALFORMED'
  | 'ERR_KEY_MISMATCH'
  | 'ERR_ALGORITHM_UNSUPPORTED'
  | 'ERR_ALGORITHM_REFUSED'
  | 'ERR_XMLDSIG_MALFORMED'
  | 'ERR_PDF_MALFORMED'
  | 'ERR_PDF_ENCRYPTED'
  | 'ERR_PDF_UNSUPPORTED'
  | 'ERR_PDF_SIGNATURE_TOO_LARGE'
  | 'ERR_PDF_LIMIT'
  | 'ERR_IMAGE_MALFORMED'
  | 'ERR_POOL_CLOSED'
  | 'ERR_POOL_BUSY'
  | 'ERR_POOL_WORKER'
  | 'ERR_TSP_MALFORMED'
  | 'ERR_TSP_REJECTED'
  | 'ERR_OCSP_MALFORMED'
  | 'ERR_OCSP_REJECTED'
  | 'ERR_POOL_TIMEOUT'
  | 'ERR_POOL_INPUT_TOO_LARGE';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}

/** True when `e` is a {@link CryptoError}, optionally with the given code. */
export function isCryptoError(e: unknown, code?: CryptoErrorCode): e is CryptoError {
  return e instanceof CryptoError && (code === undefined || e.code === code);
}
