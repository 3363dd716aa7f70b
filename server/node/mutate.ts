import { DomainError } from '../domain/errors.js';
import type { DocumentChanges, NodeDocument } from '../domain/ports/node/index.js';
import type { NodeDeps } from './deps.js';

/**
 * Read → decide → one guarded write, retried when another writer moved the version in between (optimistic
 * concurrency; no transactions). `decide` returns the changes, or null to leave the document as it is; it may
 * throw (e.g. ERR_STATUS_TRANSITION) after seeing the fresh state. `known`, a copy of the document the caller
 * holds, is decided on first instead of reading it again.
 */
export async function mutateDocument(deps: Pick<NodeDeps, 'documents' | 'now'>, id: string, decide: (doc: NodeDocument) => Omit<DocumentChanges, 'updatedAt'> | null, attempts = 20, known?: NodeDocument): Promise<NodeDocument> {
  for (let i = 0; i < attempts; i++) {
    // A copy the caller just read or wrote saves the first read; if it is stale the version guard refuses the
    // write and the next round reads the store.
    const doc = i === 0 && known?.id === id ? known : await deps.documents.findById(id);
    if (!doc) throw new DomainError('ERR_NOT_FOUND', 'document not found');
    const changes = decide(doc);
    if (!changes) return doc;
    const updated = await deps.documents.update(id, doc.version, { ...changes, updatedAt: deps.now() });
    if (updated) return updated;
  }
  throw new DomainError('ERR_CONFLICT', 'the document changed too often while updating it; try again');
}
