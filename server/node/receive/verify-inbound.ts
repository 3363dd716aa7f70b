import { isCryptoError, verifyPdf, type PdfReport, type SignatureReport } from '../../../crypto/index.js';
import type { AgencyCode } from '../../domain/agency/index.js';
import { isRevokePackage, parseEdocPackage, verifyPackageSignature, type Attachment, type EdocPackage } from '../../domain/edxml/index.js';
import { isDomainError } from '../../domain/errors.js';
import type { AxisAgencyInfo, AxisDownloadResult, SignatureFinding, Verification } from '../../domain/ports/node/index.js';
import type { NodeDeps } from '../deps.js';
import { packageFinding, pdfFindings } from '../findings.js';

export interface InboundCheck {
  readonly verification: Verification;
  /** Present when the package could be read. */
  readonly pkg?: EdocPackage;
  /** The main PDF (first PDF attachment), when there is one. */
  readonly pdf?: Attachment;
}

/** True when the registry binds the certificate to the sender at `at` (active, or revoked only later). */
export function boundAt(registry: AxisAgencyInfo | null, sha256: string | undefined, at: Date): boolean {
  if (!registry || !sha256) return false;
  const cert = registry.certificates.find((c) => c.sha256 === sha256.toLowerCase());
  if (!cert) return false;
  return cert.status === 'active' || (cert.revokedAt !== undefined && at.getTime() < cert.revokedAt.getTime());
}

const isPdf = (a: Attachment) => a.ContentType.toLowerCase() === 'application/pdf' || /\.pdf$/i.test(a.AttachmentName);

/**
 * Verifies everything about an incoming document package, in a fixed order (STYLE.md, after X-Road's
 * SignatureVerifier): (1) the sender is registered; (2) the detached package signature (CAdES, chain to a
 * trusted root at the signing time, revocation, SHA-1 refused unless allowed) and (3) its signer bound to the
 * sender's code in the axis registry; (4) the package parses and (5) names the sender as `From` and this
 * agency among `To`; (6) every PDF signature (PAdES, with the change analysis after each signature), the last
 * one (the agency seal, Decree 30/2020 Art. 32) bound to the sender. A failure is a verdict with a reason,
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
    const last = report.signatures[report.signatures.length - 1];
    const lastSha = last?.cms?.signer?.sha256;
    findings.push(...pdfFindings(report, (sha) => boundAt(registry, sha, last?.signingTime ? new Date(last.signingTime) : now)));
    const bad = report.signatures.find((s) => s.indication !== 'TOTAL_PASSED');
    if (bad) {
      return refuse('PDF_SIGNATURE_FAILED', `${a.AttachmentName}: signature ${bad.fieldName} ${bad.indication}/${bad.subIndication ?? '-'}${bad.explanation ? `: ${bad.explanation}` : ''}`, { pkg, pdf });
    }
    if (report.signatures.length > 0 && report.indication !== 'TOTAL_PASSED') {
      // Each signature may pass while the document fails (a removed signature field, data after the last revision).
      return refuse('PDF_DOCUMENT_FAILED', `${a.AttachmentName}: ${report.indication}/${report.subIndication ?? '-'}${report.explanation ? `: ${report.explanation}` : ''}`, { pkg, pdf });
    }
    if (report.signatures.length > 0 && !boundAt(registry, lastSha, last?.signingTime ? new Date(last.signingTime) : now)) {
      return refuse('SEAL_NOT_BOUND', `${a.AttachmentName}: the last signature (the agency seal) is not by a certificate bound to ${from}`, { pkg, pdf });
    }
    if (i === 0) level = report.signatures.length >= 2 ? 'signed' : report.signatures.length === 1 ? 'sealed' : 'unsigned';
  }
  return { pkg, pdf, verification: { verdict: 'accepted', signatureLevel: level, findings, verifiedAt: now } };
}
