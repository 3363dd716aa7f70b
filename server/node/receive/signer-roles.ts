import type { PdfReport } from '../../../crypto/index.js';
import type { AgencyCode } from '../../domain/agency/index.js';
import type { AxisAgencyInfo, AxisGateway } from '../../domain/ports/node/index.js';
import type { SignerRole } from '../../domain/signatures/index.js';

/** Who made one PDF signature, and for a foreign one, the agency that holds its certificate. */
export interface SignerBinding {
  readonly role: SignerRole;
  readonly boundToSender: boolean;
  readonly holder?: AgencyCode;
}

/** The role the sender's registry entry gives a certificate at `at` (bound and not yet revoked then), if any. */
export function roleAt(registry: AxisAgencyInfo | null, sha256: string | undefined, at: Date): 'seal' | 'person' | undefined {
  if (!registry || !sha256) return undefined;
  const cert = registry.certificates.find((c) => c.sha256 === sha256.toLowerCase());
  if (!cert) return undefined;
  const bound = cert.status === 'active' || (cert.revokedAt !== undefined && at.getTime() < cert.revokedAt.getTime());
  return bound ? cert.role : undefined;
}

/**
 * Binds every signature of a PDF to its role through the axis registry, in file order (X-Road's member check,
 * applied to each signature, not only the last): the sender's entry first; a certificate it does not hold is
 * looked up once, to tell another agency's signature (`foreign`, refused by the caller) from one nobody
 * registered (`unregistered`). Times are the signatures' own signing times, which the chain check bounds.
 */
export async function bindSigners(
  axis: Pick<AxisGateway, 'findCertificateHolder'>,
  self: AgencyCode,
  sender: AxisAgencyInfo,
  report: PdfReport,
  now: Date,
): Promise<SignerBinding[]> {
  const out: SignerBinding[] = [];
  for (const s of report.signatures) {
    const sha = s.cms?.signer?.sha256?.toLowerCase();
    const role = roleAt(sender, sha, s.signingTime ? new Date(s.signingTime) : now);
    if (role) {
      out.push({ role, boundToSender: true });
      continue;
    }
    const holder = sha ? await axis.findCertificateHolder(self, sha) : null;
    if (holder && holder.code !== sender.code) out.push({ role: 'foreign', boundToSender: false, holder: holder.code });
    else out.push({ role: 'unregistered', boundToSender: false });
  }
  return out;
}
