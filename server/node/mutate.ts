import { DomainError } from '../domain/errors.js';
import type { DocumentChanges, NodeDocument } from '../domain/ports/node/index.js';
import type { NodeDeps } from './deps.js';

/**
 * Read → decide → one guarded write, retried when another writer moved the version in between (optimistic
 * concurrency; no transactions). `decide` returns the changes, or null to leave the document as it is; it may
 * throw (e.g. ERR_STATUS_TRANSITION) after seeing the fresh state.
 */
export async function mutateDocument(
  deps: Pick<NodeDeps, 'documents' | 'now'>,
  id: string,
  decide: (doc: NodeDocument) => Omit<DocumentChanges, 'updatedAt'> | null,
  attempts = 20,
): Promise<NodeDocument> {
  for (let i = 0; i < attempts; i++) {
    const doc = await deps.documents.findById(id);
    if (!doc) throw new DomainError('ERR_NOT_FOUND', 'document not found');
    const changes = decide(doc);
    if (!changes) return doc;
    const updated = await deps.documents.update(id, doc.version, { ...changes, updatedAt: deps.now() });
    if (updated) return updated;
  }
  throw new DomainError('ERR_CONFLICT', 'the document changed too often while updating it; try again');
}
