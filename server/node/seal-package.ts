import { addValidationData, listRevocationSubjects, signPdf, type PdfReport } from '../../crypto/index.js';
import type { AgencyCode } from '../domain/agency/index.js';
import { buildEdocPackage, formatEdxmlTimestamp, signPackage, signPackageXml, type EdocPackage } from '../domain/edxml/index.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { documentSignatureLevel, firstForeignSignature, type SignatureLevel } from '../domain/signatures/index.js';
import type { DocumentMetadata, Verification } from '../domain/ports/node/index.js';
import type { NodeDeps } from './deps.js';
import { pdfFindings } from './findings.js';
import { verifyPdfFetchingOcsp } from './verify-pdf-fetching-ocsp.js';
import { sealIdentityOf } from './outgoing.js';
import { bindSigners, type SignerBinding } from './receive/signer-roles.js';

const ymd = (iso: string) => iso.replace(/-/g, '/');

/** What the seal and the package of an outgoing document are made from. */
export interface SealInput {
  readonly self: AgencyCode;
  readonly selfName: string;
  readonly to: readonly AgencyCode[];
  readonly names: ReadonlyMap<AgencyCode, string>;
  readonly metadata: DocumentMetadata;
  readonly documentId: string;
  /** The PDF as the clerk gave it (with the person signature, or unsigned for `none`). */
  readonly pdf: Uint8Array;
  readonly fileName: string;
  readonly personSignature: 'present' | 'apply' | 'none';
}

/** The sealed PDF, its signed package and what the node concluded about it. */
export interface SealedPackage {
  readonly pdf: Uint8Array;
  readonly packageBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly verification: Verification;
}

function edocPackageOf(input: SealInput, pdf: Uint8Array, now: Date): EdocPackage {
  const m = input.metadata;
  return {
    MessageHeader: {
      From: { OrganId: input.self, OrganName: input.selfName },
      To: input.to.map((code) => ({ OrganId: code, OrganName: input.names.get(code) ?? code })),
      DocumentId: input.documentId,
      Code: { CodeNumber: m.codeNumber, CodeNotation: m.codeNotation },
      PromulgationInfo: { Place: m.promulgationPlace, PromulgationDate: ymd(m.promulgationDate) },
      DocumentType: { Type: m.documentType.type, TypeName: m.documentType.typeName, ...(m.documentType.typeDetail !== undefined ? { TypeDetail: m.documentType.typeDetail } : {}) },
      Subject: m.subject,
      SignerInfo: { FullName: m.signer.fullName, ...(m.signer.competence ? { Competence: m.signer.competence } : {}), ...(m.signer.position ? { Position: m.signer.position } : {}) },
      ...(m.dueDate ? { DueDate: ymd(m.dueDate) } : {}),
      ToPlaces: m.toPlaces,
      OtherInfo: { Priority: m.priority, ...(m.copies !== undefined ? { PromulgationAmount: m.copies } : {}) },
      ResponseFor: m.responseFor.map((r) => ({ OrganId: r.organId as AgencyCode, Code: r.code, PromulgationDate: ymd(r.promulgationDate), DocumentId: r.documentId })),
      ...(m.steeringType !== undefined ? { SteeringType: m.steeringType } : {}),
    },
    TraceHeaderList: {
      TraceHeader: [{ OrganId: input.self, Timestamp: formatEdxmlTimestamp(now) }],
      Bussiness: {
        BussinessDocType: m.bussinessDocType,
        ...(m.bussinessReason ? { BussinessDocReason: m.bussinessReason } : {}),
        ...(m.targetDocumentId ? { DocumentId: m.targetDocumentId } : {}),
        Paper: m.paper ? 1 : 0,
        ...(m.receiverChanges
          ? {
              BussinessDocumentInfo: {
                ...(m.receiverChanges.documentInfo !== undefined ? { DocumentInfo: m.receiverChanges.documentInfo } : {}),
                ...(m.receiverChanges.documentReceiver !== undefined ? { DocumentReceiver: m.receiverChanges.documentReceiver } : {}),
                ReceiverList: m.receiverChanges.receivers.map((r) => ({ ReceiverType: r.receiverType, OrganId: r.organId as AgencyCode })),
              },
            }
          : {}),
        ...(m.replaces ? { ReplacementInfoList: m.replaces.map((r) => ({ DocumentId: r.documentId, OrganIdList: r.organIds as AgencyCode[] })) } : {}),
      },
    },
    Attachments: [{ ContentId: 'cid:document-1', AttachmentName: input.fileName, ContentType: 'application/pdf', Description: m.subject, Content: pdf, Zipped: false }],
  };
}

/**
 * Adds the agency seal (PAdES incremental update; with a TSA configured B-T, then the validation data of every
 * signature and timestamp in a DSS revision, B-LT, ETSI EN 319 142-1 §6), checks the sealed PDF, and builds
 * and signs the edXML package around it. ERR_TSA_UNAVAILABLE when the TSA cannot be reached: the caller keeps
 * the document waiting for its seal (never sealed without the timestamp).
 */
