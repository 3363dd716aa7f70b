import { verifyWithAlgorithm, type SignatureAlgorithm } from './algorithms.js';
import type { ParsedCertificate } from './certificate.js';

const MAX = 50_000;
const results = new Map<string, boolean>();

/**
 * Verifies a signature made by `issuer`'s key over a signed object (certificate, CRL, OCSP response) and
 * remembers the result by (object fingerprint, issuer fingerprint). Both fingerprints are SHA-256 of the
 * complete DER, so a cached result can never apply to different bytes.
 */
export function verifySignedBy(
  object: { readonly sha256: string; readonly tbs: Uint8Array; readonly signatureAlgorithm: SignatureAlgorithm; readonly signatureValue: Uint8Array },
  issuer: ParsedCertificate,
  kind: 'cert' | 'crl' | 'ocsp',
): boolean {
  const key = `${kind}:${object.sha256}:${issuer.sha256}`;
  const hit = results.get(key);
  if (hit !== undefined) return hit;
  const ok = issuer.publicKey !== undefined && verifyWithAlgorithm(object.signatureAlgorithm, issuer.publicKey, object.tbs, object.signatureValue);
  if (results.size >= MAX) {
    const oldest = results.keys().next().value;
    if (oldest !== undefined) results.delete(oldest);
  }
  results.set(key, ok);
  return ok;
}
