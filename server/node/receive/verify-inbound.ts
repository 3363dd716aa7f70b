import { createHash } from 'node:crypto';
import { isCryptoError, type PdfReport, type SignatureReport } from '../../../crypto/index.js';
import type { AgencyCode } from '../../domain/agency/index.js';
import { isRevokePackage, pairDetachedSignatures, readEdocPackage, verifyAttachmentSignature, verifyPackageSignature, type Attachment, type EdocPackage } from '../../domain/edxml/index.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { boundAtValidationTime, roleAtValidationTime } from '../../domain/registry/index.js';
import type { AxisAgencyInfo, AxisDownloadResult, SignatureFinding, Verification } from '../../domain/ports/node/index.js';
import type { NodeDeps } from '../deps.js';
import { documentSignatureLevel, firstForeignSignature } from '../../domain/signatures/index.js';
import { attachmentFinding, packageFinding, pdfFindings, withReadWarnings } from '../findings.js';
import { bindSigners } from './signer-roles.js';
import { verifyFetchingOcsp, type WantedRevocation } from '../../trust/verify-fetching-ocsp.js';

export interface InboundCheck {
  readonly verification: Verification;
  /** Present when the package could be read. */
  readonly pkg?: EdocPackage;
  /**
   * The main PDF (first PDF attachment), when there is one: cut to the revision the sender's seal covers, so
   * the node stores and serves what the sender sealed (changes appended after the seal are not kept).
   */
  readonly pdf?: Attachment;
  /** Accepted packages: every other attachment, in package order, as the node keeps it. */
  readonly attachments?: readonly KeptAttachment[];
}

/** An attachment other than the main PDF, to store (a further PDF cut like the main one to its sealed revision). */
export interface KeptAttachment {
  readonly name: string;
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly role: 'attachment' | 'signature';
  /** Signature files: the attachment they sign. */
  readonly signs?: string;
  /** Attachments with a verified detached signature: the signature attachment's name. */
  readonly signedBy?: string;
}

/**
 * The revision of `a` that its last signature (the sender's seal) covers, and a finding that says so when
 * revisions were appended after the seal (allowed ones only: a disallowed change refuses the document).
 * Revisions that only add validation data (a DSS, PAdES B-LT, ETSI EN 319 142-1 §5.4) are kept: they change
 * nothing shown, and the document needs them to stay verifiable.
 */
function sealedRevision(a: Attachment, report: PdfReport): { pdf: Attachment; finding?: SignatureFinding } {
  const seal = report.signatures[report.signatures.length - 1];
  if (!seal || seal.coversWholeDocument || seal.signedLength === undefined) return { pdf: a };
  const later = report.signatures.flatMap((s) => s.modifications.changes).filter((c) => c.revision > (seal.revision ?? 0));
  if (later.length > 0 && later.every((c) => c.allowed && c.code === 'DSS_UPDATED')) return { pdf: a };
  const what = [...new Set(later.map((c) => `${c.what} (revision ${c.revision})`))];
  return {
    pdf: { ...a, Content: a.Content.subarray(0, seal.signedLength) },
    finding: {
      kind: 'pdf',
      fieldName: seal.fieldName,
      indication: 'TOTAL_PASSED',
      explanation: `warning: ${report.revisions - (seal.revision ?? report.revisions)} revision(s) were appended after the seal; the node keeps revision ${seal.revision} of ${report.revisions}, the one the seal covers`,
      checks: [
        { name: 'stored-revision', passed: true, detail: `stored bytes 0–${seal.signedLength} of ${a.Content.length} (revision ${seal.revision} of ${report.revisions}, covered by the seal); not kept: ${what.join('; ') || 'an appended revision'}` },
      ],
    },
  };
}

/**
 * The registry binding of a package signature or a seal, by the one rule shared with the axis
 * (boundAtValidationTime: bound as the sender's seal at the signature's validation time).
 */
export function boundToSender(registry: AxisAgencyInfo | null, report: SignatureReport | undefined): boolean {
  return boundAtValidationTime(registry?.certificates, report);
}

/**
 * INDETERMINATE/TRY_LATER (ETSI EN 319 102-1 §5.2.6: revocation data missing or not fresh) is the receiver's
 * own want, not a fault of the document: throw ERR_REVOCATION_UNAVAILABLE so the delivery stays unacknowledged
 * and is verified again at a later poll, once the CRLs are refreshed, instead of a final 02 refusal.
 */
export function retryLaterIfStale(what: string, r: { readonly indication: string; readonly subIndication?: string }): void {
  if (r.indication === 'INDETERMINATE' && r.subIndication === 'TRY_LATER') {
    throw new DomainError('ERR_REVOCATION_UNAVAILABLE', `${what}: no fresh revocation data (TRY_LATER); verifying again later`);
  }
}

const isPdf = (a: Attachment) => a.ContentType.toLowerCase() === 'application/pdf' || /\.pdf$/i.test(a.AttachmentName);

