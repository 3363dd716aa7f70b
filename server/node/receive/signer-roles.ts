import type { PdfReport } from '../../../crypto/index.js';
import type { AgencyCode } from '../../domain/agency/index.js';
import type { AxisAgencyInfo, AxisGateway } from '../../domain/ports/node/index.js';
import { roleAtValidationTime } from '../../domain/registry/index.js';
import type { SignerRole } from '../../domain/signatures/index.js';

/** Who made one PDF signature, and for a foreign one, the agency that holds its certificate. */
export interface SignerBinding {
  readonly role: SignerRole;
  readonly boundToSender: boolean;
  readonly holder?: AgencyCode;
}

/**
 * Binds every signature of a PDF to its role through the axis registry, in file order (X-Road's member check,
 * applied to each signature, not only the last): the sender's entry first, by the one binding rule
 * (roleAtValidationTime: at the signature's proven validation time, never its claimed signing time); a
 * certificate the sender does not hold is looked up once, to tell another agency's signature (`foreign`,
 * refused by the caller) from one nobody registered (`unregistered`).
 */
export async function bindSigners(axis: Pick<AxisGateway, 'findCertificateHolder'>, self: AgencyCode, sender: AxisAgencyInfo, report: PdfReport): Promise<SignerBinding[]> {
  const out: SignerBinding[] = [];
  for (const s of report.signatures) {
    const role = roleAtValidationTime(sender.certificates, s.cms);
    if (role) {
      out.push({ role, boundToSender: true });
      continue;
    }
    const sha = s.cms?.signer?.sha256?.toLowerCase();
    const holder = sha ? await axis.findCertificateHolder(self, sha) : null;
    if (holder && holder.code !== sender.code) out.push({ role: 'foreign', boundToSender: false, holder: holder.code });
    else out.push({ role: 'unregistered', boundToSender: false });
  }
  return out;
}
