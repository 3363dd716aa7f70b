import { DomainError } from '../domain/errors.js';
import type { NodeDocument } from '../domain/ports/node/index.js';
import { nextDocumentState, parseStatusCode, type StatusCode } from '../domain/status/index.js';
import type { NodeDeps, NodePrincipal } from './deps.js';
import { mutateDocument } from './mutate.js';
import { prepareStatusMessage, withMessage } from './outgoing.js';
import { ACTING_ROLES, requireRole } from './principal.js';
import { findOwnDocument } from './queries.js';

/** Codes a receiving clerk may send by hand. 01 is the system's; 15/16 answer a pending recall. */
const CLERK_CODES: readonly StatusCode[] = ['02', '03', '04', '05', '06', '15', '16'];

/**
 * A receiving clerk moves an incoming document: 03 accepted, 04 assigned, 05 processing, 06 completed, 02
 * refused, or answers a recall with 15 (the document is marked recalled and its file removed, Decree 30/2020
 * Art. 18.4b) or 16. The new state and the status package announcing it are one guarded write; an invalid
 * transition is ERR_STATUS_TRANSITION (409).
 */
export async function changeStatus(deps: NodeDeps, principal: NodePrincipal, id: string, input: { code: string; description?: string }): Promise<NodeDocument> {
  requireRole(principal, ACTING_ROLES);
  const code = parseStatusCode(input.code);
  if (!CLERK_CODES.includes(code)) {
    throw new DomainError('ERR_STATUS_TRANSITION', `status ${code} is not sent by a receiving clerk`, { details: { statusCode: code, reason: 'not a clerk status' } });
  }
  const doc = await findOwnDocument(deps, principal, id);
  if (doc.box !== 'inbox') throw new DomainError('ERR_STATUS_TRANSITION', 'statuses 02–06, 15, 16 are sent by the receiver: this is an outgoing document', { details: { statusCode: code, reason: 'outbox document' } });
  const own = doc.recipients[0];
  if (!own) throw new DomainError('ERR_CONFLICT', 'the document has no receiver track');
  nextDocumentState(own.state, code, 'receiver'); // fail fast before signing
  const user = await deps.users.findById(principal.userId);
  const message = await prepareStatusMessage(deps, {
    self: doc.agencyCode,
    selfName: own.name,
    documentId: doc.documentId,
    statusCode: code,
    seq: own.timeline.length + 1,
    ...(input.description ? { description: input.description } : {}),
    ...(user ? { staff: user.fullName } : {}),
  });
  const at = deps.now();
  let removeBlobs: string[] = [];
  const updated = await mutateDocument(deps, id, (d) => {
    const track = d.recipients[0]!;
    const state = nextDocumentState(track.state, code, 'receiver');
    const recipients = [{ ...track, state, timeline: [...track.timeline, { code, from: d.agencyCode, at, ...(input.description ? { description: input.description } : {}) }] }];
    const agreed = code === '15';
    // An agreed recall removes the document's file and every attachment kept with it.
    removeBlobs = agreed ? [d.file.blobId, ...(d.attachments ?? []).map((a) => a.blobId)].filter((b): b is string => b !== null) : [];
    const attachments = agreed && d.attachments ? { attachments: d.attachments.map((a) => ({ ...a, blobId: null })) } : {};
    return { recipients, ...withMessage(d, message), ...(agreed ? { recalled: true, file: { ...d.file, blobId: null }, ...attachments } : {}) };
  });
  for (const b of removeBlobs) await deps.blobs.delete(b);
  return updated;
}

/**
 * The sender recalls a document (13): every recipient that has not refused it or closed a recall gets the
 * recall; one status package goes to the axis, which routes it to the recipients.
 */
export async function recallDocument(deps: NodeDeps, principal: NodePrincipal, id: string, input: { reason: string }): Promise<NodeDocument> {
  requireRole(principal, ACTING_ROLES);
  const doc = await findOwnDocument(deps, principal, id);
  if (doc.box !== 'outbox') throw new DomainError('ERR_STATUS_TRANSITION', 'only the sender recalls a document', { details: { statusCode: '13', reason: 'inbox document' } });
  const movable = (d: NodeDocument) =>
    d.recipients.filter((r) => {
      try {
        nextDocumentState(r.state, '13', 'sender');
        return true;
      } catch {
        return false;
      }
    });
  if (movable(doc).length === 0) nextDocumentState(doc.recipients[0]!.state, '13', 'sender'); // throws the coded refusal
  const message = await prepareStatusMessage(deps, { self: doc.agencyCode, selfName: doc.fromName, documentId: doc.documentId, statusCode: '13', description: input.reason, seq: doc.outgoing.length + 1 });
  const at = deps.now();
  return mutateDocument(deps, id, (d) => {
    const ok = new Set(movable(d).map((r) => r.code));
    if (ok.size === 0) nextDocumentState(d.recipients[0]!.state, '13', 'sender');
    const recipients = d.recipients.map((r) => (ok.has(r.code) ? { ...r, state: nextDocumentState(r.state, '13', 'sender'), timeline: [...r.timeline, { code: '13' as const, from: d.agencyCode, at, description: input.reason }] } : r));
    return { recipients, ...withMessage(d, message) };
  });
}
