import { createHash } from 'node:crypto';
import type { PdfReport } from '../../crypto/index.js';
import type { AgencyCode } from '../domain/agency/index.js';
import { backoffDelayMs, newOutgoingDocument } from '../domain/document/index.js';
import { formatDocumentId } from '../domain/edxml/index.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import type { DocumentMetadata, Verification } from '../domain/ports/node/index.js';
import { agencyNameOf } from './agency-names.js';
import { settleCounts } from './counting.js';
import type { NodeDeps, NodePrincipal } from './deps.js';
import { pdfFindings } from './findings.js';
import { verifyPdfFetchingOcsp } from './verify-pdf-fetching-ocsp.js';
import { parseDocumentMetadata } from './metadata.js';
import { sealAndPackage, type SealedPackage, type SealInput } from './seal-package.js';
import { describeChange } from './describe-change.js';
import { ACTING_ROLES, requireRole } from './principal.js';

export interface SendDocumentInput {
  /** The metadata JSON text (or an already parsed value). */
  readonly metadata: unknown;
  readonly file: { readonly bytes: Uint8Array; readonly name: string };
  readonly idempotencyKey?: string;
}

export interface SendDocumentResult {
  readonly id: string;
  readonly documentId: string;
  /** True when the same request (same Idempotency-Key) was already accepted: nothing new was made. */
  readonly replayed: boolean;
}

const ymd = (iso: string) => iso.replace(/-/g, '/');
const sha256Hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

function checkPdfBytes(bytes: Uint8Array): void {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) throw new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'the file is not a PDF', { details: { field: 'file' } });
}

/** Every signature must pass; the failing ones are named in the error. */
function requireValidSignatures(report: PdfReport, personSignature: 'present' | 'apply'): void {
  if (report.signatures.length === 0) {
    if (personSignature === 'present') {
      throw new DomainError('ERR_DOCUMENT_UNSIGNED', 'the PDF carries no person signature: sign it first, ask a leader to apply one ("personSignature": "apply"), or mark it an unsigned informational document ("personSignature": "none")', {
        details: { reason: 'NO_PERSON_SIGNATURE' },
      });
    }
    return;
  }
  const bad = report.signatures.filter((s) => s.indication !== 'TOTAL_PASSED');
  if (bad.length === 0 && report.indication !== 'TOTAL_PASSED') {
    throw new DomainError('ERR_SIGNATURE_INVALID', `the PDF does not validate as a whole: ${report.indication}/${report.subIndication ?? '-'}${report.explanation ? `: ${report.explanation}` : ''}`, {
      details: { reason: 'DOCUMENT_INVALID', indication: report.indication, subIndication: report.subIndication },
    });
  }
  if (bad.length > 0) {
    throw new DomainError('ERR_SIGNATURE_INVALID', `the PDF carries a signature that does not validate: ${bad.map((s) => `${s.fieldName} ${s.indication}/${s.subIndication ?? '-'}`).join(', ')}`, {
      details: { reason: 'PERSON_SIGNATURE_INVALID', signatures: bad.map((s) => ({ fieldName: s.fieldName, indication: s.indication, subIndication: s.subIndication, explanation: s.explanation })) },
    });
  }
}

/** Recipient names from the axis registry (cached); ERR_RECIPIENT_UNKNOWN for an unregistered code. */
async function recipientNames(deps: NodeDeps, self: AgencyCode, to: readonly AgencyCode[]): Promise<Map<AgencyCode, string>> {
  const names = new Map<AgencyCode, string>();
  const unknown: string[] = [];
  for (const code of to) {
    try {
      const name = await agencyNameOf(deps.axis, self, code, deps.now());
      if (name === null) unknown.push(code);
      else names.set(code, name);
    } catch (e) {
      // The axis being down must not stop a clerk: the outbox carries the document when it returns, and the
      // axis itself refuses unknown recipients then (the message fails visibly).
      if (isDomainError(e, 'ERR_AXIS_UNAVAILABLE')) names.set(code, code);
      else throw e;
    }
  }
  if (unknown.length) throw new DomainError('ERR_RECIPIENT_UNKNOWN', `not registered at the axis: ${unknown.join(', ')}`, { details: { recipients: unknown } });
  return names;
}