export async function sealAndPackage(deps: NodeDeps, input: SealInput): Promise<SealedPackage> {
  const verifyOptions = () => ({
    trustAnchors: deps.trust.trustAnchors,
    crls: deps.trust.crls,
    ...(deps.trust.ocspResponses?.length ? { ocspResponses: deps.trust.ocspResponses } : {}),
    ...(deps.trust.intermediates ? { intermediates: deps.trust.intermediates } : {}),
    limits: deps.pdfLimits,
  });
  const seal = await sealIdentityOf(deps, input.self);
  let pdf = input.pdf;
  if (input.personSignature !== 'none') {
    // A B-T seal asks the TSA over HTTP from this thread (a timestamper cannot cross into a worker); else the PDF pool signs.
    const sealOptions = { identity: seal, role: 'seal' as const, signingTime: deps.now(), reason: 'Ký số của cơ quan, tổ chức', appearance: { name: input.selfName, ...(deps.font ? { font: deps.font } : {}) } };
    if (deps.timestamper) {
      pdf = (await signPdf(pdf, { ...sealOptions, timestamp: deps.timestamper })).pdf;
      // OCSP responses for every certificate of the seal's, the person's and the TSA's paths, fetched now (cached until before nextUpdate).
      if (deps.ocsp) await deps.ocsp.ensure(listRevocationSubjects(pdf, { ...verifyOptions(), now: deps.now() }));
      const added = addValidationData(pdf, { ...verifyOptions(), now: deps.now() });
      if (added.missing.length > 0) deps.logger.warn({ documentId: input.documentId, missing: added.missing }, 'the seal is B-T only: validation data missing for B-LT');
      pdf = added.pdf;
    } else {
      pdf = (await deps.pdf.signPdf(pdf, sealOptions)).pdf;
    }
  }
  // An OCSP-only node fetches for its own seal and person here when nothing is held yet (B-B: no B-LT step before).
  const finalReport = await verifyPdfFetchingOcsp(deps, pdf, deps.now());
  if (input.personSignature !== 'none' && (finalReport.indication !== 'TOTAL_PASSED' || finalReport.signatures.length < 2)) {
    throw new DomainError('ERR_SIGNATURE_INVALID', 'the sealed PDF does not validate (check the agency key and trust configuration)', { details: { reason: 'SEALED_PDF_INVALID', indication: finalReport.indication } });
  }
  const { level, bindings } = input.personSignature === 'none' ? { level: 'unsigned' as const, bindings: undefined } : await outgoingLevel(deps, input.self, finalReport, input.personSignature);
  const verification: Verification = {
    verdict: 'accepted',
    signatureLevel: level,
    ...(finalReport.level ? { padesLevel: finalReport.level } : {}),
    findings: pdfFindings(finalReport, bindings),
    verifiedAt: deps.now(),
  };
  const now = deps.now();
  // The enveloped XML signature is what a real axis carries; the detached CMS over the signed bytes is for lienthong nodes.
  // In the worker pool when there is one (the DOM parse, canonicalization and digest of the whole package).
  const signXml = deps.pdf.signXmlEnveloped?.bind(deps.pdf);
  const packageBytes = await signPackageXml(buildEdocPackage(edocPackageOf(input, pdf, now)), seal, signXml ? { signer: signXml } : {});
  const signature = await signPackage(packageBytes, seal, now);
  return { pdf, packageBytes, signature, verification };
}

/**
 * The level the sender counts (the receiver applies the same rule, server/domain/signatures): `signed` only
 * when a person registered for this agency signed before its seal. Another agency's signature under the seal
 * is refused here, as the receiver would refuse it. With the axis away the registry cannot be asked: a person
 * signature the node applied itself (a leader's key it holds) counts, one brought on the file does not.
 */
async function outgoingLevel(deps: NodeDeps, self: AgencyCode, report: PdfReport, personSignature: 'present' | 'apply'): Promise<{ level: SignatureLevel; bindings?: SignerBinding[] }> {
  let registry;
  try {
    registry = await deps.axis.getAgency(self, self);
  } catch (e) {
    if (!isDomainError(e, 'ERR_AXIS_UNAVAILABLE')) throw e;
    return { level: personSignature === 'apply' ? 'signed' : 'sealed' };
  }
  if (!registry) return { level: 'sealed' };
  const bindings = await bindSigners(deps.axis, self, registry, report);
  // the last signature is this node's seal: the axis itself refuses a package whose seal is not bound
  const roles = [...bindings.slice(0, -1).map((b) => b.role), 'seal' as const];
  const foreign = firstForeignSignature(roles);
  if (foreign >= 0) {
    throw new DomainError('ERR_SIGNATURE_INVALID', `signature ${report.signatures[foreign]!.fieldName} is by another agency (${bindings[foreign]!.holder}): an agency seals only what its own people signed`, {
      details: { reason: 'FOREIGN_SIGNATURE', fieldName: report.signatures[foreign]!.fieldName, boundTo: bindings[foreign]!.holder },
    });
  }
  return { level: documentSignatureLevel(roles), bindings };
}
