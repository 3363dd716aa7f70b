import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import type { DocumentBox, DocumentChanges, DocumentPage, DocumentQuery, DocumentRepository, Lease, NodeDocument, OutgoingMessage } from '../../server/domain/ports/node/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { createRecordLock, createVersionClaim } from '../record-lock.js';
import { createDispatchQueue } from './dispatch-queue.js';
import { NODE_COLLECTIONS, nodeModels } from './models.js';
import { after, bufferOf, bytesOf, type Raw } from './raw.js';

function leaseOf(l: Raw | null | undefined): Lease | null {
  return l ? Object.freeze({ owner: String(l.owner), until: new Date(l.until) }) : null;
}

function messageToRaw(m: OutgoingMessage): Raw {
  const { packageBytes, signatureBytes, ...rest } = m;
  return {
    ...rest,
    ...(packageBytes ? { packageBytes: bufferOf(packageBytes) } : {}),
    ...(signatureBytes ? { signatureBytes: bufferOf(signatureBytes) } : {}),
  };
}

function messageFromRaw(r: Raw): OutgoingMessage {
  const { packageBytes, signatureBytes, ...rest } = r;
  return Object.freeze({
    ...(rest as OutgoingMessage),
    nextAttemptAt: new Date(r.nextAttemptAt),
    createdAt: new Date(r.createdAt),
    ...(r.sentAt ? { sentAt: new Date(r.sentAt) } : {}),
    ...(packageBytes ? { packageBytes: bytesOf(packageBytes) } : {}),
    ...(signatureBytes ? { signatureBytes: bytesOf(signatureBytes) } : {}),
  });
}

/**
 * Stored beside `dispatchDue`, which it mirrors (`dispatchDue !== null`): FerretDB 1.x pushes an equality on a
 * boolean down to SQL (and an index serves it), but not `{dispatchDue: {$ne: null}}`, so the queue's sweep finds
 * the due documents by it without reading the whole collection. Storage's own field: never in a NodeDocument.
 */
export const DISPATCH_PENDING_FIELD = 'dispatchPending';

function toRaw(doc: Partial<NodeDocument>): Raw {
  const { id, outgoing, ...rest } = doc;
  return {
    ...(id !== undefined ? { _id: id } : {}),
    ...rest,
    ...(outgoing ? { outgoing: outgoing.map(messageToRaw) } : {}),
    ...(doc.dispatchDue !== undefined ? { [DISPATCH_PENDING_FIELD]: doc.dispatchDue !== null } : {}),
  };
}

function fromRaw(d: Raw): NodeDocument {
  const { _id, outgoing, ...rest } = d;
  delete rest[DISPATCH_PENDING_FIELD];
  return Object.freeze({
    ...(rest as NodeDocument),
    id: String(_id),
    outgoing: Object.freeze(((outgoing ?? []) as Raw[]).map(messageFromRaw)),
    dispatchDue: d.dispatchDue ? new Date(d.dispatchDue) : null,
    dispatchLease: leaseOf(d.dispatchLease),
    appliedDeliveries: d.appliedDeliveries ?? [],
    countPending: d.countPending === true,
    countedKeys: d.countedKeys ?? [],
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
  });
}

/**
 * How often a process repairs the dispatch queue from the documents (and at its first claim): only a crash
 * between an entry's write and the document's write leaves something to repair, since every entry write runs
 * under the entry's lock. Each sweep scans node_documents, so it stays rare.
 */
const QUEUE_SWEEP_MS = 60_000;
const MEMO_LIMIT = 10_000;

/**
 * Documents in node_documents. Every change is one findOneAndUpdate guarded by the version, under that
 * version's claim. Documents with a due message are also in the dispatch queue (storage/node/dispatch-queue.ts),
 * kept here from the `dispatchDue` each write sets, so the dispatcher never scans the documents.
 */
