import type { SignatureReport } from '../../../crypto/index.js';

/** What the binding rule needs of a registry certificate entry (the axis's record or the node's view of it). */
export interface BindingEntry {
  readonly sha256: string;
  readonly status: 'active' | 'revoked';
  readonly revokedAt?: Date;
}

/**
 * The one rule, on the axis and on every node, for "this signature's certificate is bound to the sender's
 * code": the registry lists the certificate, and the binding was not revoked at the signature's validation
 * time — the proven time the crypto core validated it at (a signature timestamp, the axis arrival, else now;
 * ETSI EN 319 102-1 §5.5), never the signer's claimed signing time. A binding revoked at or before that time
 * does not bind.
 */
export function boundAtValidationTime(certificates: readonly BindingEntry[] | undefined, report: Pick<SignatureReport, 'signer' | 'validationTime'> | undefined): boolean {
  const sha256 = report?.signer?.sha256;
  if (!certificates || !sha256 || !report) return false;
  const at = new Date(report.validationTime);
  if (Number.isNaN(at.getTime())) return false;
  const cert = certificates.find((c) => c.sha256 === sha256.toLowerCase());
  if (!cert) return false;
  return cert.status === 'active' || (cert.revokedAt !== undefined && at.getTime() < cert.revokedAt.getTime());
}
