import type mongoose from 'mongoose';
import type { IdempotencyRecord, IdempotencyRepository } from '../../server/domain/ports/node/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { nodeModels } from './models.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';

function toRecord(d: Raw): IdempotencyRecord {
  return Object.freeze({
    scopeKey: String(d._id),
    requestHash: String(d.requestHash),
    documentId: String(d.documentId),
    state: d.state === 'completed' ? 'completed' : 'started',
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
  });
}

/** Idempotency keys in node_idempotency_keys; the scope key is the _id, so `begin` is one insert. */
export function createIdempotencyRepository(connection: mongoose.Connection): IdempotencyRepository {
  const { Idempotency: M } = nodeModels(connection);
  const withLock = createRecordLock(connection);
  return {
    async begin(record) {
      const raw = { _id: record.scopeKey, requestHash: record.requestHash, documentId: record.documentId, state: 'started', createdAt: record.createdAt, updatedAt: record.createdAt };
      try {
        await M.collection.insertOne(raw as Raw);
        return { created: true, record: toRecord(raw) };
      } catch (e) {
        if (!isDuplicateKeyError(e)) translateMongoError(e, 'idempotency key');
      }
      const d = await M.collection.findOne({ _id: record.scopeKey } as Raw);
      if (!d) throw new Error('idempotency record vanished');
      return { created: false, record: toRecord(d) };
    },
    async complete(scopeKey: string, now: Date): Promise<void> {
      await M.collection.updateOne({ _id: scopeKey } as Raw, { $set: { state: 'completed', updatedAt: now } }).catch((e) => translateMongoError(e));
    },
    async abandon(scopeKey: string): Promise<void> {
      await withLock(`idempotency:${scopeKey}`, () => M.collection.deleteOne({ _id: scopeKey, state: 'started' } as Raw)).catch((e) => translateMongoError(e));
    },
    async takeOver(scopeKey: string, staleBefore: Date, now: Date): Promise<boolean> {
      const r = await withLock(`idempotency:${scopeKey}`, () => M.collection.updateOne({ _id: scopeKey, state: 'started', updatedAt: { $lt: staleBefore } } as Raw, { $set: { updatedAt: now } })).catch((e) => translateMongoError(e));
      return r.modifiedCount === 1;
    },
  };
}
