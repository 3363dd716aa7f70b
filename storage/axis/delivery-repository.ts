import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import type { DeliveryPage, DeliveryQueue, DeliveryRecord, NewDelivery, StatusCode } from '../../server/domain/ports/axis/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { createRecordLock } from '../record-lock.js';
import { axisModels } from './models.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

function toRecord(d: Raw): DeliveryRecord {
  return Object.freeze({
    docId: String(d.docId),
    recipient: d.recipient as AgencyCode,
    sender: d.sender as AgencyCode,
    type: d.type === 'status' ? 'status' : 'edoc',
    documentId: String(d.documentId),
    ...(d.statusCode ? { statusCode: d.statusCode as StatusCode } : {}),
    sha256: String(d.sha256),
    size: Number(d.size),
    state: d.state,
    version: Number(d.version),
    downloads: Number(d.downloads),
    submittedAt: new Date(d.submittedAt),
    ...(d.lastDownloadedAt ? { lastDownloadedAt: new Date(d.lastDownloadedAt) } : {}),
    ...(d.acknowledgedAt ? { acknowledgedAt: new Date(d.acknowledgedAt) } : {}),
    ...(typeof d.ackReason === 'string' ? { ackReason: d.ackReason } : {}),
  });
}

/** One delivery per (recipient, docId) in collection axis_deliveries; the recipient is the shard key. */
export function createDeliveryRepository(connection: mongoose.Connection): DeliveryQueue {
  const { Delivery } = axisModels(connection);
  const withLock = createRecordLock(connection, 'axis_record_locks');
  const after = { returnDocument: 'after' as const, includeResultMetadata: false };
  return {
    async ensure(deliveries: readonly NewDelivery[]): Promise<void> {
      for (const d of deliveries) {
        try {
          await Delivery.collection.insertOne({ ...d, state: 'pending', version: 1, downloads: 0 });
        } catch (e) {
          if (isDuplicateKeyError(e)) continue; // already queued (a repaired resend)
          translateMongoError(e, 'delivery');
        }
      }
    },

    async list(query): Promise<DeliveryPage> {
      const filter: Raw = { recipient: query.recipient, state: query.state };
      if (query.type) filter.type = query.type;
      try {
        const items = await Delivery.find(filter).sort({ submittedAt: 1, docId: 1 }).skip(query.skip).limit(query.limit).lean<Raw[]>();
        // A short page is the last one: its total is known without a count (an idle poll is one query).
        const total = items.length < query.limit && (items.length > 0 || query.skip === 0) ? query.skip + items.length : await Delivery.countDocuments(filter);
        return { items: items.map(toRecord), total };
      } catch (e) {
        return translateMongoError(e);
      }
    },

    async listSent(query): Promise<DeliveryPage> {
      const filter: Raw = { sender: query.sender };
      if (query.type) filter.type = query.type;
      if (query.docId) filter.docId = query.docId;
      try {
        const items = await Delivery.find(filter).sort({ submittedAt: -1, docId: 1, recipient: 1 }).skip(query.skip).limit(query.limit).lean<Raw[]>();
        const total = items.length < query.limit && (items.length > 0 || query.skip === 0) ? query.skip + items.length : await Delivery.countDocuments(filter);
        return { items: items.map(toRecord), total };
      } catch (e) {
        return translateMongoError(e);
      }
    },

    async find(docId: string, recipient: AgencyCode): Promise<DeliveryRecord | null> {
      const d = await Delivery.findOne({ recipient, docId }).lean<Raw>().catch((e) => translateMongoError(e));
      return d ? toRecord(d) : null;
    },

    async recordDownload(docId: string, recipient: AgencyCode, at: Date): Promise<DeliveryRecord | null> {
      try {
        const d = await withLock(`delivery:${recipient}:${docId}`, () =>
          Delivery.collection.findOneAndUpdate({ recipient, docId }, { $inc: { downloads: 1 }, $set: { lastDownloadedAt: at } }, after),
        );
        return d ? toRecord(d) : null;
      } catch (e) {
        return translateMongoError(e);
      }
    },

    async acknowledge(docId: string, recipient: AgencyCode, to: 'done' | 'fail', at: Date, reason?: string): Promise<DeliveryRecord | null> {
      const set: Raw = { state: to, acknowledgedAt: at };
      if (reason !== undefined) set.ackReason = reason;
      try {
        // FerretDB 1.24 runs findAndModify as read-then-write: the lock keeps the pending guard exact.
        const d = await withLock(`delivery:${recipient}:${docId}`, () =>
          Delivery.collection.findOneAndUpdate({ recipient, docId, state: 'pending' }, { $set: set, $inc: { version: 1 } }, after),
        );
        return d ? toRecord(d) : null;
      } catch (e) {
        return translateMongoError(e);
      }
    },
    async listSubmittedBetween(query): Promise<readonly DeliveryRecord[]> {
      try {
        const items = await Delivery.find({ type: query.type, submittedAt: { $gte: query.from, $lt: query.to } })
          .sort({ submittedAt: 1, recipient: 1, docId: 1 }).skip(query.skip).limit(query.limit).lean<Raw[]>();
        return items.map(toRecord);
      } catch (e) {
        return translateMongoError(e);
      }
    },

    async listStatusesAbout(documentIds: readonly string[], codes: readonly StatusCode[]): Promise<readonly DeliveryRecord[]> {
      if (documentIds.length === 0 || codes.length === 0) return [];
      try {
        const items = await Delivery.find({ documentId: { $in: [...documentIds] }, type: 'status', statusCode: { $in: [...codes] } }).sort({ submittedAt: 1, docId: 1 }).lean<Raw[]>();
        return items.map(toRecord);
      } catch (e) {
        return translateMongoError(e);
      }
    },
  };
}
