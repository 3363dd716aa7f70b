import type { AgencyCode } from '../agency/index.js';
import { DISPATCH_PRIORITY, type DocumentMetadata, type NodeDocument, type OutgoingMessage, type StoredFile, type Verification } from '../ports/node/index.js';
import { INITIAL_DOCUMENT_STATE } from '../status/index.js';
import { dispatchDueOf } from './dispatch.js';

/** How the sealed document leaves: its package is ready, or the seal waits for the time-stamping authority. */
export type OutgoingSeal =
  | { readonly state: 'sealed'; readonly packageBlobId: string; readonly signatureBlobId: string }
  | {
      readonly state: 'awaiting-timestamp';
      readonly personSignature: 'present' | 'apply';
      /** `CODE: message` of the TSA failure, shown on the message. */
      readonly lastError: string;
      /** When the dispatcher tries again (the backoff after a first attempt). */
      readonly nextAttemptAt: Date;
    };

export interface NewOutgoingInput {
  readonly id: string;
  /** The sending agency and its name. */
  readonly agencyCode: AgencyCode;
  readonly agencyName: string;
  readonly documentId: string;
  readonly to: readonly AgencyCode[];
  /** Recipients' names by code (a missing one is shown as its code). */
  readonly names: ReadonlyMap<AgencyCode, string>;
  readonly metadata: DocumentMetadata;
  /** The file as stored: sealed, or as the clerk gave it while the seal waits. */
  readonly file: StoredFile;
  readonly seal: OutgoingSeal;
  readonly verification: Verification;
  readonly createdBy: string;
  readonly at: Date;
}

/** The document's own package as the first message of its queue. */
function edocMessage(seal: OutgoingSeal, at: Date): OutgoingMessage {
  return seal.state === 'awaiting-timestamp'
    ? { id: 'edoc', kind: 'edoc', state: 'pending', attempts: 1, lastError: seal.lastError, nextAttemptAt: seal.nextAttemptAt, createdAt: at }
    : { id: 'edoc', kind: 'edoc', packageBlobId: seal.packageBlobId, signatureBlobId: seal.signatureBlobId, state: 'pending', attempts: 0, nextAttemptAt: at, createdAt: at };
}

/**
 * A new outgoing document (box `outbox`): one track per recipient in the initial state, its package queued
 * (`edoc`, due now, or after the backoff while the seal waits for a timestamp), owing the counters its
 * contribution. The document and its queue entry are one insert.
 */
export function newOutgoingDocument(input: NewOutgoingInput): NodeDocument {
  const { seal, at } = input;
  const message = edocMessage(seal, at);
  return {
    id: input.id,
    agencyCode: input.agencyCode,
    box: 'outbox',
    dedupKey: `out:${input.documentId}`,
    documentId: input.documentId,
    from: input.agencyCode,
    fromName: input.agencyName,
    to: input.to,
    metadata: input.metadata,
    file: input.file,
    ...(seal.state === 'sealed' ? { packageBlobId: seal.packageBlobId, signatureBlobId: seal.signatureBlobId } : {}),
    verification: input.verification,
    ...(seal.state === 'awaiting-timestamp' ? { sealing: { state: 'awaiting-timestamp' as const, since: at, personSignature: seal.personSignature } } : {}),
    recipients: input.to.map((code) => ({ code, name: input.names.get(code) ?? code, state: INITIAL_DOCUMENT_STATE, timeline: [] })),
    recalled: false,
    outgoing: [message],
    dispatchDue: dispatchDueOf([message]),
    dispatchPriority: DISPATCH_PRIORITY.send,
    dispatchLease: null,
    appliedDeliveries: [],
    countPending: true,
    countedKeys: [],
    createdBy: input.createdBy,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}
