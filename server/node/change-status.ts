import { applyClerkStatus, applyRecall, checkClerkStatus, checkRecall, requireClerkStatus } from '../domain/document/index.js';
import type { NodeDocument } from '../domain/ports/node/index.js';
import { parseStatusCode } from '../domain/status/index.js';
import type { NodeDeps, NodePrincipal } from './deps.js';
import { mutateDocument } from './mutate.js';
import { prepareStatusMessage } from './outgoing.js';
import { ACTING_ROLES, requireRole } from './principal.js';
import { findOwnDocument } from './queries.js';

/**
 * A receiving clerk moves an incoming document: 03 accepted, 04 assigned, 05 processing, 06 completed, 02
 * refused, or answers a recall with 15 (the document is marked recalled and its file removed, Decree 30/2020
 * Art. 18.4b) or 16. The new state and the status package announcing it are one guarded write; an invalid
 * transition is ERR_STATUS_TRANSITION (409). The rules are the document's (server/domain/document); this
 * reads, signs, writes and removes the blobs.
 */
export async function changeStatus(deps: NodeDeps, principal: NodePrincipal, id: string, input: { code: string; description?: string }): Promise<NodeDocument> {
  requireRole(principal, ACTING_ROLES);
  const code = parseStatusCode(input.code);
  requireClerkStatus(code);
  const doc = await findOwnDocument(deps, principal, id);
  const own = checkClerkStatus(doc, code); // fail fast before signing
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
    const applied = applyClerkStatus(d, { code, at, message, ...(input.description ? { description: input.description } : {}) });
    removeBlobs = applied.removeBlobs;
    return applied.changes;
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
  checkRecall(doc);
  const message = await prepareStatusMessage(deps, { self: doc.agencyCode, selfName: doc.fromName, documentId: doc.documentId, statusCode: '13', description: input.reason, seq: doc.outgoing.length + 1 });
  const at = deps.now();
  return mutateDocument(deps, id, (d) => applyRecall(d, { at, reason: input.reason, message }));
}
