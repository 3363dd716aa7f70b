import * as pkijs from 'pkijs';
import type { ParsedCertificate } from './certificate.js';
import type { ParsedCrl, RevokedEntry } from './crl.js';
import type { ParsedOcspResponse } from './ocsp.js';
import { findOcspStatus } from './ocsp.js';
import { verifySignedBy } from './signature-cache.js';

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

/**
 * Decides whether a CRL may answer for `cert` at `at` (RFC 5280 §6.3.3, simplified to complete CRLs issued
 * directly by the certificate's issuer): same issuer name, matching AKI when both carry one, signed by the
 * issuer's key with an accepted algorithm, the issuer allowed to sign CRLs, and `at` not after nextUpdate.
 * A CRL issued after `at` is accepted: it knows at least as much about `at` as one current at `at`.
 */
function crlUsable(crl: ParsedCrl, cert: ParsedCertificate, issuer: ParsedCertificate, at: Date, policy: ChainPolicy): string | undefined {
  if (crl.issuerKey !== cert.issuerKey) return 'other issuer';
  if (crl.unsupported) return `unsupported CRL (${crl.unsupported})`;
  if (crl.authorityKeyIdentifier && issuer.subjectKeyIdentifier && crl.authorityKeyIdentifier !== issuer.subjectKeyIdentifier) {
    return 'CRL key identifier does not match the issuer';
  }
  if (issuer.keyUsage && !issuer.keyUsage.has('cRLSign')) return 'issuer key usage lacks cRLSign';
  if (!algorithmAllowed(crl.signatureAlgorithm, policy)) return `CRL signature algorithm ${crl.signatureAlgorithm.name} refused`;
  if (!verifySignedBy(crl, issuer, 'crl')) return 'CRL signature does not verify';
  if (crl.nextUpdate && crl.nextUpdate.getTime() < crl.thisUpdate.getTime()) return 'CRL nextUpdate before thisUpdate';
  if (crl.nextUpdate ? at.getTime() > crl.nextUpdate.getTime() : crl.thisUpdate.getTime() < at.getTime()) {
    return crl.nextUpdate ? `CRL expired at ${crl.nextUpdate.toISOString()}` : 'CRL without nextUpdate issued before the validation time';
  }
  return undefined;
}

/**
 * The revocation status of `cert` at time `at`, from OCSP responses first, then CRLs (the newest usable one).
 * A revocation dated after `at` is reported as `revoked-after`, which the caller treats as not revoked at `at`
 * (ETSI EN 319 102-1 §5.2.6: the certificate was valid at the validation time).
 */
export function revocationStatus(options: {
  readonly cert: ParsedCertificate;
  readonly issuer: ParsedCertificate;
  readonly crls: readonly ParsedCrl[];
  readonly ocsp: readonly ParsedOcspResponse[];
  readonly at: Date;
  readonly policy: ChainPolicy;
}): RevocationStatus {
  const { cert, issuer, crls, ocsp, at, policy } = options;
  const reasons: string[] = [];
  const fromOcsp = findOcspStatus({ cert, issuer, responses: ocsp, at, policy });
  if (fromOcsp.status !== 'unknown') return fromOcsp;
  if (ocsp.length > 0 && fromOcsp.reason) reasons.push(fromOcsp.reason);
  let best: ParsedCrl | undefined;
  for (const crl of crls) {
    const why = crlUsable(crl, cert, issuer, at, policy);
    if (why === undefined) {
      if (!best || crl.thisUpdate.getTime() > best.thisUpdate.getTime()) best = crl;
    } else if (why !== 'other issuer') reasons.push(why);
  }
  if (best) {
    const entry = best.revoked.get(cert.serialNumber);
    const source = `CRL issued ${best.thisUpdate.toISOString()} by ${best.issuer}`;
    if (!entry || entry.reason === 'removeFromCRL') return { status: 'good', source };
    return entry.revocationDate.getTime() <= at.getTime()
      ? { status: 'revoked', source, entry }
      : { status: 'revoked-after', source, entry };
  }
  if (!cert.hasCrlDistributionPoint && !hasOcspLocation(cert)) return { status: 'not-required' };
  return { status: 'unknown', reason: reasons.length > 0 ? reasons.join('; ') : 'no CRL or OCSP response supplied' };
}

function hasOcspLocation(cert: ParsedCertificate): boolean {
  for (const ext of cert.certificate.extensions ?? []) {
    if (ext.extnID !== '1.3.6.1.5.5.7.1.1') continue;
    const pv: unknown = ext.parsedValue;
    if (pv instanceof pkijs.InfoAccess) return pv.accessDescriptions.some((d) => d.accessMethod === '1.3.6.1.5.5.7.48.1');
  }
  return false;
}
