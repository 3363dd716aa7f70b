import { createHash } from 'node:crypto';
import type { AgencyCode } from '../../domain/agency/index.js';
import { applyInboundStatus, arrivalAnswerOf, isRefusedRevoke, markSuperseded, metadataOfPackage, newIncomingDocument, newRefusedRevokeRecord, refusedRevokeDescription } from '../../domain/document/index.js';
import { earlierDocumentsFor, isRevokePackage, readStatusPackage, verifyPackageSignature, type EdocPackage } from '../../domain/edxml/index.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import type { AxisDeliveryInfo, AxisDownloadResult, NodeDocument, OutgoingMessage, StoredAttachment, Verification } from '../../domain/ports/node/index.js';
import type { StatusCode } from '../../domain/status/index.js';
import { owesCounts, settleCounts } from '../counting.js';
import type { NodeDeps } from '../deps.js';
import { mutateDocument } from '../mutate.js';
import { prepareStatusMessage } from '../outgoing.js';
import { classifyReceiveFailure } from './classify-failure.js';
import { verifyFetchingOcsp } from '../../trust/verify-fetching-ocsp.js';
import { boundToSender, retryLaterIfStale, verifyInbound, type InboundCheck, type KeptAttachment } from './verify-inbound.js';

export type ReceiveOutcome = 'stored' | 'already-stored' | 'status-applied' | 'status-ignored' | 'recall-refused';

/** What the poller knows around one delivery. */
export interface ReceiveContext {
  /** True when a document package from `from` with this DocumentId still waits at the axis (not yet received). */
  readonly awaiting: (from: AgencyCode, documentId: string) => boolean;
}

const NO_CONTEXT: ReceiveContext = { awaiting: () => false };

/** Thrown when a delivery must wait for another one: the poller retries it later (with backoff). */
export class DeliveryDeferred extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryDeferred';
  }
}

/** What the read-only first step learned about an incoming document package. */
export type FetchedDocument = { readonly kind: 'already-stored'; readonly doc: NodeDocument } | { readonly kind: 'checked'; readonly dl: AxisDownloadResult; readonly check: InboundCheck };

/**
 * First step of receiving a document package: recognise one stored already, else download and verify
 * everything. Writes nothing of the node's, so packages can be fetched side by side.
 */
export async function fetchDocument(deps: NodeDeps, self: AgencyCode, info: AxisDeliveryInfo): Promise<FetchedDocument> {
  const stored = await deps.documents.findByDedupKey(self, `in:${info.docId}`);
  if (stored) return { kind: 'already-stored', doc: stored };
  const dl = await deps.axis.download(self, info.docId);
  return { kind: 'checked', dl, check: await verifyInbound(deps, self, dl) };
}

/** True when storing the package needs an earlier document in place (a revoke, update or replace of it). */
export function actsOnEarlierDocument(fetched: FetchedDocument): boolean {
  const t = fetched.kind === 'checked' ? fetched.check.pkg?.TraceHeaderList.Bussiness.BussinessDocType : undefined;
  return t === 1 || t === 2 || t === 3;
}

/**
 * The DocumentId a revoke, update or replace acts on at `self` (a revoke without one names its own, DOMAIN.md;
 * a replace the first of its ReplacementInfo naming `self`): packages acting on the same one go in order.
 */
export function earlierDocumentOf(fetched: FetchedDocument, self: AgencyCode): string | undefined {
  const pkg = fetched.kind === 'checked' ? fetched.check.pkg : undefined;
  return pkg ? (earlierDocumentsFor(pkg, self).targets[0] ?? pkg.TraceHeaderList.Bussiness.DocumentId ?? pkg.MessageHeader.DocumentId) : undefined;
}

/**
 * The earlier documents an accepted update or replace acts on here, looked up in this agency's inbox (from the
 * same sender). One that is not here, and not still waiting at the axis (then the package waits: deferred), makes
 * the package a refusal (02 with UPDATE_TARGET_UNKNOWN / REPLACE_TARGET_UNKNOWN) rather than a new document,
 * unless the package itself says this receiver may hold none (see earlierDocumentsFor).
 */
