import { respondToOcspRequest } from '../../crypto/index.js';
import { DomainError } from '../domain/errors.js';
import type { AxisDeps } from './deps.js';

/**
 * The axis's development OCSP responder (RFC 6960 §4.1–4.2): answers a DER OCSPRequest with a basic
 * OCSPResponse signed by the development PKI's delegated responder certificate (id-kp-OCSPSigning,
 * id-pkix-ocsp-nocheck), thisUpdate from the axis clock, the request's nonce echoed. ERR_NOT_FOUND when the
 * axis runs without a responder; bytes that are not an OCSPRequest get an RFC 6960 malformedRequest response.
 */
export async function answerOcsp(deps: AxisDeps, input: { readonly request: Uint8Array }): Promise<Uint8Array> {
  if (!deps.ocspResponder) throw new DomainError('ERR_NOT_FOUND', 'this axis runs no OCSP responder');
  return respondToOcspRequest(input.request, { responder: deps.ocspResponder, now: deps.now() });
}