/**
 * A clerk (or leader) sends a document (issue 5 §1): validates the metadata, checks the person signature
 * already on the PDF (or applies the leader's, Decree 30/2020 Art. 32 order: person first), adds the agency
 * seal (PAdES incremental update), builds and signs the edXML package, stores it, and queues it — the
 * document and its outbox message are one insert. With an Idempotency-Key a repeated request answers the
 * first result and makes nothing new.
 */
export async function sendDocument(deps: NodeDeps, principal: NodePrincipal, input: SendDocumentInput): Promise<SendDocumentResult> {
  requireRole(principal, ACTING_ROLES);
  const self = principal.agencyCode;
  const { metadata, to, personSignature } = parseDocumentMetadata(input.metadata);
  if (to.includes(self)) throw new DomainError('ERR_VALIDATION', 'an agency does not send to itself', { details: { issues: [{ path: 'metadata.to', message: 'contains the sender' }] } });
  if (personSignature === 'apply' && !principal.roles.includes('leader')) throw new DomainError('ERR_FORBIDDEN', 'only a leader may have the node apply a person signature');
  checkPdfBytes(input.file.bytes);
  const hosted = await deps.agencies.find(self);
  if (!hosted) throw new DomainError('ERR_FORBIDDEN', 'this node does not host the agency');

  const documentId = formatDocumentId({ organId: self, promulgationDate: ymd(metadata.promulgationDate), codeNumber: metadata.codeNumber, codeNotation: metadata.codeNotation });
  let id = deps.newId();
  let scopeKey: string | undefined;
  if (input.idempotencyKey !== undefined) {
    scopeKey = `${self}|${principal.userId}|${input.idempotencyKey}`;
    const requestHash = sha256Hex(`${JSON.stringify(metadata)}|${JSON.stringify(to)}|${personSignature}|${sha256Hex(input.file.bytes)}|${input.file.name}`);
    const begun = await deps.idempotency.begin({ scopeKey, requestHash, documentId: id, createdAt: deps.now() });
    if (!begun.created) {
      const rec = begun.record;
      if (rec.requestHash !== requestHash) throw new DomainError('ERR_IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used for another request');
      const existing = await deps.documents.findById(rec.documentId);
      if (existing) return { id: existing.id, documentId: existing.documentId, replayed: true };
      const staleBefore = new Date(deps.now().getTime() - deps.requestLeaseMs);
      if (!(await deps.idempotency.takeOver(scopeKey, staleBefore, deps.now()))) {
        throw new DomainError('ERR_CONFLICT', 'the same request is being processed; retry in a moment', { details: { reason: 'IN_PROGRESS' } });
      }
      id = rec.documentId;
    }
  }

  try {
    return await prepareAndStore(deps, principal, { self, hosted, metadata, to, personSignature, documentId, id, scopeKey, file: input.file });
  } catch (e) {
    // a refused request leaves nothing behind: the key may be used again for a corrected request
    if (scopeKey && !(await deps.documents.findById(id).catch(() => null))) await deps.idempotency.abandon(scopeKey).catch(() => undefined);
    throw e;
  }
}

interface Prepared {
  readonly self: AgencyCode;
  readonly hosted: { readonly name: string };
  readonly metadata: DocumentMetadata;
  readonly to: AgencyCode[];
  readonly personSignature: 'present' | 'apply' | 'none';
  readonly documentId: string;
  readonly id: string;
  readonly scopeKey: string | undefined;
  readonly file: { readonly bytes: Uint8Array; readonly name: string };
}

