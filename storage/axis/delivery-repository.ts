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

/** A delivery's _id: recipient and docId (deliveries made before this key have an ObjectId and are found by both fields). */
const keyOf = (recipient: AgencyCode, docId: string) => `${recipient}|${docId}`;

/**
 * One delivery per (recipient, docId) in collection axis_deliveries; the recipient is the shard key. While a
 * delivery is pending a copy of it sits in axis_pending_deliveries under the same key: written after the
 * delivery (so whatever a poll lists can be downloaded), refreshed after each download, removed after the
 * acknowledgement, so a recipient's poll (list pending) reads only that small collection and a download or
 * acknowledgement finds the delivery by _id. A copy a crash left behind is removed by the next
 * acknowledgement; a pending delivery without its copy (a crash between the two writes, or made before the
 * copies existed) is copied by the submission's repair or at the first pending list of a process.
 */
export function createDeliveryRepository(connection: mongoose.Connection): DeliveryQueue {
  const { Delivery, PendingDelivery: Pending } = axisModels(connection);
  const withLock = createRecordLock(connection, 'axis_record_locks');
  const after = { returnDocument: 'after' as const, includeResultMetadata: false };
  let migrated: Promise<void> | undefined;
  const copyLegacyPending = async () => {
    const legacy = await Delivery.collection.find({ state: 'pending' }).toArray();
    for (const d of legacy) {
      const _id = keyOf(d.recipient, d.docId);
      await Pending.collection.insertOne({ ...d, _id } as Raw).catch((e) => (isDuplicateKeyError(e) ? undefined : translateMongoError(e)));
    }
  };
  /** The delivery by its key, or (made before keys) by its fields. */
  const findOne = async (recipient: AgencyCode, docId: string): Promise<Raw | null> => (await Delivery.collection.findOne({ _id: keyOf(recipient, docId) } as Raw)) ?? Delivery.collection.findOne({ recipient, docId });
  /** A guarded single-document update, by key first. */
  const updateOne = async (recipient: AgencyCode, docId: string, guard: Raw, update: Raw): Promise<Raw | null> =>
    (await Delivery.collection.findOneAndUpdate({ _id: keyOf(recipient, docId), ...guard } as Raw, update, after)) ??
    ((await Delivery.collection.findOne({ _id: keyOf(recipient, docId) } as Raw, { projection: { _id: 1 } })) ? null : Delivery.collection.findOneAndUpdate({ recipient, docId, ...guard }, update, after));
  return {
    async ensure(deliveries: readonly NewDelivery[]): Promise<void> {
      for (const d of deliveries) {
        const record = { _id: keyOf(d.recipient, d.docId), ...d, state: 'pending', version: 1, downloads: 0 } as Raw;
        let pending: Raw = record;
        try {
          // The delivery first, its copy after: a recipient's poll lists the copies, and a copy written ahead of
          // its delivery was listed, downloaded (404: no delivery yet) and refused by a receiver (seen under load
          // in the three-process test). A crash in between leaves a delivery without its copy, which the
          // submission's repair (a resend) or a process's first pending list copies.
          await Delivery.collection.insertOne(record);
        } catch (e) {
          if (!isDuplicateKeyError(e)) translateMongoError(e, 'delivery');
          // already queued (a repaired resend): a delivery no longer pending has no copy; one still pending keeps (or gets back) its copy
          const existing = await findOne(d.recipient, d.docId).catch((e2) => translateMongoError(e2));
          if (!existing || existing.state !== 'pending') {
            await Pending.collection.deleteOne({ _id: record._id }).catch(() => undefined);
            continue;
          }
          pending = { ...existing, _id: record._id };
        }
        await Pending.collection.insertOne(pending).catch((e) => (isDuplicateKeyError(e) ? undefined : translateMongoError(e, 'delivery')));
      }
    },

    async list(query): Promise<DeliveryPage> {
      const pending = query.state === 'pending';
      const filter: Raw = { recipient: query.recipient, ...(pending ? {} : { state: query.state }) };
      if (query.type) filter.type = query.type;
      const from = pending ? Pending : Delivery;
      try {
        if (pending)
          await (migrated ??= copyLegacyPending().catch((e) => {
            migrated = undefined;
            throw e;
          }));
        const items = await from.collection.find(filter).sort({ submittedAt: 1, docId: 1 }).skip(query.skip).limit(query.limit).toArray();
        // A short page is the last one: its total is known without a count (an idle poll is one query).
        const total = items.length < query.limit && (items.length > 0 || query.skip === 0) ? query.skip + items.length : await from.collection.countDocuments(filter);
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
      const d = await findOne(recipient, docId).catch((e) => translateMongoError(e));
      return d ? toRecord(d) : null;
    },

    async recordDownload(docId: string, recipient: AgencyCode, at: Date): Promise<DeliveryRecord | null> {
      try {
        const d = await withLock(`delivery:${recipient}:${docId}`, async () => {
          const counted = await updateOne(recipient, docId, {}, { $inc: { downloads: 1 }, $set: { lastDownloadedAt: at } });
          // the copy the poll reads follows (the poller's backoff counts the downloads)
          if (counted?.state === 'pending') await Pending.collection.updateOne({ _id: keyOf(recipient, docId) } as Raw, { $set: { downloads: counted.downloads, lastDownloadedAt: at } });
          return counted;
        });
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
        const d = await withLock(`delivery:${recipient}:${docId}`, () => updateOne(recipient, docId, { state: 'pending' }, { $set: set, $inc: { version: 1 } }));
        // no longer pending (now, or already: a copy a crash left behind goes too)
        await Pending.collection.deleteOne({ _id: keyOf(recipient, docId) } as Raw);
        return d ? toRecord(d) : null;
      } catch (e) {
        return translateMongoError(e);
      }
    },
    async listSubmittedBetween(query): Promise<readonly DeliveryRecord[]> {
      try {
        const items = await Delivery.find({ type: query.type, submittedAt: { $gte: query.from, $lt: query.to } })
          .sort({ submittedAt: 1, recipient: 1, docId: 1 })
          .skip(query.skip)
          .limit(query.limit)
          .lean<Raw[]>();
        return items.map(toRecord);
      } catch (e) {
        return translateMongoError(e);
      }
    },

    async listStatusesAbout(documentIds: readonly string[], codes: readonly StatusCode[]): Promise<readonly DeliveryRecord[]> {
      if (documentIds.length === 0 || codes.length === 0) return [];
      try {
        const items = await Delivery.find({ documentId: { $in: [...documentIds] }, type: 'status', statusCode: { $in: [...codes] } })
          .sort({ submittedAt: 1, docId: 1 })
          .lean<Raw[]>();
        return items.map(toRecord);
      } catch (e) {
        return translateMongoError(e);
      }
    },

    async listEdocsAboutSince(documentIds: readonly string[], from: Date): Promise<readonly DeliveryRecord[]> {
      if (documentIds.length === 0) return [];
      try {
        const items = await Delivery.find({ documentId: { $in: [...documentIds] }, type: 'edoc', submittedAt: { $gte: from } })
          .sort({ submittedAt: 1, docId: 1 })
          .lean<Raw[]>();
        return items.map(toRecord);
      } catch (e) {
        return translateMongoError(e);
      }
    },
  };
}
