import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import type { TraceEntry, TraceLog } from '../../server/domain/ports/axis/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { axisModels } from './models.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

function toEntry(d: Raw): TraceEntry {
  return Object.freeze({
    seq: Number(d.seq),
    eventKey: String(d.eventKey),
    at: new Date(d.at),
    event: d.event,
    actor: d.actor as AgencyCode,
    docId: String(d.docId),
    ...(d.recipient ? { recipient: d.recipient as AgencyCode } : {}),
    details: Object.freeze({ ...(d.details ?? {}) }),
    prevHash: String(d.prevHash),
    hash: String(d.hash),
  });
}

/** The append-only trace (collection axis_trace): inserts only, never an update or a delete. */
export function createTraceRepository(connection: mongoose.Connection): TraceLog {
  const { Trace } = axisModels(connection);
  return {
    async last(): Promise<TraceEntry | null> {
      const d = await Trace.findOne({}).sort({ seq: -1 }).lean<Raw>().catch((e) => translateMongoError(e));
      return d ? toEntry(d) : null;
    },
    async insert(entry: TraceEntry): Promise<void> {
      try {
        await Trace.collection.insertOne({ ...entry, details: { ...entry.details } });
      } catch (e) {
        translateMongoError(e, 'trace entry');
      }
    },
    async findByEventKey(eventKey: string): Promise<TraceEntry | null> {
      const d = await Trace.findOne({ eventKey }).lean<Raw>().catch((e) => translateMongoError(e));
      return d ? toEntry(d) : null;
    },
    async listByDocId(docId: string): Promise<readonly TraceEntry[]> {
      const ds = await Trace.find({ docId }).sort({ seq: 1 }).lean<Raw[]>().catch((e) => translateMongoError(e));
      return ds.map(toEntry);
    },
    async listFrom(fromSeq: number, limit: number): Promise<readonly TraceEntry[]> {
      const ds = await Trace.find({ seq: { $gte: fromSeq } }).sort({ seq: 1 }).limit(limit).lean<Raw[]>().catch((e) => translateMongoError(e));
      return ds.map(toEntry);
    },
  };
}