async function earlierDocumentsHere(deps: NodeDeps, self: AgencyCode, info: AxisDeliveryInfo, pkg: EdocPackage, context: ReceiveContext): Promise<{ found: NodeDocument[]; refusal?: { reasonCode: string; reason: string } }> {
  const type = pkg.TraceHeaderList.Bussiness.BussinessDocType;
  if (type !== 2 && type !== 3) return { found: [] };
  const { targets, mayBeNew } = earlierDocumentsFor(pkg, self);
  const docs = await Promise.all(targets.map((id) => deps.documents.findByDocumentId(self, 'inbox', id, info.from)));
  const missing = targets.filter((_, i) => !docs[i]);
  const found = docs.filter((d): d is NodeDocument => d !== null && d !== undefined);
  if (missing.length === 0 || mayBeNew) return { found };
  const waiting = missing.find((id) => context.awaiting(info.from, id));
  if (waiting) throw new DeliveryDeferred(`the target ${waiting} of the ${type === 2 ? 'update' : 'replace'} still waits at the axis`);
  const reasonCode = type === 2 ? 'UPDATE_TARGET_UNKNOWN' : 'REPLACE_TARGET_UNKNOWN';
  return { found, refusal: { reasonCode, reason: `no document ${missing.join(', ')} from ${info.from} here to ${type === 2 ? 'update' : 'replace'}` } };
}

/**
 * Second step: store the document with its reports and the answer (01 arrived, or 02 refused with the
 * reason) as one insert keyed by the axis docId, then acknowledge the transport. Each step is idempotent, so
 * a crash anywhere is repaired by the next poll: a stored document is recognised (unique key) and only
 * acknowledged again.
 */
