import { isCryptoError, verifyPdf, type PdfReport, type SignatureReport } from '../../../crypto/index.js';
import type { AgencyCode } from '../../domain/agency/index.js';
import { isRevokePackage, parseEdocPackage, verifyPackageSignature, type Attachment, type EdocPackage } from '../../domain/edxml/index.js';
import { isDomainError } from '../../domain/errors.js';
import type { AxisAgencyInfo, AxisDownloadResult, SignatureFinding, Verification } from '../../domain/ports/node/index.js';
import type { NodeDeps } from '../deps.js';
import { documentSignatureLevel, firstForeignSignature } from '../../domain/signatures/index.js';
import { packageFinding, pdfFindings } from '../findings.js';
import { bindSigners, roleAt } from './signer-roles.js';

export interface InboundCheck {
  readonly verification: Verification;
  /** Present when the package could be read. */
  readonly pkg?: EdocPackage;
  /** The main PDF (first PDF attachment), when there is one. */
  readonly pdf?: Attachment;
}

/** True when the registry binds the certificate to the sender as a seal at `at` (active, or revoked only later): only a seal signs packages. */
export function boundAt(registry: AxisAgencyInfo | null, sha256: string | undefined, at: Date): boolean {
  return roleAt(registry, sha256, at) === 'seal';
}

const isPdf = (a: Attachment) => a.ContentType.toLowerCase() === 'application/pdf' || /\.pdf$/i.test(a.AttachmentName);

/**
 * Verifies everything about an incoming document package, in a fixed order (STYLE.md, after X-Road's
 * SignatureVerifier): (1) the sender is registered; (2) the detached package signature (CAdES, chain to a
 * trusted root at the signing time, revocation, SHA-1 refused unless allowed) and (3) its signer bound to the
 * sender's code in the axis registry; (4) the package parses and (5) names the sender as `From` and this
 * agency among `To`; (6) every PDF signature (PAdES, with the change analysis after each signature), each
 * bound to its role: none by another agency (FOREIGN_SIGNATURE), the last one the sender's seal (Decree
 * 30/2020 Art. 32, SEAL_NOT_BOUND), and `signed` only with a person of the sender before it (Art. 5). A failure is a verdict with a reason,
 * never an exception: the receiver answers 02 with it.
 */
export async function verifyInbound(deps: NodeDeps, self: AgencyCode, dl: AxisDownloadResult): Promise<InboundCheck> {
  const now = deps.now();
  const findings: SignatureFinding[] = [];
  const refuse = (reasonCode: string, reason: string, extra: Partial<InboundCheck> = {}): InboundCheck => ({
    ...extra,
    verification: { verdict: 'refused', reasonCode, reason, signatureLevel: 'unsigned', findings, verifiedAt: now },
  });
  const trust = { trustAnchors: deps.trust.trustAnchors, crls: deps.trust.crls, ...(deps.trust.intermediates ? { intermediates: deps.trust.intermediates } : {}), now };
  const from = dl.info.from;

  const registry = await deps.axis.getAgency(self, from);
  if (!registry) return refuse('SENDER_UNKNOWN', `the sender ${from} is not in the axis registry`);

  let pkgReport: SignatureReport;
  try {
    pkgReport = await verifyPackageSignature(dl.packageBytes, dl.signature, { ...trust, policy: { allowSha1: deps.allowSha1 } });
  } catch (e) {
    if (isDomainError(e, 'ERR_PACKAGE_SIGNATURE_INVALID')) return refuse('PACKAGE_SIGNATURE_MALFORMED', 'the package signature cannot be read');
    throw e;
  }
  const pkgSigningTime = pkgReport.claimedSigningTime ? new Date(pkgReport.claimedSigningTime) : now;
  const pkgBound = boundAt(registry, pkgReport.signer?.sha256, pkgSigningTime);
  findings.push(packageFinding(pkgReport, pkgBound));
  if (pkgReport.indication !== 'TOTAL_PASSED') {
    return refuse('PACKAGE_SIGNATURE_FAILED', `package signature ${pkgReport.indication}/${pkgReport.subIndication ?? '-'}${pkgReport.reason ? `: ${pkgReport.reason}` : ''}`);
  }
  if (!pkgBound) return refuse('PACKAGE_SIGNER_NOT_BOUND', `the package was signed by a certificate not bound to ${from} in the registry`);

  let pkg: EdocPackage;
  try {
    pkg = parseEdocPackage(dl.packageBytes);
  } catch (e) {
    if (isDomainError(e)) return refuse('PACKAGE_MALFORMED', `the package cannot be read (${e.code})`);
    throw e;
  }
  if (pkg.MessageHeader.From.OrganId !== from) return refuse('SENDER_MISMATCH', `the package names ${pkg.MessageHeader.From.OrganId} as sender, the axis ${from}`, { pkg });
  if (!pkg.MessageHeader.To.some((t) => t.OrganId === self)) return refuse('NOT_ADDRESSED', `${self} is not among the recipients`, { pkg });

  const pdfs = pkg.Attachments.filter(isPdf);
  const pdf = pdfs[0];
  // A revoke package (BussinessDocType 1) names the document it recalls; its package signature is its proof.
  if (!pdf && isRevokePackage(pkg)) return { pkg, verification: { verdict: 'accepted', signatureLevel: 'unsigned', findings, verifiedAt: now } };
  if (!pdf) return refuse('NO_PDF', 'the package carries no PDF document', { pkg });
  let level: Verification['signatureLevel'] = 'unsigned';
  for (const [i, a] of pdfs.entries()) {
    let report: PdfReport;
    try {
      report = await verifyPdf(a.Content, trust);
    } catch (e) {
      if (isCryptoError(e)) return refuse('PDF_MALFORMED', `${a.AttachmentName}: the PDF cannot be read (${e.code})`, { pkg, pdf });
      throw e;
    }
    const bindings = await bindSigners(deps.axis, self, registry, report, now);
    const roles = bindings.map((b) => b.role);
    findings.push(...pdfFindings(report, bindings));
    const bad = report.signatures.find((s) => s.indication !== 'TOTAL_PASSED');
    if (bad) {
      return refuse('PDF_SIGNATURE_FAILED', `${a.AttachmentName}: signature ${bad.fieldName} ${bad.indication}/${bad.subIndication ?? '-'}${bad.explanation ? `: ${bad.explanation}` : ''}`, { pkg, pdf });
    }
    if (report.signatures.length > 0 && report.indication !== 'TOTAL_PASSED') {
      // Each signature may pass while the document fails (a removed signature field, data after the last revision).
      return refuse('PDF_DOCUMENT_FAILED', `${a.AttachmentName}: ${report.indication}/${report.subIndication ?? '-'}${report.explanation ? `: ${report.explanation}` : ''}`, { pkg, pdf });
    }
    const foreign = firstForeignSignature(roles);
    if (foreign >= 0) {
      const s = report.signatures[foreign]!;
      return refuse('FOREIGN_SIGNATURE', `${a.AttachmentName}: signature ${s.fieldName} is by a certificate bound to another agency (${bindings[foreign]!.holder}), not to ${from}`, { pkg, pdf });
    }
    if (report.signatures.length > 0 && roles[roles.length - 1] !== 'seal') {
      return refuse('SEAL_NOT_BOUND', `${a.AttachmentName}: the last signature is not by a seal certificate of ${from} (it is ${roles[roles.length - 1]})`, { pkg, pdf });
    }
    if (i === 0) level = documentSignatureLevel(roles);
  }
  return { pkg, pdf, verification: { verdict: 'accepted', signatureLevel: level, findings, verifiedAt: now } };
}