async function prepareAndStore(deps: NodeDeps, principal: NodePrincipal, p: Prepared): Promise<SendDocumentResult> {
  const { self, hosted, to, personSignature, documentId, id, scopeKey } = p;
  const input = { file: p.file };
  const metadata = await describeChange(deps, self, p.metadata, to);
  const names = await recipientNames(deps, self, to);
  let pdf = input.file.bytes;
  let personReport: PdfReport | undefined;
  if (personSignature === 'apply') {
    const user = await deps.users.findById(principal.userId);
    const person = await deps.keys.getIdentity({ agencyCode: self, kind: 'person', userId: principal.userId });
    if (!person || !user) throw new DomainError('ERR_KEY_UNAVAILABLE', 'no person key is stored for this leader');
    requireValidSignatures(await verifyPdfFetchingOcsp(deps, pdf, deps.now()), 'apply');
    pdf = (
      await deps.pdf.signPdf(pdf, {
        identity: person,
        role: 'signer',
        signingTime: deps.now(),
        reason: 'Ký số văn bản',
        // The block shows the document's signer (metadata), not the certificate's CN (Decree 30/2020 Appendix I).
        appearance: {
          name: metadata.signer.fullName,
          ...(metadata.signer.competence ? { title: metadata.signer.competence } : {}),
          ...(metadata.signer.position ? { position: metadata.signer.position } : {}),
          ...(deps.font ? { font: deps.font } : {}),
        },
      })
    ).pdf;
  } else if (personSignature === 'present') {
    personReport = await verifyPdfFetchingOcsp(deps, pdf, deps.now());
    requireValidSignatures(personReport, 'present');
  }
  const sealInput: SealInput = { self, selfName: hosted.name, to, names, metadata, documentId, pdf, fileName: input.file.name, personSignature };
  let sealed: SealedPackage | undefined;
  let waiting: { error: DomainError } | undefined;
  try {
    sealed = await sealAndPackage(deps, sealInput);
  } catch (e) {
    // The TSA is down: the document is kept as given and queued; the dispatcher seals it with its timestamp
    // (B-T, never without) and sends it when the TSA answers, with the outbox's backoff (issue 10 §2).
    if (!isDomainError(e, 'ERR_TSA_UNAVAILABLE') || personSignature === 'none') throw e;
    waiting = { error: e };
  }
  const now = deps.now();
  const stored = sealed?.pdf ?? pdf;
  const [fileBlobId, packageBlobId, signatureBlobId] = await Promise.all([
    deps.blobs.put(stored, { contentType: 'application/pdf', filename: input.file.name, owner: self }),
    sealed ? deps.blobs.put(sealed.packageBytes, { contentType: 'application/xml', filename: `${id}.edxml`, owner: self }) : undefined,
    sealed ? deps.blobs.put(sealed.signature, { contentType: 'application/pkcs7-signature', filename: `${id}.p7s`, owner: self }) : undefined,
  ]);
  const verification: Verification = sealed?.verification ?? {
    verdict: 'accepted',
    signatureLevel: 'signed',
    findings: pdfFindings(personReport ?? (await verifyPdfFetchingOcsp(deps, pdf, now))),
    verifiedAt: now,
  };
  const doc = newOutgoingDocument({
    id,
    agencyCode: self,
    agencyName: hosted.name,
    documentId,
    to,
    names,
    metadata,
    file: { blobId: fileBlobId, name: input.file.name, size: stored.length, sha256: sha256Hex(stored) },
    seal:
      waiting && personSignature !== 'none'
        ? { state: 'awaiting-timestamp', personSignature, lastError: `${waiting.error.code}: ${waiting.error.message}`, nextAttemptAt: new Date(now.getTime() + backoffDelayMs(1, deps.dispatch, deps.random())) }
        : { state: 'sealed', packageBlobId: packageBlobId!, signatureBlobId: signatureBlobId! },
    verification,
    createdBy: principal.userId,
    at: now,
  });
  const outcome = await deps.documents.insert(doc);
  if (outcome === 'duplicate') {
    await Promise.all([deps.blobs.delete(fileBlobId), packageBlobId ? deps.blobs.delete(packageBlobId) : undefined, signatureBlobId ? deps.blobs.delete(signatureBlobId) : undefined]);
    const raced = await deps.documents.findById(id);
    if (!raced) {
      throw new DomainError('ERR_CONFLICT', `the number ${metadata.codeNumber}/${metadata.codeNotation} of ${metadata.promulgationDate} was already sent by this agency`, { details: { reason: 'DOCUMENT_ID_TAKEN', documentId } });
    }
    if (scopeKey) await deps.idempotency.complete(scopeKey, deps.now());
    return { id, documentId, replayed: true };
  }
  if (scopeKey) await deps.idempotency.complete(scopeKey, deps.now());
  await settleCounts(deps, doc.id, doc);
  return { id, documentId, replayed: false };
}