export async function storeDocument(deps: NodeDeps, self: AgencyCode, selfName: string, info: AxisDeliveryInfo, fetched: FetchedDocument, context: ReceiveContext = NO_CONTEXT): Promise<ReceiveOutcome> {
  if (fetched.kind === 'already-stored') {
    // A crash came between storing and acknowledging: answer what was decided then.
    const v = fetched.doc.verification;
    if (isRefusedRevoke(fetched.doc)) await deps.axis.ack(self, info.docId, 'fail', `${v.reasonCode}: ${v.reason ?? ''}`);
    else await deps.axis.ack(self, info.docId, 'done');
    return 'already-stored';
  }
  const { dl, check } = fetched;
  if (check.pkg && isRevokePackage(check.pkg) && check.verification.verdict === 'accepted') {
    return receiveRevoke(deps, self, selfName, info, dl, check, check.pkg, context);
  }
  const documentId = check.pkg?.MessageHeader.DocumentId ?? info.documentId;
  const earlier = check.pkg && check.verification.verdict === 'accepted' ? await earlierDocumentsHere(deps, self, info, check.pkg, context) : { found: [] };
  const verification: Verification = earlier.refusal ? { ...check.verification, verdict: 'refused', ...earlier.refusal } : check.verification;
  const now = deps.now();
  const accepted = verification.verdict === 'accepted';
  const answer = arrivalAnswerOf(verification);
  const { code, description } = answer;
  let message: OutgoingMessage | undefined;
  try {
    message = await prepareStatusMessage(deps, { self, selfName, documentId, statusCode: code, description, seq: 1 });
  } catch (e) {
    if (!isDomainError(e, 'ERR_EDXML_INVALID')) throw e; // no composite DocumentId: nothing to answer to
  }
  const [fileBlobId, packageBlobId, signatureBlobId] = await Promise.all([
    check.pdf ? deps.blobs.put(check.pdf.Content, { contentType: 'application/pdf', filename: check.pdf.AttachmentName, owner: self }) : Promise.resolve(null),
    deps.blobs.put(dl.packageBytes, { contentType: 'application/xml', filename: `${info.docId}.edxml`, owner: self }),
    deps.blobs.put(dl.signature, { contentType: 'application/pkcs7-signature', filename: `${info.docId}.p7s`, owner: self }),
  ]);
  const attachments = await storeAttachments(deps, self, check.attachments ?? []);
  const h = check.pkg?.MessageHeader;
  const doc = newIncomingDocument({
    id: deps.newId(),
    agencyCode: self,
    agencyName: selfName,
    axisDocId: info.docId,
    documentId,
    from: info.from,
    fromName: h?.From.OrganName ?? info.from,
    to: h ? h.To.map((t) => t.OrganId) : [self],
    metadata: metadataOfPackage(check.pkg, documentId),
    file: { blobId: fileBlobId, name: check.pdf?.AttachmentName ?? '', size: check.pdf?.Content.length ?? 0, sha256: check.pdf ? createHash('sha256').update(check.pdf.Content).digest('hex') : '' },
    attachments,
    packageBlobId,
    signatureBlobId,
    verification,
    answer,
    ...(message ? { message } : {}),
    at: now,
  });
  // Mark the earlier document first (idempotent): once the replacement is visible, the mark is too, and a
  // crash before the insert leaves the package unacknowledged, so it is delivered and applied again.
  if (accepted && earlier.found.length > 0) {
    const kind = check.pkg!.TraceHeaderList.Bussiness.BussinessDocType === 2 ? 'update' : 'replace';
    for (const target of earlier.found) await mutateDocument(deps, target.id, (d) => markSuperseded(d, { documentId, kind, at: now }));
  }
  const outcome = await deps.documents.insert(doc);
  if (outcome === 'duplicate') {
    await Promise.all([fileBlobId ? deps.blobs.delete(fileBlobId) : undefined, deps.blobs.delete(packageBlobId), deps.blobs.delete(signatureBlobId), ...attachments.map((a) => deps.blobs.delete(a.blobId!))]);
  }
  await deps.axis.ack(self, info.docId, 'done');
  if (outcome === 'inserted') await settleCounts(deps, doc.id, doc);
  deps.logger.info({ agency: self, axisDocId: info.docId, verdict: verification.verdict, reason: verification.reasonCode }, 'document received');
  return outcome === 'inserted' ? 'stored' : 'already-stored';
}

/** Every kept attachment as its own blob of the receiving agency, with its name, declared type, size and digest. */
async function storeAttachments(deps: NodeDeps, self: AgencyCode, kept: readonly KeptAttachment[]): Promise<StoredAttachment[]> {
  return Promise.all(
    kept.map(async (a) => ({
      blobId: await deps.blobs.put(a.content, { contentType: 'application/octet-stream', filename: a.name, owner: self }),
      name: a.name,
      contentType: a.contentType,
      size: a.content.length,
      sha256: createHash('sha256').update(a.content).digest('hex'),
      role: a.role,
      ...(a.signs ? { signs: a.signs } : {}),
      ...(a.signedBy ? { signedBy: a.signedBy } : {}),
    })),
  );
}

/**
 * Applies a business status to the document it concerns. 13 (sender → receiver) moves the inbox copy;
 * every other code (receiver → sender) moves the sender's track of that recipient. Invalid transitions are
 * refused (ERR_STATUS_TRANSITION); a redelivered status is recognised by its axis docId.
 */
export async function applyStatus(deps: NodeDeps, self: AgencyCode, info: AxisDeliveryInfo, code: StatusCode, from: AgencyCode, documentId: string, description?: string): Promise<NodeDocument> {
  const toInbox = code === '13';
  const target = await deps.documents.findByDocumentId(self, toInbox ? 'inbox' : 'outbox', documentId, toInbox ? from : undefined);
  if (!target) throw new DomainError('ERR_NOT_FOUND', `no document ${documentId} for status ${code}`);
  const at = deps.now();
  let owes = false;
  const updated = await mutateDocument(deps, target.id, (d) => {
    const changes = applyInboundStatus(d, { code, from, at, axisDocId: info.docId, ...(description ? { description } : {}) });
    if (!changes) return null;
    // Recalled documents are counted apart and leave the outgoing ratios (DOMAIN.md, Reporting); a first 01 or
    // 03 adds its delay to the month's histograms. Either is owed to the counters with this same write.
    owes = !toInbox && owesCounts({ ...d, ...changes });
    return { ...changes, ...(owes ? { countPending: true } : {}) };
  });
  if (owes) await settleCounts(deps, updated.id, updated);
  return updated;
}

