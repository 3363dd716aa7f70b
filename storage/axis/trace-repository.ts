import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import type { TraceEntry, TraceLog } from '../../server/domain/ports/axis/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { AXIS_COLLECTIONS, axisModels } from './models.js';

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

/** The head is moved every this many entries: a cold last() walks at most about as many `_id` lookups. */
const HEAD_EVERY = 16;

/**
 * The append-only trace (collection axis_trace): inserts only, never an update or a delete. An entry's `_id`
 * is its seq, so the end of the chain is found by `_id` lookups: a head document (axis_trace_head) remembers
 * the newest seq it was told of, and `last()` walks forward from it to the first missing seq. The head may lag
 * (a crash or a race between the insert and its update); the walk makes that harmless. Without the head, no
 * query on the chain end would avoid a scan on FerretDB 1.x, where only `_id` lookups are indexed. The head
 * moves every HEAD_EVERY entries, and a warm process walks from the newest entry it wrote or read (its tail
 * hint), so an append of this process costs one insert.
 */
export function createTraceRepository(connection: mongoose.Connection): TraceLog {
  const { Trace } = axisModels(connection);
  const entries = () => Trace.collection;
  const head = () => Trace.db.collection<{ _id: string; seq: number }>(AXIS_COLLECTIONS.traceHead);
  const bySeq = async (seq: number): Promise<Raw | null> => {
    // entries written before seq became the _id are found by their seq field (a scan; old databases only)
    return (await entries().findOne({ _id: seq } as Raw)) ?? (await entries().findOne({ seq } as Raw));
  };
  /** Moves the head forward to `seq` (never back). */
  const noteHead = async (seq: number): Promise<void> => {
    // One write: moves an older head, creates a missing one, and fails as a duplicate when the head is ahead.
    await head()
      .updateOne({ _id: 'head', seq: { $lt: seq } }, { $set: { seq } }, { upsert: true })
      .catch((e) => (isDuplicateKeyError(e) ? undefined : Promise.reject(e)));
  };
  /** The newest entry this process wrote or read (see TraceLog.tailHint): where last() starts its walk. */
  let known: TraceEntry | null = null;
  const remember = (e: TraceEntry): TraceEntry => {
    if (!known || e.seq > known.seq) known = e;
    return e;
  };
  return {
    async last(): Promise<TraceEntry | null> {
      try {
        let h: { seq: number } | null = null;
        let start: Raw | TraceEntry | null = known;
        if (!start) {
          h = await head().findOne({ _id: 'head' });
          start = (h ? await bySeq(h.seq) : null) ?? (await Trace.findOne({}).sort({ seq: -1 }).lean<Raw>());
        }
        if (!start) return null;
        const from = Number(start.seq);
        let current: Raw | TraceEntry = start;
        for (;;) {
          const next: Raw | null = await entries().findOne({ _id: Number(current.seq) + 1 } as Raw);
          if (!next) break;
          current = next;
        }
        const seq = Number(current.seq);
        // A cold start notes a lagging head; a warm one only after a long walk (other processes' entries).
        if (known === null ? !h || h.seq < seq : seq - from >= HEAD_EVERY) await noteHead(seq);
        return remember(current === known ? known : toEntry(current as Raw));
      } catch (e) {
        return translateMongoError(e);
      }
    },
    tailHint: () => known,
    async insert(entry: TraceEntry): Promise<void> {
      try {
        await entries().insertOne({ _id: entry.seq, ...entry, details: { ...entry.details } } as Raw);
      } catch (e) {
        translateMongoError(e, 'trace entry');
      }
      remember(entry);
      // a hint only, moved every HEAD_EVERY entries: last() walks past a stale head
      if (entry.seq % HEAD_EVERY === 0) await noteHead(entry.seq).catch(() => undefined);
    },
    async findByEventKey(eventKey: string): Promise<TraceEntry | null> {
      const d = await Trace.findOne({ eventKey })
        .lean<Raw>()
        .catch((e) => translateMongoError(e));
      return d ? toEntry(d) : null;
    },
    async listByDocId(docId: string): Promise<readonly TraceEntry[]> {
      const ds = await Trace.find({ docId })
        .sort({ seq: 1 })
        .lean<Raw[]>()
        .catch((e) => translateMongoError(e));
      return ds.map(toEntry);
    },
    async listFrom(fromSeq: number, limit: number): Promise<readonly TraceEntry[]> {
      const ds = await Trace.find({ seq: { $gte: fromSeq } })
        .sort({ seq: 1 })
        .limit(limit)
        .lean<Raw[]>()
        .catch((e) => translateMongoError(e));
      return ds.map(toEntry);
    },
  };
}
