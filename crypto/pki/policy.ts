import type { RevokedEntry } from './crl.js';

/** Algorithm limits applied to certificates and to revocation data. */
export interface ChainPolicy {
  /** Accept SHA-1 signatures on certificates, CRLs and OCSP responses. Default false. */
  readonly allowSha1?: boolean;
  /** Smallest RSA modulus accepted, in bits. Default 2048. */
  readonly minRsaBits?: number;
}

export type RevocationStatus =
  | { readonly status: 'good'; readonly source: string }
  | { readonly status: 'revoked'; readonly source: string; readonly entry: RevokedEntry }
  | { readonly status: 'revoked-after'; readonly source: string; readonly entry: RevokedEntry }
  | { readonly status: 'not-required' }
  | { readonly status: 'unknown'; readonly reason: string };

/** True when the algorithm of a signed object is acceptable under the policy. */
export function algorithmAllowed(alg: { readonly hash?: string; readonly keyType: string }, policy: ChainPolicy): boolean {
  if (alg.keyType === 'unknown') return false;
  if (alg.hash === 'md5') return false;
  if (alg.hash === 'sha1' && policy.allowSha1 !== true) return false;
  return true;
}