export function createDocumentRepository(connection: mongoose.Connection, options: { queueSweepMs?: number } = {}): DocumentRepository {
  const { Document: M, DispatchQueue: Q } = nodeModels(connection);
  const c = () => M.collection;
  // Every write of a document is guarded by its version and holds the claim on that version (storage/record-lock.ts).
  const withClaim = createVersionClaim(connection, NODE_COLLECTIONS.locks);
  const queue = createDispatchQueue(() => Q.collection, createRecordLock(connection, NODE_COLLECTIONS.locks));
  const sweepMs = options.queueSweepMs ?? QUEUE_SWEEP_MS;
  let sweptAt: number | undefined;
  // A document's dispatch priority never changes once stored: remembered from the copies read or written here.
  const priorities = new Map<string, number>();
  // Documents this repository leased (id → lease end), which its other claims skip without reading them.
  const leasedHere = new Map<string, number>();
  const remember = (d: NodeDocument): NodeDocument => {
    if (d.dispatchPriority !== undefined) {
      if (priorities.size >= MEMO_LIMIT) priorities.clear();
      priorities.set(d.id, d.dispatchPriority);
    }
    if (!d.dispatchLease) leasedHere.delete(d.id);
    return d;
  };
  const findById = async (id: string): Promise<NodeDocument | null> => {
    const d = await c()
      .findOne({ _id: id } as Raw)
      .catch((e) => translateMongoError(e));
    return d ? remember(fromRaw(d)) : null;
  };
  return {
    async insert(doc: NodeDocument): Promise<'inserted' | 'duplicate'> {
      try {
        await c().insertOne(toRaw(doc));
      } catch (e) {
        if (isDuplicateKeyError(e)) return 'duplicate';
        return translateMongoError(e, 'document');
      }
      // Queued after the insert, not before: a claim that finds an entry without its document drops it, so an
      // entry written ahead of the insert could be dropped by another process before the document exists (seen
      // in the three-process test: the document then waited for the sweep). A crash or a failed write between
      // the two leaves a due document without an entry, which the sweep queues (a restarted process sweeps at
      // its first claim).
      if (doc.dispatchDue) await queue.enqueue(doc.id, doc.dispatchDue, doc.version, doc.dispatchPriority).catch(() => undefined);
      return 'inserted';
    },
    findById,
    async findByDedupKey(agencyCode: AgencyCode, dedupKey: string): Promise<NodeDocument | null> {
      const d = await c()
        .findOne({ agencyCode, dedupKey })
        .catch((e) => translateMongoError(e));
      return d ? fromRaw(d) : null;
    },
    async findByDocumentId(agencyCode: AgencyCode, box: DocumentBox, documentId: string, from?: AgencyCode): Promise<NodeDocument | null> {
      const filter: Raw = { agencyCode, box, documentId };
      if (from) filter.from = from;
      const d = await c()
        .find(filter)
        .sort({ createdAt: -1 })
        .limit(1)
        .next()
        .catch((e) => translateMongoError(e));
      return d ? fromRaw(d) : null;
    },
    async list(q: DocumentQuery): Promise<DocumentPage> {
      const filter: Raw = { agencyCode: q.agencyCode, box: q.box };
      if (q.counterpart) filter[q.box === 'inbox' ? 'from' : 'to'] = q.counterpart;
      if (q.phase) filter['recipients.state.phase'] = q.phase;
      if (q.recalled !== undefined) filter.recalled = q.recalled;
      try {
        const items = await c().find(filter).sort({ createdAt: -1, _id: 1 }).skip(q.skip).limit(q.limit).toArray();
        // A short page is the last one: its total is known without a count.
        const total = items.length < q.limit && (items.length > 0 || q.skip === 0) ? q.skip + items.length : await c().countDocuments(filter);
        return { items: items.map(fromRaw), total };
      } catch (e) {
        return translateMongoError(e);
      }
    },
    async update(id: string, expectedVersion: number, changes: DocumentChanges): Promise<NodeDocument | null> {
      const due = changes.dispatchDue;
      const priority = priorities.get(id);
      // queued before the write that makes the document due; an entry for a write that does not land is dropped by a claim
      if (due) await queue.enqueue(id, due, expectedVersion + 1, priority);
      const written = await withClaim(`document:${id}`, expectedVersion, async () => {
        const d = await c()
          .findOneAndUpdate({ _id: id, version: expectedVersion } as Raw, { $set: toRaw(changes), $inc: { version: 1 } }, after)
          .catch((e) => translateMongoError(e));
        return d ? fromRaw(d) : null;
      });
      if (!written) return null;
      remember(written);
      if (due === null) await queue.drop(id, written.version);
      else if (due && priority === undefined && written.dispatchPriority !== undefined) await queue.prioritize(id, written.dispatchPriority);
      // a lease given back with something still due: due again from the document's own time (a claim elsewhere may have postponed it to the lease's end)
      else if (due === undefined && changes.dispatchLease === null && written.dispatchDue) await queue.enqueue(id, written.dispatchDue, written.version, written.dispatchPriority);
      return written;
    },
    async findCountPending(before: Date, limit: number): Promise<readonly string[]> {
      const found = await c()
        .find({ countPending: true, updatedAt: { $lt: before } }, { projection: { _id: 1 } })
        .sort({ updatedAt: 1 })
        .limit(limit)
        .toArray()
        .catch((e) => translateMongoError(e));
      return found.map((d) => String(d._id));
    },
    async listForRecount(month: string, afterId: string | null, limit: number): Promise<readonly NodeDocument[]> {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new TypeError('month must be YYYY-MM');
      // Candidates: a promulgation date in the month, or a creation within a day of it (refused packages
      // without a readable date count by arrival); the caller keeps those whose report month is `month`.
      const start = new Date(`${month}-01T00:00:00Z`);
      const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
      const day = 86_400_000;
      const found = await c()
        .find(
          {
            ...(afterId !== null ? { _id: { $gt: afterId } } : {}),
            $or: [{ 'metadata.promulgationDate': { $gte: `${month}-01`, $lte: `${month}-31` } }, { createdAt: { $gte: new Date(start.getTime() - day), $lt: new Date(end.getTime() + day) } }],
          } as Raw,
          { projection: { outgoing: 0 } },
        )
        .sort({ _id: 1 })
        .limit(limit)
        .toArray()
        .catch((e) => translateMongoError(e));
      return found.map(fromRaw);
    },
    async claimDue(now: Date, owner: string, leaseMs: number): Promise<NodeDocument | null> {
      if (sweptAt === undefined || Date.now() - sweptAt >= sweepMs) {
        sweptAt = Date.now();
        await queue.sweep(c()).catch(() => undefined); // the next sweep tries again
      }
      const at = now.getTime();
      if (leasedHere.size >= MEMO_LIMIT) leasedHere.clear();
      const free = { dispatchDue: { $lte: now }, $or: [{ dispatchLease: null }, { 'dispatchLease.until': { $lte: now } }] };
      for (const entry of await queue.due(now, 10)) {
        if ((leasedHere.get(entry.id) ?? 0) > at) continue; // this repository's own lease: another lane sends it
        const doc = await findById(entry.id);
        if (!doc) {
          await queue.drop(entry.id, Number.MAX_SAFE_INTEGER);
          continue;
        }
        if (!doc.dispatchDue) {
          await queue.drop(entry.id, doc.version);
          continue;
        }
        if (doc.dispatchDue.getTime() > at) {
          await queue.postpone(entry.id, doc.dispatchDue, doc.version);
          continue;
        }
        const lease = doc.dispatchLease;
        if (lease && lease.until.getTime() > at) {
          // leased elsewhere: looked at again when the lease runs out (its holder's next write queues it sooner)
          if (lease.owner !== owner) await queue.postpone(entry.id, lease.until, doc.version);
          continue;
        }
        const { id, version } = doc;
        const until = new Date(at + leaseMs);
        // A candidate another writer is moving on is skipped (no wait): the next one may be free.
        const d = await withClaim(`document:${id}`, version, () => c().findOneAndUpdate({ _id: id, version, ...free } as Raw, { $set: { dispatchLease: { owner, until } }, $inc: { version: 1 } }, after), { wait: false }).catch((e) =>
          translateMongoError(e),
        );
        if (d) {
          leasedHere.set(id, until.getTime());
          return remember(fromRaw(d));
        }
      }
      return null;
    },
  };
}
