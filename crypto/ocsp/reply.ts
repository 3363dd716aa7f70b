import * as asn1js from 'asn1js';
import { CryptoError } from '../errors.js';
import { parseCertificate } from '../pki/certificate.js';
import { toArrayBuffer } from '../pki/fingerprint.js';
import { findOcspStatus, parseOcspResponse, type ParsedOcspResponse } from '../pki/ocsp.js';
import type { ChainPolicy, RevocationStatus } from '../pki/policy.js';
import type { OcspRequest } from './request.js';

const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(4)', 'sigRequired', 'unauthorized'];

/** A response that answered an {@link OcspRequest}. */
export interface OcspReply {
  /** The DER OCSPResponse: what goes into a DSS and into the verifier's `ocspResponses`. */
  readonly der: Uint8Array;
  readonly parsed: ParsedOcspResponse;
  /** What it says about the certificate at `at`: good, revoked or revoked-after. */
  readonly status: Exclude<RevocationStatus, { status: 'unknown' } | { status: 'not-required' }>;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

/**
 * Checks an OCSPResponse against the request it answers (RFC 6960 §3.2): status successful, a basic
 * response, the request's nonce echoed unchanged (RFC 8954), a SingleResponse for the certificate's CertID
 * (SHA-1 CertIDs only when the policy allows SHA-1), signed by the issuer or a delegated responder it
 * certified with id-kp-OCSPSigning, with an accepted algorithm, current at `at` (thisUpdate ≤ `at` +
 * `maxClockSkewMs` and `at` ≤ nextUpdate). The issuer itself is trusted only as far as the caller validated
 * it. Throws ERR_OCSP_MALFORMED for bytes that are not an OCSPResponse; ERR_OCSP_REJECTED when the responder
 * refused (tryLater, unauthorized, …), the nonce differs, or nothing in it answers for the certificate.
 */
export function readOcspReply(der: Uint8Array, request: OcspRequest, options: { readonly at: Date; readonly policy?: ChainPolicy; readonly maxClockSkewMs?: number }): OcspReply {
  let status: number;
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1 || asn.offset !== der.length) throw new Error('not one DER value');
    const en = (asn.result as asn1js.Sequence).valueBlock.value[0];
    if (!(en instanceof asn1js.Enumerated)) throw new Error('no responseStatus');
    status = en.valueBlock.valueDec;
  } catch (e) {
    throw new CryptoError('ERR_OCSP_MALFORMED', `not an OCSPResponse: ${(e as Error).message}`, { cause: e });
  }
  if (status !== 0) throw new CryptoError('ERR_OCSP_REJECTED', `the OCSP responder answered ${RESPONSE_STATUS[status] ?? `status ${status}`}`);
  let parsed: ParsedOcspResponse;
  try {
    parsed = parseOcspResponse(der);
  } catch (e) {
    throw new CryptoError('ERR_OCSP_MALFORMED', 'not a basic OCSP response', { cause: e });
  }
  if (!parsed.nonce || Buffer.compare(Buffer.from(parsed.nonce), Buffer.from(request.nonce)) !== 0) {
    throw new CryptoError('ERR_OCSP_REJECTED', 'the OCSP response does not carry the request nonce (a replayed or cached answer)');
  }
  const cert = parseCertificate(request.certificate);
  const issuer = parseCertificate(request.issuer);
  const policy = options.policy ?? {};
  const found = findOcspStatus({ cert, issuer, responses: [parsed], at: options.at, policy });
  if (found.status === 'unknown' || found.status === 'not-required') {
    throw new CryptoError('ERR_OCSP_REJECTED', `the OCSP response is not usable: ${found.status === 'unknown' ? found.reason : found.status}`);
  }
  const single = parsed.responses.find((r) => r.serialNumber === cert.serialNumber)!;
  if (single.thisUpdate.getTime() > options.at.getTime() + (options.maxClockSkewMs ?? 300_000)) {
    throw new CryptoError('ERR_OCSP_REJECTED', `the OCSP response's thisUpdate ${single.thisUpdate.toISOString()} is in the future`);
  }
  return Object.freeze({ der, parsed, status: found, thisUpdate: single.thisUpdate, ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}) });
}
