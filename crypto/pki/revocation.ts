import * as pkijs from 'pkijs';
import type { ParsedCertificate } from './certificate.js';
import type { ParsedCrl, RevokedEntry } from './crl.js';
import type { ParsedOcspResponse } from './ocsp.js';
import { findOcspStatus } from './ocsp.js';
import { algorithmAllowed, type ChainPolicy, type RevocationStatus } from './policy.js';
import { verifySignedBy } from './signature-cache.js';

export type { ChainPolicy, RevocationStatus } from './policy.js';

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
  const responderRevoked = (responder: ParsedCertificate, when: Date): boolean =>
    crls.some((crl) => {
      if (crlUsable(crl, responder, issuer, when, policy) !== undefined) return false;
      const entry = crl.revoked.get(responder.serialNumber);
      return entry !== undefined && entry.reason !== 'removeFromCRL' && entry.revocationDate.getTime() <= when.getTime();
    });
  const fromOcsp = findOcspStatus({ cert, issuer, responses: ocsp, at, policy, responderRevoked });
  if (fromOcsp.status !== 'unknown') return fromOcsp;
  if (ocsp.length > 0 && fromOcsp.reason) reasons.push(fromOcsp.reason);
  // A revocation (other than a hold) is permanent: any usable CRL that lists one decides. Holds and
  // "good" come from the newest usable CRL (highest thisUpdate).
  let best: ParsedCrl | undefined;
  let permanent: { crl: ParsedCrl; entry: RevokedEntry } | undefined;
  for (const crl of crls) {
    const why = crlUsable(crl, cert, issuer, at, policy);
    if (why !== undefined) {
      if (why !== 'other issuer') reasons.push(why);
      continue;
    }
    if (!best || crl.thisUpdate.getTime() > best.thisUpdate.getTime()) best = crl;
    const entry = crl.revoked.get(cert.serialNumber);
    if (entry && entry.reason !== 'certificateHold' && entry.reason !== 'removeFromCRL') {
      if (!permanent || entry.revocationDate.getTime() < permanent.entry.revocationDate.getTime()) permanent = { crl, entry };
    }
  }
  const describe = (crl: ParsedCrl): string => `CRL issued ${crl.thisUpdate.toISOString()} by ${crl.issuer}`;
  if (permanent) {
    const { crl, entry } = permanent;
    return entry.revocationDate.getTime() <= at.getTime()
      ? { status: 'revoked', source: describe(crl), entry }
      : { status: 'revoked-after', source: describe(crl), entry };
  }
  if (best) {
    const entry = best.revoked.get(cert.serialNumber);
    const source = describe(best);
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
