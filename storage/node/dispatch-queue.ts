import type mongoose from 'mongoose';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import type { WithLock } from '../record-lock.js';
import type { Raw } from './raw.js';

type Collection = ReturnType<mongoose.Connection['collection']>;

/**
 * The dispatch queue (collection node_dispatch_queue): one entry per document with a due message, keyed by
 * the document's id, `{ _id, due, priority, version }`. It holds only due work, so the dispatcher's scan costs
 * O(pending), not O(history): FerretDB 1.x on SQLite filters everything but `_id` in Go over every row, and
 * node_documents keeps every document ever exchanged.
 *
 * The document stays the truth (its `dispatchDue` and `dispatchLease`); an entry only says "look at this
 * document from `due` on". So an entry is written BEFORE an update that makes the document due (a crash in
 * between leaves an entry pointing at a document that is not due, which the next claim drops), but AFTER the
 * insert of a new document (a claim drops an entry whose document does not exist), and
 * deleted only AFTER a write that left the document with nothing due, guarded by the version that write
 * made (`version` grows with `$max`, so a writer that queued the document again meanwhile keeps its entry).
 *
 * Every write of an entry runs under the entry's record lock (`withLock`, storage/record-lock.ts): FerretDB
 * 1.x runs a guarded delete or update as read-then-write, so without it a drop guarded by version v could
 * delete the entry a concurrent writer had just queued at v+1, and the document would wait for the sweep.
 * On MongoDB the lock is skipped (its single-document writes are atomic). The sweep stays as the repair of
 * what a crash between the entry's write and the document's write leaves: at the first claim of a process
 * and then every `sweepMs` it scans the documents once and queues any due one that has no entry, or whose
 * entry is due later than the document.
 */
export interface DispatchQueue {
  /** Queues `id` from `due` on, before the write that makes the document due (`version`: the version that write makes). */
  enqueue(id: string, due: Date, version: number, priority?: number): Promise<void>;
  /** Moves an entry's `due` (no-op when it is gone or a later write queued it again). */
  postpone(id: string, due: Date, version: number): Promise<void>;
  /** Sets the priority of an entry queued before the document's priority was known here. */
  prioritize(id: string, priority: number): Promise<void>;
  /** Drops the entry unless a write after `version` queued the document again. */
  drop(id: string, version: number): Promise<void>;
  /** Entries due by `now`, most urgent first (priority, then due). */
  due(now: Date, limit: number): Promise<readonly { readonly id: string; readonly due: Date }[]>;
  /** Queues the due documents that have no entry (or an entry due later than the document); returns how many. */
  sweep(documents: Collection): Promise<number>;
}

/** Legacy documents (before priorities existed) sort first, as in the document scan they replace. */
const LEGACY_PRIORITY = -1;

export function createDispatchQueue(queue: () => Collection, withLock: WithLock): DispatchQueue {
  const fail = (e: unknown): never => translateMongoError(e);
  const locked = <T>(id: string, fn: () => Promise<T>) => withLock(`queue:${id}`, fn);
  let swept = false;
  return {
    async enqueue(id, due, version, priority) {
      await locked(id, () =>
        queue()
          .updateOne({ _id: id } as Raw, priority !== undefined ? { $set: { due, priority }, $max: { version } } : { $set: { due }, $max: { version }, $setOnInsert: { priority: LEGACY_PRIORITY } }, { upsert: true })
          .catch(async (e) => {
            // two upserts of a new entry at once: one inserted, the other's insert is a duplicate; its update now finds the entry
            if (!isDuplicateKeyError(e)) return fail(e);
            await queue()
              .updateOne({ _id: id } as Raw, { $set: { due }, $max: { version } })
              .catch(fail);
          }),
      );
    },
    async postpone(id, due, version) {
      await locked(id, () =>
        queue()
          .updateOne({ _id: id, version: { $lte: version } } as Raw, { $set: { due } })
          .catch(fail),
      );
    },
    async prioritize(id, priority) {
      await locked(id, () =>
        queue()
          .updateOne({ _id: id } as Raw, { $set: { priority } })
          .catch(fail),
      );
    },
    async drop(id, version) {
      await locked(id, () =>
        queue()
          .deleteOne({ _id: id, version: { $lte: version } } as Raw)
          .catch(fail),
      );
    },
    async due(now, limit) {
      const found = await queue()
        .find({ due: { $lte: now } })
        .sort({ priority: 1, due: 1 })
        .limit(limit)
        .toArray()
        .catch(fail);
      return found.map((e) => ({ id: String(e._id), due: new Date(e.due) }));
    },
    async sweep(documents) {
      // The first sweep of a process reads every document with a dispatchDue, as documents stored before the
      // dispatchPending flag have none; later sweeps find the due ones by the flag (see document-repository.ts).
      const filter: Raw = swept ? { dispatchPending: true } : { dispatchDue: { $ne: null } };
      const [found, entries] = await Promise.all([documents.find(filter, { projection: { _id: 1, dispatchDue: 1, dispatchPriority: 1, version: 1 } }).toArray(), queue().find({}).toArray()]).catch(fail);
      swept = true;
      const due = found.filter((d) => d.dispatchDue);
      const known = new Map(entries.map((e) => [String(e._id), new Date(e.due).getTime()]));
      let repaired = 0;
      for (const d of due) {
        const at = new Date(d.dispatchDue);
        const entry = known.get(String(d._id));
        if (entry !== undefined && entry <= at.getTime()) continue;
        const id = String(d._id);
        await locked(id, () => queue().updateOne({ _id: id } as Raw, { $set: { due: at, priority: typeof d.dispatchPriority === 'number' ? d.dispatchPriority : LEGACY_PRIORITY }, $max: { version: Number(d.version) } }, { upsert: true })).catch(
          () => undefined,
        ); // the next sweep tries again
        repaired++;
      }
      return repaired;
    },
  };
}