/**
 * Verifies everything about an incoming document package, in a fixed order (STYLE.md, after X-Road's
 * SignatureVerifier): (1) the sender is registered; (2) the detached package signature (CAdES, chain to a
 * trusted root at a proven time (a signature timestamp or the axis's arrival record, else now; never the
 * signer's claim), revocation, SHA-1 refused unless allowed) and (3) its signer bound to the
 * sender's code in the axis registry; (4) the package parses and (5) names the sender as `From` and this
 * agency among `To`; (6) every PDF signature (PAdES, with the change analysis after each signature), each
 * bound to its role at its validation time: none by another agency (FOREIGN_SIGNATURE), the last one the
 * sender's seal (Decree 30/2020 Art. 32, SEAL_NOT_BOUND), and `signed` only with a person of the sender
 * before it (Art. 5); (7) every attachment `X` with a `X.p7s` beside it: that detached CAdES signature, with
 * the same trust and POE rules, bound to the sender (person or seal), else ATTACHMENT_SIGNATURE_FAILED /
 * ATTACHMENT_SIGNER_NOT_BOUND; a `.p7s` that signs nothing, ATTACHMENT_SIGNATURE_UNPAIRED. A failure is a verdict with a reason, never an exception: the receiver answers 02 with
 * it. Only TRY_LATER throws (ERR_REVOCATION_UNAVAILABLE): the receiver verifies again later. Before it does,
 * a TRY_LATER fetches OCSP responses for the certificates the reports name and verifies again
 * ({@link verifyFetchingOcsp}).
 */
export async function verifyInbound(deps: NodeDeps, self: AgencyCode, dl: AxisDownloadResult): Promise<InboundCheck> {
  return verifyFetchingOcsp(deps, { from: dl.info.from, axisDocId: dl.info.docId }, (wanted) => verifyInboundOnce(deps, self, dl, wanted));
}

