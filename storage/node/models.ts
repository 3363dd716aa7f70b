import mongoose from 'mongoose';
import { modelOf } from '../model-of.js';

/**
 * The agency node's collections. Writes go through the native collection with plain objects (the ports'
 * shapes); the schemas are here to declare indexes, created at start by `ensureNodeIndexes`.
 * Shard keys (ARCHITECTURE.md): documents by agencyCode + _id, users by agencyCode.
 */
const loose = { versionKey: false, strict: false, minimize: false } as const;

const userSchema = new mongoose.Schema({ _id: String, agencyCode: String, username: String }, loose);
userSchema.index({ agencyCode: 1, username: 1 }, { unique: true });

const hostedAgencySchema = new mongoose.Schema({ _id: String }, loose);

const documentSchema = new mongoose.Schema({ _id: String, agencyCode: String, box: String, dedupKey: String }, loose);
documentSchema.index({ agencyCode: 1, dedupKey: 1 }, { unique: true });
documentSchema.index({ agencyCode: 1, box: 1, createdAt: -1 });
documentSchema.index({ agencyCode: 1, box: 1, documentId: 1 });
documentSchema.index({ dispatchDue: 1 });
// the queue's sweep filters on it (storage/node/document-repository.ts DISPATCH_PENDING_FIELD)
documentSchema.index({ dispatchPending: 1 });
documentSchema.index({ countPending: 1, updatedAt: 1 });

const idempotencySchema = new mongoose.Schema({ _id: String }, loose);
idempotencySchema.index({ createdAt: 1 });

const counterSchema = new mongoose.Schema({ _id: String, agencyCode: String, month: String }, loose);
counterSchema.index({ agencyCode: 1, month: 1 });
counterSchema.index({ month: 1, agencyCode: 1 });

const sealedSchema = new mongoose.Schema({ _id: String }, loose);

/** The dispatch queue (storage/node/dispatch-queue.ts): one entry per document with a due message, keyed by its id. */
const dispatchQueueSchema = new mongoose.Schema({ _id: String }, loose);
dispatchQueueSchema.index({ priority: 1, due: 1 });

export const NODE_COLLECTIONS = {
  users: 'node_users',
  hostedAgencies: 'node_hosted_agencies',
  documents: 'node_documents',
  idempotency: 'node_idempotency_keys',
  counters: 'node_monthly_counters',
  /** One collection per month, `node_rollup_sheets_YYYY_MM` (storage/node/rollup-repository.ts). */
  rollupSheetsPrefix: 'node_rollup_sheets_',
  /** One collection per year, `node_rollup_trends_YYYY` (storage/node/rollup-repository.ts). */
  rollupTrendsPrefix: 'node_rollup_trends_',
  sealed: 'node_sealed_items',
  locks: 'node_record_locks',
  dispatchQueue: 'node_dispatch_queue',
  filesBucket: 'node_files',
} as const;

/** The node models registered on one connection (never the global default connection). */
export function nodeModels(connection: mongoose.Connection) {
  return {
    User: modelOf(connection, 'NodeUser', userSchema, NODE_COLLECTIONS.users),
    HostedAgency: modelOf(connection, 'NodeHostedAgency', hostedAgencySchema, NODE_COLLECTIONS.hostedAgencies),
    Document: modelOf(connection, 'NodeDocument', documentSchema, NODE_COLLECTIONS.documents),
    Idempotency: modelOf(connection, 'NodeIdempotencyKey', idempotencySchema, NODE_COLLECTIONS.idempotency),
    Counter: modelOf(connection, 'NodeMonthlyCounter', counterSchema, NODE_COLLECTIONS.counters),
    Sealed: modelOf(connection, 'NodeSealedItem', sealedSchema, NODE_COLLECTIONS.sealed),
    DispatchQueue: modelOf(connection, 'NodeDispatchQueueEntry', dispatchQueueSchema, NODE_COLLECTIONS.dispatchQueue),
  };
}

/** Creates the node's declared indexes (idempotent; at start). */
export async function ensureNodeIndexes(connection: mongoose.Connection): Promise<void> {
  for (const model of Object.values(nodeModels(connection))) await model.createIndexes();
}
