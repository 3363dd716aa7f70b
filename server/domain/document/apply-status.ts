import type { AgencyCode } from '../agency/index.js';
import { DomainError } from '../errors.js';
import type { DocumentChanges, NodeDocument, OutgoingMessage, RecipientTrack } from '../ports/node/index.js';
import { nextDocumentState, observeReceiverStatus, type StatusCode } from '../status/index.js';
import { appendMessage } from './append-message.js';
import { agreedRecall } from './recall.js';

type Changes = Omit<DocumentChanges, 'updatedAt'>;

/** Codes a receiving clerk may send by hand. 01 is the system's; 15/16 answer a pending recall. */
export const CLERK_STATUS_CODES: readonly StatusCode[] = Object.freeze(['02', '03', '04', '05', '06', '15', '16']);

/** ERR_STATUS_TRANSITION (`not a clerk status`) for a code a receiving clerk does not send (01, 13). */
export function requireClerkStatus(code: StatusCode): void {
  if (!CLERK_STATUS_CODES.includes(code)) {
    throw new DomainError('ERR_STATUS_TRANSITION', `status ${code} is not sent by a receiving clerk`, { details: { statusCode: code, reason: 'not a clerk status' } });
  }
}

/**
 * Checks, before anything is signed, that the receiver may send `code` about `doc` now: an incoming document
 * (else ERR_STATUS_TRANSITION, `outbox document`) with its own track (else ERR_CONFLICT) whose state allows
 * the code (else ERR_STATUS_TRANSITION from the transition table). Returns that track.
 */
export function checkClerkStatus(doc: Pick<NodeDocument, 'box' | 'recipients'>, code: StatusCode): RecipientTrack {
  if (doc.box !== 'inbox') throw new DomainError('ERR_STATUS_TRANSITION', 'statuses 02–06, 15, 16 are sent by the receiver: this is an outgoing document', { details: { statusCode: code, reason: 'outbox document' } });
  const own = doc.recipients[0];
  if (!own) throw new DomainError('ERR_CONFLICT', 'the document has no receiver track');
  nextDocumentState(own.state, code, 'receiver');
  return own;
}

/**
 * The receiver's clerk sends `code` (02–06, 15, 16) about an incoming document: its own track moves, the
 * status joins its timeline, and `message` (the signed status package announcing it) joins the queue, all in
 * one write. An agreed recall (15) also withdraws the document ({@link agreedRecall}); `removeBlobs` are the
 * blobs to delete once the write is done.
 *
 * @throws DomainError ERR_STATUS_TRANSITION when the track's state does not allow the code.
 */
export function applyClerkStatus(doc: NodeDocument, status: { readonly code: StatusCode; readonly at: Date; readonly description?: string; readonly message: OutgoingMessage }): { readonly changes: Changes; readonly removeBlobs: string[] } {
  const { code, at, description } = status;
  const track = doc.recipients[0]!;
  const state = nextDocumentState(track.state, code, 'receiver');
  const recipients = [{ ...track, state, timeline: [...track.timeline, { code, from: doc.agencyCode, at, ...(description ? { description } : {}) }] }];
  const agreed = code === '15' ? agreedRecall(doc) : undefined;
  return { changes: { recipients, ...appendMessage(doc, status.message), ...(agreed?.changes ?? {}) }, removeBlobs: agreed?.removeBlobs ?? [] };
}

/** A status package received from the axis, as it applies to the document it names. */
export interface InboundStatus {
  readonly code: StatusCode;
  /** The agency that sent it (the axis's sender, checked against the package). */
  readonly from: AgencyCode;
  readonly at: Date;
  /** The axis delivery that carried it: a redelivery is recognised by it. */
  readonly axisDocId: string;
  readonly description?: string;
}

/**
 * Applies a status received from the axis. 13 (sender → receiver) moves the receiver's own track of an
 * incoming document (nextDocumentState); every other code (receiver → sender) moves the sender's track of that
 * recipient (observeReceiverStatus: progress that crossed a recall is kept). The delivery is recorded, so a
 * redelivery changes nothing (null). An outgoing document whose every recipient agreed to its recall or
 * refused it, one at least agreeing, becomes recalled.
 *
 * @throws DomainError ERR_FORBIDDEN when `from` is not a recipient; ERR_STATUS_TRANSITION as the transition table.
 */
export function applyInboundStatus(doc: NodeDocument, status: InboundStatus): Changes | null {
  const { code, from, at, axisDocId, description } = status;
  if (doc.appliedDeliveries.includes(axisDocId)) return null;
  const toInbox = code === '13';
  const i = toInbox ? 0 : doc.recipients.findIndex((r) => r.code === from);
  const track = doc.recipients[i];
  if (!track) throw new DomainError('ERR_FORBIDDEN', `${from} is not a recipient of ${doc.documentId}`);
  const state = toInbox ? nextDocumentState(track.state, code, 'sender') : observeReceiverStatus(track.state, code);
  const recipients = doc.recipients.map((r, j) => (j === i ? { ...r, state, timeline: [...r.timeline, { code, from, at, axisDocId, ...(description ? { description } : {}) }] } : r));
  const recalled = !toInbox && !doc.recalled && recipients.every((r) => r.state.recall === 'agreed' || r.state.phase === 'refused') && recipients.some((r) => r.state.recall === 'agreed');
  return { recipients, appliedDeliveries: [...doc.appliedDeliveries, axisDocId], ...(recalled ? { recalled: true } : {}) };
}
