import type { DocumentRepository, NodeDocument } from '../domain/ports/node/index.js';

/**
 * The document repository, calling `wake` after a write that leaves a document due now and not leased (a
 * document stored, a status appended, a failed message retried): the dispatcher runs at once instead of at
 * its next tick, which stays as the fallback. The dispatcher's own writes under its lease wake nothing.
 */
export function wakeOnDue(documents: DocumentRepository, wake: () => void, now: () => Date): DocumentRepository {
  const check = (d: NodeDocument | null): void => {
    if (!d?.dispatchDue) return;
    const at = now().getTime();
    if (d.dispatchDue.getTime() <= at && !(d.dispatchLease && d.dispatchLease.until.getTime() > at)) wake();
  };
  return {
    ...documents,
    async insert(doc) {
      const r = await documents.insert(doc);
      if (r === 'inserted') check(doc);
      return r;
    },
    async update(id, expectedVersion, changes) {
      const d = await documents.update(id, expectedVersion, changes);
      if (changes.dispatchDue !== undefined) check(d);
      return d;
    },
  };
}
