import { DomainError } from '../errors.js';
import type { DocumentChanges, NodeDocument, OutgoingMessage, RecipientTrack } from '../ports/node/index.js';
import { nextDocumentState } from '../status/index.js';
import { appendMessage } from './append-message.js';

type Changes = Omit<DocumentChanges, 'updatedAt'>;

/** The recipients a recall (13) can still reach: those that have not refused the document or closed a recall. */
export function recallableRecipients(doc: Pick<NodeDocument, 'recipients'>): RecipientTrack[] {
  return doc.recipients.filter((r) => {
    try {
      nextDocumentState(r.state, '13', 'sender');
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Refuses a recall the sender may not make: ERR_STATUS_TRANSITION for an incoming document (`inbox document`),
 * or, when no recipient can take it, the refusal of the first recipient's state (e.g. already refused, 02).
 */
export function checkRecall(doc: Pick<NodeDocument, 'box' | 'recipients'>): void {
  if (doc.box !== 'outbox') throw new DomainError('ERR_STATUS_TRANSITION', 'only the sender recalls a document', { details: { statusCode: '13', reason: 'inbox document' } });
  if (recallableRecipients(doc).length === 0) nextDocumentState(doc.recipients[0]!.state, '13', 'sender'); // throws the coded refusal
}

/**
 * The sender recalls the document (13, Decree 30/2020 Art. 18.4b): every recipient that can take it moves to
 * `recall: requested` with a 13 in its timeline, and `message` (the signed 13 package) joins the queue.
 *
 * @throws DomainError ERR_STATUS_TRANSITION when no recipient can take it.
 */
export function applyRecall(doc: NodeDocument, recall: { readonly at: Date; readonly reason: string; readonly message: OutgoingMessage }): Changes {
  const ok = new Set(recallableRecipients(doc).map((r) => r.code));
  if (ok.size === 0) nextDocumentState(doc.recipients[0]!.state, '13', 'sender');
  const recipients = doc.recipients.map((r) => (ok.has(r.code) ? { ...r, state: nextDocumentState(r.state, '13', 'sender'), timeline: [...r.timeline, { code: '13' as const, from: doc.agencyCode, at: recall.at, description: recall.reason }] } : r));
  return { recipients, ...appendMessage(doc, recall.message) };
}

/**
 * What an agreed recall (15) does to the receiver's copy (Decree 30/2020 Art. 18.4b: it deletes the document):
 * marked recalled, its file and every attachment kept with it lose their blob. Returns the changes and the
 * blob ids to delete once they are written.
 */
export function agreedRecall(doc: Pick<NodeDocument, 'file' | 'attachments'>): { readonly changes: Pick<Changes, 'recalled' | 'file' | 'attachments'>; readonly removeBlobs: string[] } {
  const removeBlobs = [doc.file.blobId, ...(doc.attachments ?? []).map((a) => a.blobId)].filter((b): b is string => b !== null);
  const attachments = doc.attachments ? { attachments: doc.attachments.map((a) => ({ ...a, blobId: null })) } : {};
  return { changes: { recalled: true, file: { ...doc.file, blobId: null }, ...attachments }, removeBlobs };
}
