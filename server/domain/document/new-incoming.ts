import type { AgencyCode } from '../agency/index.js';
import { DISPATCH_PRIORITY, type DocumentMetadata, type NodeDocument, type OutgoingMessage, type StoredAttachment, type StoredFile, type Verification } from '../ports/node/index.js';
import { INITIAL_DOCUMENT_STATE, nextDocumentState, type DocumentState, type StatusCode } from '../status/index.js';
import { dispatchDueOf, dispatchPriorityOf } from './dispatch.js';

/**
 * The receiver's answer to a package it stored (Decree 30/2020 Art. 21.2): 01 arrived when its signatures
 * verified, else 02 refused with the reason.
 */
export function arrivalAnswerOf(verification: Pick<Verification, 'verdict' | 'reasonCode' | 'reason'>): { readonly code: StatusCode; readonly description: string } {
  return verification.verdict === 'accepted' ? { code: '01', description: 'Đã đến (arrived); signatures verified' } : { code: '02', description: `Từ chối tiếp nhận: ${verification.reasonCode}: ${verification.reason ?? ''}`.slice(0, 1000) };
}

/** What every record of a received package has: who received it from whom, and how it arrived. */
interface Received {
  readonly id: string;
  /** The receiving agency and its name. */
  readonly agencyCode: AgencyCode;
  readonly agencyName: string;
  /** The axis delivery it came with (the record's dedup key). */
  readonly axisDocId: string;
  readonly documentId: string;
  readonly from: AgencyCode;
  readonly fromName: string;
  readonly to: readonly AgencyCode[];
  readonly metadata: DocumentMetadata;
  readonly packageBlobId: string;
  readonly signatureBlobId: string;
  /** The signed answer (01/02, or 16), absent when the package names no DocumentId to answer to. */
  readonly message?: OutgoingMessage;
  readonly at: Date;
}

export interface NewIncomingInput extends Received {
  readonly file: StoredFile;
  readonly attachments: readonly StoredAttachment[];
  readonly verification: Verification;
  /** {@link arrivalAnswerOf} the verification. */
  readonly answer: { readonly code: StatusCode; readonly description: string };
}

function record(input: Received, rest: Pick<NodeDocument, 'file' | 'verification' | 'recipients' | 'dispatchPriority' | 'countPending'> & Partial<Pick<NodeDocument, 'attachments'>>): NodeDocument {
  const outgoing = input.message ? [input.message] : [];
  const { file, attachments, verification, recipients, dispatchPriority, countPending } = rest;
  return {
    id: input.id,
    agencyCode: input.agencyCode,
    box: 'inbox',
    dedupKey: `in:${input.axisDocId}`,
    documentId: input.documentId,
    from: input.from,
    fromName: input.fromName,
    to: input.to,
    metadata: input.metadata,
    file,
    ...(attachments ? { attachments } : {}),
    packageBlobId: input.packageBlobId,
    signatureBlobId: input.signatureBlobId,
    verification,
    recipients,
    axisDocId: input.axisDocId,
    recalled: false,
    outgoing,
    dispatchDue: dispatchDueOf(outgoing),
    dispatchPriority,
    dispatchLease: null,
    appliedDeliveries: [],
    countPending,
    countedKeys: [],
    version: 1,
    createdAt: input.at,
    updatedAt: input.at,
  };
}

/**
 * A new incoming document (box `inbox`): the receiver's own track after its answer (01 or 02), the answer
 * queued (after the node's own sends; a refusal last), owing the counters its contribution.
 */
export function newIncomingDocument(input: NewIncomingInput): NodeDocument {
  const { code, description } = input.answer;
  return record(input, {
    file: input.file,
    ...(input.attachments.length > 0 ? { attachments: input.attachments } : {}),
    verification: input.verification,
    recipients: [{ code: input.agencyCode, name: input.agencyName, state: nextDocumentState(INITIAL_DOCUMENT_STATE, code, 'receiver'), timeline: [{ code, from: input.agencyCode, at: input.at, ...(description ? { description } : {}) }] }],
    dispatchPriority: dispatchPriorityOf({ box: 'inbox', verification: input.verification }),
    countPending: true,
  });
}

/** A refused revoke package is closed at once: nothing may follow it. */
export const REFUSED_REVOKE_STATE: DocumentState = Object.freeze({ phase: 'refused', recall: 'refused' } as const);

/** The description of the 16 that answers a revoke package which cannot be applied. */
export function refusedRevokeDescription(refusal: { readonly reasonCode: string; readonly reason: string }): string {
  return `Từ chối thu hồi: ${refusal.reasonCode}: ${refusal.reason}`.slice(0, 1000);
}

export interface RefusedRevokeInput extends Received {
  /** The package's verification (accepted: the revoke itself verified; it is refused for `refusal`). */
  readonly verification: Verification;
  readonly refusal: { readonly reasonCode: string; readonly reason: string };
}

/**
 * The closed inbox record of a revoke package (BussinessDocType 1) that cannot be applied: no file, refused
 * with the reason, its 16 queued as refusal traffic. It is not an incoming document: it owes the counters nothing.
 */
export function newRefusedRevokeRecord(input: RefusedRevokeInput): NodeDocument {
  const { refusal } = input;
  return record(input, {
    file: { blobId: null, name: '', size: 0, sha256: '' },
    verification: { ...input.verification, verdict: 'refused', reasonCode: refusal.reasonCode, reason: refusal.reason },
    recipients: [{ code: input.agencyCode, name: input.agencyName, state: REFUSED_REVOKE_STATE, timeline: [{ code: '16', from: input.agencyCode, at: input.at, description: refusedRevokeDescription(refusal) }] }],
    dispatchPriority: DISPATCH_PRIORITY.refusal,
    countPending: false,
  });
}

/** True for the record {@link newRefusedRevokeRecord} makes (its redelivery is acknowledged as a failure again). */
export function isRefusedRevoke(doc: Pick<NodeDocument, 'metadata' | 'verification' | 'recipients'>): boolean {
  return doc.metadata.bussinessDocType === 1 && doc.verification.verdict === 'refused' && doc.recipients[0]?.timeline[0]?.code === '16';
}
