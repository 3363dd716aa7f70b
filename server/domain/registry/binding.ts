import type { SignatureReport } from '../../../crypto/index.js';

/** What a bound certificate signs for its agency: its `seal` (also the key of its packages) or a competent `person`. */
export type BindingRole = 'seal' | 'person';

/** What the binding rule needs of a registry certificate entry (the axis's record or the node's view of it). */
export interface BindingEntry {
  readonly sha256: string;
  readonly status: 'active' | 'revoked';
  readonly revokedAt?: Date;
  /** Absent on bindings recorded before roles existed: those were seals. */
  readonly role?: BindingRole;
}

/**
 * The one rule, on the axis and on every node, for "this signature's certificate is bound to the sender's
 * code, and in which role": the registry lists the certificate, and the binding was not revoked at the
 * signature's validation time — the proven time the crypto core validated it at (a signature timestamp, the
 * axis arrival, else now; ETSI EN 319 102-1 §5.5), never the signer's claimed signing time. A binding revoked
 * at or before that time does not bind. Returns the role the binding gives the signer then, or undefined.
 */
export function roleAtValidationTime(certificates: readonly BindingEntry[] | undefined, report: Pick<SignatureReport, 'signer' | 'validationTime'> | undefined): BindingRole | undefined {
  const sha256 = report?.signer?.sha256;
  if (!certificates || !sha256 || !report) return undefined;
  const at = new Date(report.validationTime);
  if (Number.isNaN(at.getTime())) return undefined;
  const cert = certificates.find((c) => c.sha256 === sha256.toLowerCase());
  if (!cert) return undefined;
  const bound = cert.status === 'active' || (cert.revokedAt !== undefined && at.getTime() < cert.revokedAt.getTime());
  return bound ? (cert.role ?? 'seal') : undefined;
}

/**
 * {@link roleAtValidationTime} asked for one role: by default the seal, the only certificate that speaks for
 * the agency itself (its packages, the last signature on its documents; Decree 30/2020 Art. 32). A leader's
 * personal certificate (`person`) signs for the person, never for the agency.
 */
export function boundAtValidationTime(certificates: readonly BindingEntry[] | undefined, report: Pick<SignatureReport, 'signer' | 'validationTime'> | undefined, role: BindingRole = 'seal'): boolean {
  return roleAtValidationTime(certificates, report) === role;
}
