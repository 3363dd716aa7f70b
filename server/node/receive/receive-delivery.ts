import { createHash } from 'node:crypto';
import type { AgencyCode } from '../../domain/agency/index.js';
import { isRevokePackage, parseDocumentId, parseStatusPackage, verifyPackageSignature, type EdocPackage } from '../../domain/edxml/index.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import type { AxisDeliveryInfo, AxisDownloadResult, DocumentMetadata, NodeDocument, OutgoingMessage, RecipientTrack } from '../../domain/ports/node/index.js';
import { INITIAL_DOCUMENT_STATE, nextDocumentState, type StatusActor, type StatusCode } from '../../domain/status/index.js';
import { owesCounts, settleCounts } from '../counting.js';
import type { NodeDeps } from '../deps.js';
import { mutateDocument } from '../mutate.js';
import { dispatchDueOf, prepareStatusMessage } from '../outgoing.js';
import { boundToSender, retryLaterIfStale, verifyInbound, type InboundCheck } from './verify-inbound.js';

export type ReceiveOutcome = 'stored' | 'already-stored' | 'status-applied' | 'status-ignored';

const iso = (ymd: string) => ymd.replace(/\//g, '-');

function metadataOf(pkg: EdocPackage | undefined, documentId: string): DocumentMetadata {
  if (!pkg) {
    const p = parseDocumentId(documentId);
    return {
      subject: '', codeNumber: p?.codeNumber ?? '', codeNotation: p?.codeNotation ?? '', promulgationDate: p ? iso(p.promulgationDate) : '',
      promulgationPlace: '', documentType: { type: 0, typeName: '' }, signer: { fullName: '' }, priority: 0, paper: false, toPlaces: [], responseFor: [], bussinessDocType: 0,
    };
  }
  const h = pkg.MessageHeader;
  const b = pkg.TraceHeaderList.Bussiness;
  return {
    subject: h.Subject,
    codeNumber: h.Code.CodeNumber,
    codeNotation: h.Code.CodeNotation,
    promulgationDate: iso(h.PromulgationInfo.PromulgationDate),
    promulgationPlace: h.PromulgationInfo.Place,
    documentType: { type: h.DocumentType.Type, typeName: h.DocumentType.TypeName, ...(h.DocumentType.TypeDetail !== undefined ? { typeDetail: h.DocumentType.TypeDetail } : {}) },
    signer: { fullName: h.SignerInfo.FullName, ...(h.SignerInfo.Competence ? { competence: h.SignerInfo.Competence } : {}), ...(h.SignerInfo.Position ? { position: h.SignerInfo.Position } : {}) },
    priority: h.OtherInfo.Priority,
    paper: b.Paper === 1,
    ...(h.OtherInfo.PromulgationAmount !== undefined ? { copies: h.OtherInfo.PromulgationAmount } : {}),
    ...(h.DueDate ? { dueDate: iso(h.DueDate) } : {}),
    toPlaces: h.ToPlaces,
    ...(h.SteeringType !== undefined ? { steeringType: h.SteeringType } : {}),
    responseFor: h.ResponseFor.map((r) => ({ organId: r.OrganId, code: r.Code, promulgationDate: iso(r.PromulgationDate), documentId: r.DocumentId })),
    bussinessDocType: b.BussinessDocType,
    ...(b.DocumentId ? { targetDocumentId: b.DocumentId } : {}),
    ...(b.BussinessDocReason ? { bussinessReason: b.BussinessDocReason } : {}),
  };
}

/** What the read-only first step learned about an incoming document package. */
export type FetchedDocument =
  | { readonly kind: 'already-stored' }
  | { readonly kind: 'checked'; readonly dl: AxisDownloadResult; readonly check: InboundCheck };

/**
 * First step of receiving a document package: recognise one stored already, else download and verify
 * everything. Writes nothing of the node's, so packages can be fetched side by side.
 */
export async function fetchDocument(deps: NodeDeps, self: AgencyCode, info: AxisDeliveryInfo): Promise<FetchedDocument> {
  if (await deps.documents.findByDedupKey(self, `in:${info.docId}`)) return { kind: 'already-stored' };
  const dl = await deps.axis.download(self, info.docId);
  return { kind: 'checked', dl, check: await verifyInbound(deps, self, dl) };
}

/** True when storing the package needs an earlier document in place (a revoke, update or replace of it). */
export function actsOnEarlierDocument(fetched: FetchedDocument): boolean {
  const t = fetched.kind === 'checked' ? fetched.check.pkg?.TraceHeaderList.Bussiness.BussinessDocType : undefined;
  return t === 1 || t === 2 || t === 3;
}

/**
 * Second step: store the document with its reports and the answer (01 arrived, or 02 refused with the
 * reason) as one insert keyed by the axis docId, then acknowledge the transport. Each step is idempotent, so
 * a crash anywhere is repaired by the next poll: a stored document is recognised (unique key) and only
 * acknowledged again.
 */
export async function storeDocument(deps: NodeDeps, self: AgencyCode, selfName: string, info: AxisDeliveryInfo, fetched: FetchedDocument): Promise<ReceiveOutcome> {
  if (fetched.kind === 'already-stored') {
    await deps.axis.ack(self, info.docId, 'done');
    return 'already-stored';
  }
  const { dl, check } = fetched;
  const dedupKey = `in:${info.docId}`;
  if (check.pkg && isRevokePackage(check.pkg) && check.verification.verdict === 'accepted') {
    const target = check.pkg.TraceHeaderList.Bussiness.DocumentId;
    if (target) await applyStatus(deps, self, { ...info, type: 'status' }, '13', info.from, target, check.pkg.TraceHeaderList.Bussiness.BussinessDocReason);
    await deps.axis.ack(self, info.docId, 'done');
    return 'status-applied';
  }
  const documentId = check.pkg?.MessageHeader.DocumentId ?? info.documentId;
  const now = deps.now();
  const accepted = check.verification.verdict === 'accepted';
  const code: StatusCode = accepted ? '01' : '02';
  const description = accepted ? 'Đã đến (arrived); signatures verified' : `Từ chối tiếp nhận: ${check.verification.reasonCode}: ${check.verification.reason ?? ''}`.slice(0, 1000);
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
  const track: RecipientTrack = {
    code: self,
    name: selfName,
    state: nextDocumentState(INITIAL_DOCUMENT_STATE, code, 'receiver'),
    timeline: [{ code, from: self, at: now, ...(description ? { description } : {}) }],
  };
  const h = check.pkg?.MessageHeader;
  const outgoing = message ? [message] : [];
  const doc: NodeDocument = {
    id: deps.newId(),
    agencyCode: self,
    box: 'inbox',
    dedupKey,
    documentId,
    from: info.from,
    fromName: h?.From.OrganName ?? info.from,
    to: h ? h.To.map((t) => t.OrganId) : [self],
    metadata: metadataOf(check.pkg, documentId),
    file: { blobId: fileBlobId, name: check.pdf?.AttachmentName ?? '', size: check.pdf?.Content.length ?? 0, sha256: check.pdf ? createHash('sha256').update(check.pdf.Content).digest('hex') : '' },
    packageBlobId,
    signatureBlobId,
    verification: check.verification,
    recipients: [track],
    axisDocId: info.docId,
    recalled: false,
    outgoing,
    dispatchDue: dispatchDueOf(outgoing),
    dispatchLease: null,
    appliedDeliveries: [],
    countPending: true,
    countedKeys: [],
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  // Mark the earlier document first (idempotent): once the replacement is visible, the mark is too, and a
  // crash before the insert leaves the package unacknowledged, so it is delivered and applied again.
  const b = check.pkg?.TraceHeaderList.Bussiness;
  if (accepted && b && (b.BussinessDocType === 2 || b.BussinessDocType === 3) && b.DocumentId) {
    const target = await deps.documents.findByDocumentId(self, 'inbox', b.DocumentId, info.from);
    const kind = b.BussinessDocType === 2 ? 'update' : 'replace';
    if (target) await mutateDocument(deps, target.id, (d) => (d.supersededBy ? null : { supersededBy: { documentId, kind, at: now } }));
  }
  const outcome = await deps.documents.insert(doc);
  if (outcome === 'duplicate') {
    await Promise.all([fileBlobId ? deps.blobs.delete(fileBlobId) : undefined, deps.blobs.delete(packageBlobId), deps.blobs.delete(signatureBlobId)]);
  }
  await deps.axis.ack(self, info.docId, 'done');
  if (outcome === 'inserted') await settleCounts(deps, doc.id, doc);
  deps.logger.info({ agency: self, axisDocId: info.docId, verdict: check.verification.verdict, reason: check.verification.reasonCode }, 'document received');
  return outcome === 'inserted' ? 'stored' : 'already-stored';
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
  const actor: StatusActor = toInbox ? 'sender' : 'receiver';
  const at = deps.now();
  let owes = false;
  const updated = await mutateDocument(deps, target.id, (d) => {
    if (d.appliedDeliveries.includes(info.docId)) return null;
    const i = toInbox ? 0 : d.recipients.findIndex((r) => r.code === from);
    const track = d.recipients[i];
    if (!track) throw new DomainError('ERR_FORBIDDEN', `${from} is not a recipient of ${documentId}`);
    const state = nextDocumentState(track.state, code, actor);
    const recipients = d.recipients.map((r, j) =>
      j === i ? { ...r, state, timeline: [...r.timeline, { code, from, at, axisDocId: info.docId, ...(description ? { description } : {}) }] } : r,
    );
    const recalled = !toInbox && !d.recalled && recipients.every((r) => r.state.recall === 'agreed' || r.state.phase === 'refused') && recipients.some((r) => r.state.recall === 'agreed');
    // Recalled documents are counted apart and leave the outgoing ratios (DOMAIN.md, Reporting); a first 01 or
    // 03 adds its delay to the month's histograms. Either is owed to the counters with this same write.
    owes = !toInbox && owesCounts({ ...d, recipients, recalled: d.recalled || recalled });
    return { recipients, appliedDeliveries: [...d.appliedDeliveries, info.docId], ...(recalled ? { recalled: true } : {}), ...(owes ? { countPending: true } : {}) };
  });
  if (owes) await settleCounts(deps, updated.id, updated);
  return updated;
}

/** An incoming status package: verify its signature and its signer's binding to the sender, then apply it. */
async function receiveStatus(deps: NodeDeps, self: AgencyCode, info: AxisDeliveryInfo): Promise<ReceiveOutcome> {
  const dl = await deps.axis.download(self, info.docId);
  const registry = await deps.axis.getAgency(self, info.from);
  const now = deps.now();
  const arrival = dl.info.submittedAt;
  const report = await verifyPackageSignature(dl.packageBytes, dl.signature, {
    trustAnchors: deps.trust.trustAnchors,
    crls: deps.trust.crls,
    now,
    policy: { allowSha1: deps.allowSha1 },
    xmlVerifier: (x, o) => deps.pdf.verifyXmlSignature(x, o),
    ...(arrival instanceof Date && !Number.isNaN(arrival.getTime()) && arrival.getTime() <= now.getTime() ? { arrivalTime: arrival } : {}),
  }).catch((e) => {
    if (isDomainError(e)) return null;
    throw e;
  });
  if (report) retryLaterIfStale('status package signature', report); // unacknowledged: verified again at a later poll
  if (!report || report.indication !== 'TOTAL_PASSED' || !boundToSender(registry, report)) {
    deps.logger.warn({ agency: self, axisDocId: info.docId, from: info.from }, 'status package signature refused');
    await deps.axis.ack(self, info.docId, 'fail', 'status package signature invalid or not bound to the sender');
    return 'status-ignored';
  }
  let reason: string | undefined;
  try {
    const s = parseStatusPackage(dl.packageBytes);
    if (s.From.OrganId !== info.from) throw new DomainError('ERR_SENDER_MISMATCH', 'status From differs from the axis sender');
    await applyStatus(deps, self, info, s.StatusCode, info.from, s.ResponseFor.DocumentId, s.Description);
  } catch (e) {
    if (!isDomainError(e)) throw e;
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