async function verifyInboundOnce(deps: NodeDeps, self: AgencyCode, dl: AxisDownloadResult, wanted: WantedRevocation): Promise<InboundCheck> {
  const now = deps.now();
  const findings: SignatureFinding[] = [];
  const refuse = (reasonCode: string, reason: string, extra: Partial<InboundCheck> = {}): InboundCheck => ({
    ...extra,
    verification: { verdict: 'refused', reasonCode, reason, signatureLevel: 'unsigned', findings, verifiedAt: now },
  });
  // The axis's own record of when it accepted the package (from the authenticated download, not from the
  // package): a proof of existence, so a signature valid then stays valid after its certificate expires or
  // is revoked (ETSI EN 319 102-1 §5.5).
  const arrivalTime = dl.info.submittedAt;
  const trust = {
    trustAnchors: deps.trust.trustAnchors,
    crls: deps.trust.crls,
    ...(deps.trust.ocspResponses?.length ? { ocspResponses: deps.trust.ocspResponses } : {}),
    ...(deps.trust.intermediates ? { intermediates: deps.trust.intermediates } : {}),
    now,
    ...(deps.clockSkewMs !== undefined ? { maxClockSkewMs: deps.clockSkewMs } : {}),
    ...(arrivalTime instanceof Date && !Number.isNaN(arrivalTime.getTime()) && arrivalTime.getTime() <= now.getTime() ? { arrivalTime } : {}),
  };
  const from = dl.info.from;

  const registry = await deps.axis.getAgency(self, from);
  if (!registry) return refuse('SENDER_UNKNOWN', `the sender ${from} is not in the axis registry`);

  let pkgReport: SignatureReport;
  try {
    pkgReport = await verifyPackageSignature(dl.packageBytes, dl.signature, { ...trust, policy: { allowSha1: deps.allowSha1 }, xmlVerifier: (x, o) => deps.pdf.verifyXmlSignature(x, o) });
  } catch (e) {
    if (isDomainError(e, 'ERR_PACKAGE_SIGNATURE_INVALID')) return refuse('PACKAGE_SIGNATURE_MALFORMED', 'the package signature cannot be read');
    throw e;
  }
  wanted.add(pkgReport);
  const pkgBound = boundToSender(registry, pkgReport);
  findings.push(packageFinding(pkgReport, pkgBound));
  retryLaterIfStale('package signature', pkgReport);
  if (pkgReport.indication !== 'TOTAL_PASSED') {
    return refuse('PACKAGE_SIGNATURE_FAILED', `package signature ${pkgReport.indication}/${pkgReport.subIndication ?? '-'}${pkgReport.reason ? `: ${pkgReport.reason}` : ''}`);
  }
  if (!pkgBound) return refuse('PACKAGE_SIGNER_NOT_BOUND', `the package was signed by a certificate not bound to ${from} in the registry`);

  let pkg: EdocPackage;
  try {
    // Lenient about form (dd/MM/yyyy, a UUID DocumentId, …), every leniency a named warning in the findings.
    const read = readEdocPackage(dl.packageBytes);
    pkg = read.package;
    findings[0] = withReadWarnings(findings[0] as SignatureFinding, read.warnings);
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
  let padesLevel: Verification['padesLevel'];
  const kept = new Map<Attachment, Attachment>();
  for (const [i, a] of pdfs.entries()) {
    let report: PdfReport;
    try {
      // In the worker pool under a time limit, with the caps on revisions, xref entries and inflated bytes.
      report = await deps.pdf.verifyPdf(a.Content, { ...trust, limits: deps.pdfLimits });
    } catch (e) {
      if (isCryptoError(e, 'ERR_PDF_LIMIT') || isCryptoError(e, 'ERR_POOL_TIMEOUT')) return refuse('PDF_LIMIT', `${a.AttachmentName}: the PDF costs more to verify than allowed (${e.code}: ${e.message})`, { pkg, pdf });
      if (isCryptoError(e) && !e.code.startsWith('ERR_POOL_')) return refuse('PDF_MALFORMED', `${a.AttachmentName}: the PDF cannot be read (${e.code})`, { pkg, pdf });
      throw e; // a busy or closed pool is transient: the delivery is retried
    }
    for (const s of report.signatures) wanted.add(s.cms);
    const bindings = await bindSigners(deps.axis, self, registry, report);
    const roles = bindings.map((b) => b.role);
    findings.push(...pdfFindings(report, bindings));
    const bad = report.signatures.find((s) => s.indication !== 'TOTAL_PASSED');
    for (const s of report.signatures) retryLaterIfStale(`${a.AttachmentName} ${s.fieldName}`, s);
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
    if (i === 0) {
      level = documentSignatureLevel(roles);
      padesLevel = report.level;
    }
    const sealed = sealedRevision(a, report);
    kept.set(a, sealed.pdf);
    if (sealed.finding) findings.push(sealed.finding);
  }
  const stored = kept.get(pdf) ?? pdf;

  // (7) Attachments: each `X.p7s` is the detached CAdES signature of attachment `X` (pairDetachedSignatures),
  // verified like the package signature and bound to the sender (person or seal) at its validation time.
  const roles = pairDetachedSignatures(pkg.Attachments);
  const attachments: KeptAttachment[] = [];
  for (const [i, a] of pkg.Attachments.entries()) {
    const role = roles[i]!;
    if (role.kind === 'unpaired-signature') {
      return refuse('ATTACHMENT_SIGNATURE_UNPAIRED', `${a.AttachmentName}: a detached signature of ${JSON.stringify(role.names)}, which the package does not carry exactly once`, { pkg, pdf: stored });
    }
    if (role.kind === 'signature') {
      if (a !== pdf) attachments.push({ name: a.AttachmentName, contentType: a.ContentType, content: a.Content, role: 'signature', signs: pkg.Attachments[role.signs]!.AttachmentName });
      continue;
    }
    const sha256 = createHash('sha256').update(a.Content).digest('hex');
    const sig = role.signature !== undefined ? pkg.Attachments[role.signature]! : undefined;
    // A further PDF is kept at its sealed revision, unless a detached signature covers its bytes as they came.
    const content = sig ? a.Content : (kept.get(a)?.Content ?? a.Content);
    if (sig) {
      let report: SignatureReport;
      try {
        report = await verifyAttachmentSignature(a.Content, sig.Content, { ...trust, policy: { allowSha1: deps.allowSha1 } });
      } catch (e) {
        if (isDomainError(e, 'ERR_SIGNATURE_INVALID')) return refuse('ATTACHMENT_SIGNATURE_MALFORMED', `${sig.AttachmentName}: the detached signature of ${a.AttachmentName} cannot be read`, { pkg, pdf: stored });
        throw e;
      }
      wanted.add(report);
      const signer = roleAtValidationTime(registry.certificates, report);
      findings.push(attachmentFinding(a.AttachmentName, sha256, { signatureName: sig.AttachmentName, report, role: signer }));
      retryLaterIfStale(`${a.AttachmentName} detached signature`, report);
      if (report.indication !== 'TOTAL_PASSED') {
        return refuse('ATTACHMENT_SIGNATURE_FAILED', `${a.AttachmentName}: detached signature ${sig.AttachmentName} ${report.indication}/${report.subIndication ?? '-'}${report.reason ? `: ${report.reason}` : ''}`, { pkg, pdf: stored });
      }
      if (!signer) return refuse('ATTACHMENT_SIGNER_NOT_BOUND', `${a.AttachmentName}: the detached signature ${sig.AttachmentName} is by a certificate not bound to ${from} in the registry`, { pkg, pdf: stored });
    } else if (!isPdf(a)) {
      findings.push(attachmentFinding(a.AttachmentName, sha256));
    }
    if (a !== pdf) attachments.push({ name: a.AttachmentName, contentType: a.ContentType, content, role: 'attachment', ...(sig ? { signedBy: sig.AttachmentName } : {}) });
  }
  return { pkg, pdf: stored, attachments, verification: { verdict: 'accepted', signatureLevel: level, ...(padesLevel ? { padesLevel } : {}), findings, verifiedAt: now } };
}
