import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import type {
  DocumentBox, DocumentChanges, DocumentPage, DocumentQuery, DocumentRepository, Lease, NodeDocument, OutgoingMessage,
} from '../../server/domain/ports/node/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { createVersionClaim } from '../record-lock.js';
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

function toRaw(doc: Partial<NodeDocument>): Raw {
  const { id, outgoing, ...rest } = doc;
  return {
    ...(id !== undefined ? { _id: id } : {}),
    ...rest,
    ...(outgoing ? { outgoing: outgoing.map(messageToRaw) } : {}),
  };
}

function fromRaw(d: Raw): NodeDocument {
  const { _id, outgoing, ...rest } = d;
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

/** Documents in node_documents. Every change is one findOneAndUpdate guarded by the version, under that version's claim. */
export function createDocumentRepository(connection: mongoose.Connection): DocumentRepository {
  const { Document: M } = nodeModels(connection);
  const c = () => M.collection;
  // Every write of a document is guarded by its version and holds the claim on that version (storage/record-lock.ts).
  const withClaim = createVersionClaim(connection, NODE_COLLECTIONS.locks);
  return {
    async insert(doc: NodeDocument): Promise<'inserted' | 'duplicate'> {
      try {
        await c().insertOne(toRaw(doc));
        return 'inserted';
      } catch (e) {
        if (isDuplicateKeyError(e)) return 'duplicate';
        return translateMongoError(e, 'document');
      }
    },
    async findById(id: string): Promise<NodeDocument | null> {
      const d = await c().findOne({ _id: id } as Raw).catch((e) => translateMongoError(e));
      return d ? fromRaw(d) : null;
    },
    async findByDedupKey(agencyCode: AgencyCode, dedupKey: string): Promise<NodeDocument | null> {
      const d = await c().findOne({ agencyCode, dedupKey }).catch((e) => translateMongoError(e));
      return d ? fromRaw(d) : null;
    },
    async findByDocumentId(agencyCode: AgencyCode, box: DocumentBox, documentId: string, from?: AgencyCode): Promise<NodeDocument | null> {
      const filter: Raw = { agencyCode, box, documentId };
      if (from) filter.from = from;
      const d = await c().find(filter).sort({ createdAt: -1 }).limit(1).next().catch((e) => translateMongoError(e));
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
      return withClaim(`document:${id}`, expectedVersion, async () => {
        const d = await c()
          .findOneAndUpdate({ _id: id, version: expectedVersion } as Raw, { $set: toRaw(changes), $inc: { version: 1 } }, after)
          .catch((e) => translateMongoError(e));
        return d ? fromRaw(d) : null;
      });
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
            $or: [
              { 'metadata.promulgationDate': { $gte: `${month}-01`, $lte: `${month}-31` } },
              { createdAt: { $gte: new Date(start.getTime() - day), $lt: new Date(end.getTime() + day) } },
            ],
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
      const free = { dispatchDue: { $lte: now }, $or: [{ dispatchLease: null }, { 'dispatchLease.until': { $lte: now } }] };
      const candidates = await c().find(free, { projection: { _id: 1, version: 1 } }).sort({ dispatchPriority: 1, dispatchDue: 1 }).limit(10).toArray().catch((e) => translateMongoError(e));
      for (const { _id, version } of candidates) {
        // A candidate another writer is moving on is skipped (no wait): the next one may be free.
        const d = await withClaim(
          `document:${String(_id)}`,
          Number(version),
          () => c().findOneAndUpdate({ _id, version, ...free } as Raw, { $set: { dispatchLease: { owner, until: new Date(now.getTime() + leaseMs) } }, $inc: { version: 1 } }, after),
          { wait: false },
        ).catch((e) => translateMongoError(e));
        if (d) return fromRaw(d);
      }
      return null;
    },
  };
}