/**
 * A verified revoke package (BussinessDocType 1, Decree 30/2020 Art. 18.4b) is applied as a 13 to the document
 * it names. One that cannot be applied (no such document from this sender, or a recall not allowed in its
 * state) fails the same way on every retry, so it is answered at once: the package is kept as a closed inbox
 * record whose status 16 (refuses the recall) goes back with the reason, and the transport is acknowledged.
 * A target whose own package still waits at the axis defers the revoke instead.
 */
async function receiveRevoke(deps: NodeDeps, self: AgencyCode, selfName: string, info: AxisDeliveryInfo, dl: AxisDownloadResult, check: InboundCheck, pkg: EdocPackage, context: ReceiveContext): Promise<ReceiveOutcome> {
  const b = pkg.TraceHeaderList.Bussiness;
  const target = b.DocumentId ?? pkg.MessageHeader.DocumentId;
  try {
    await applyStatus(deps, self, { ...info, type: 'status' }, '13', info.from, target, b.BussinessDocReason);
  } catch (e) {
    if (isDomainError(e, 'ERR_NOT_FOUND') && context.awaiting(info.from, target)) throw new DeliveryDeferred(`the target ${target} of the revoke still waits at the axis`);
    if (!isDomainError(e, 'ERR_NOT_FOUND') && !isDomainError(e, 'ERR_STATUS_TRANSITION')) throw e;
    const reasonCode = isDomainError(e, 'ERR_NOT_FOUND') ? 'RECALL_TARGET_UNKNOWN' : 'RECALL_NOT_ALLOWED';
    await storeRefusedRevoke(deps, self, selfName, info, dl, check, pkg, { reasonCode, reason: `${target}: ${e.message}` });
    await deps.axis.ack(self, info.docId, 'fail', `${reasonCode}: ${e.message}`);
    deps.logger.warn({ agency: self, axisDocId: info.docId, from: info.from, reason: reasonCode }, 'revoke package refused');
    return 'recall-refused';
  }
  await deps.axis.ack(self, info.docId, 'done');
  return 'status-applied';
}

/**
 * The closed inbox record of a refused revoke package, with its 16 in the outbox (one insert, keyed by the axis
 * docId, so a redelivery is recognised). It is not an incoming document: it adds nothing to the monthly counters.
 */
async function storeRefusedRevoke(deps: NodeDeps, self: AgencyCode, selfName: string, info: AxisDeliveryInfo, dl: AxisDownloadResult, check: InboundCheck, pkg: EdocPackage, refusal: { reasonCode: string; reason: string }): Promise<void> {
  const now = deps.now();
  const documentId = pkg.MessageHeader.DocumentId;
  const description = refusedRevokeDescription(refusal);
  let message: OutgoingMessage | undefined;
  try {
    message = await prepareStatusMessage(deps, { self, selfName, documentId, statusCode: '16', description, seq: 1 });
  } catch (e) {
    if (!isDomainError(e, 'ERR_EDXML_INVALID')) throw e;
  }
  const [packageBlobId, signatureBlobId] = await Promise.all([
    deps.blobs.put(dl.packageBytes, { contentType: 'application/xml', filename: `${info.docId}.edxml`, owner: self }),
    deps.blobs.put(dl.signature, { contentType: 'application/pkcs7-signature', filename: `${info.docId}.p7s`, owner: self }),
  ]);
  const doc = newRefusedRevokeRecord({
    id: deps.newId(),
    agencyCode: self,
    agencyName: selfName,
    axisDocId: info.docId,
    documentId,
    from: info.from,
    fromName: pkg.MessageHeader.From.OrganName,
    to: pkg.MessageHeader.To.map((t) => t.OrganId),
    metadata: metadataOfPackage(pkg, documentId),
    packageBlobId,
    signatureBlobId,
    verification: check.verification,
    refusal,
    ...(message ? { message } : {}),
    at: now,
  });
  if ((await deps.documents.insert(doc)) === 'duplicate') await Promise.all([deps.blobs.delete(packageBlobId), deps.blobs.delete(signatureBlobId)]);
}

/** An incoming status package: verify its signature and its signer's binding to the sender, then apply it. */
async function receiveStatus(deps: NodeDeps, self: AgencyCode, info: AxisDeliveryInfo): Promise<ReceiveOutcome> {
  const dl = await deps.axis.download(self, info.docId);
  const registry = await deps.axis.getAgency(self, info.from);
  const now = deps.now();
  const arrival = dl.info.submittedAt;
  // TRY_LATER: OCSP is asked for what the report names, then verified again; else unacknowledged, verified again at a later poll.
  const report = await verifyFetchingOcsp(deps, { from: info.from, axisDocId: info.docId }, async (wanted) => {
    const r = await verifyPackageSignature(dl.packageBytes, dl.signature, {
      trustAnchors: deps.trust.trustAnchors,
      crls: deps.trust.crls,
      ...(deps.trust.ocspResponses?.length ? { ocspResponses: deps.trust.ocspResponses } : {}),
      now,
      policy: { allowSha1: deps.allowSha1 },
      xmlVerifier: (x, o) => deps.pdf.verifyXmlSignature(x, o),
      ...(arrival instanceof Date && !Number.isNaN(arrival.getTime()) && arrival.getTime() <= now.getTime() ? { arrivalTime: arrival } : {}),
    }).catch((e) => {
      if (isDomainError(e)) return null;
      throw e;
    });
    wanted.add(r ?? undefined);
    if (r) retryLaterIfStale('status package signature', r);
    return r;
  });
  if (!report || report.indication !== 'TOTAL_PASSED' || !boundToSender(registry, report)) {
    deps.logger.warn({ agency: self, axisDocId: info.docId, from: info.from }, 'status package signature refused');
    await deps.axis.ack(self, info.docId, 'fail', 'status package signature invalid or not bound to the sender');
    return 'status-ignored';
  }
  let reason: string | undefined;
  try {
    const { package: s, warnings } = readStatusPackage(dl.packageBytes);
    // Read as real senders write it (a dd/MM/yyyy Timestamp…): applied, and what was forgiven is logged by name.
    if (warnings.length > 0) deps.logger.warn({ agency: self, axisDocId: info.docId, from: info.from, warnings: warnings.map((w) => `${w.code} ${w.path}: ${w.detail}`) }, 'status package read leniently');
    if (s.From.OrganId !== info.from) throw new DomainError('ERR_SENDER_MISMATCH', 'status From differs from the axis sender');
    await applyStatus(deps, self, info, s.StatusCode, info.from, s.ResponseFor.DocumentId, s.Description);
  } catch (e) {
    if (!isDomainError(e) || classifyReceiveFailure(e) !== 'refuse') throw e; // the poller retries or stops
    reason = `${e.code}: ${e.message}`;
  }
  if (reason) {
    deps.logger.warn({ agency: self, axisDocId: info.docId, reason }, 'status not applied');
    await deps.axis.ack(self, info.docId, 'fail', reason);
    return 'status-ignored';
  }
  await deps.axis.ack(self, info.docId, 'done');
  return 'status-applied';
}

/** Handles one delivery waiting at the axis for a hosted agency. */
export async function receiveDelivery(deps: NodeDeps, self: AgencyCode, selfName: string, info: AxisDeliveryInfo): Promise<ReceiveOutcome> {
  if (info.type === 'status') return receiveStatus(deps, self, info);
  return storeDocument(deps, self, selfName, info, await fetchDocument(deps, self, info));
}
