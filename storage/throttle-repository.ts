import type mongoose from 'mongoose';
import { DomainError } from '../server/domain/errors.js';
import type { ThrottleEntry, ThrottleStore } from '../server/domain/ports/throttle-store.js';
import { isDuplicateKeyError, translateMongoError } from './mongo-errors.js';
import { createRecordLock } from './record-lock.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = { _id: string } & Record<string, any>;

/** At most one pruning pass (one deleteMany) per this many ms of the caller's clock. */
const PRUNE_EVERY_MS = 60_000;
/** An entry with no failure for this long is deleted by the pruning pass (the longest forget window in use). */
const KEEP_MS = 24 * 60 * 60_000;
const MAX_ROUNDS = 20;

export interface ThrottleCollections {
  /** The failure entries, one per key, `_id` = the key. */
  readonly entries: string;
  /** The record-lock collection the role's repositories already use. */
  readonly locks: string;
}

/**
 * Failed attempts counted in the database, so a lockout holds across every process of a cluster (issue 10 §5):
 * one entry per key (`account:…`, `address:…`), read by `_id`.
 *
 * A failure is a compare-and-swap on the entry as read (its `failures` and `lastFailureAt`), retried when another
 * process moved it first. On MongoDB the single-document update makes that exact; FerretDB 1.24 runs updates as
 * read-then-write (see storage/record-lock.ts), so there the swap runs inside the record lock of the key. The
 * first failure of a key is an insert of its `_id`: two at once give one insert and one retry. Entries idle for a
 * day are deleted, at most once a minute, by the process that records a failure.
 */
export function createThrottleRepository(connection: mongoose.Connection, names: ThrottleCollections): ThrottleStore {
  const withLock = createRecordLock(connection, names.locks);
  const entries = () => {
    const db = connection.db;
    if (!db) throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'database not connected');
    return db.collection<Raw>(names.entries);
  };
  let prunedAt = Number.NEGATIVE_INFINITY;
  const read = async (key: string): Promise<ThrottleEntry | null> => {
    const doc = await entries()
      .findOne({ _id: key })
      .catch((e) => translateMongoError(e, 'throttle'));
    return doc ? { failures: doc.failures, lastFailureAt: doc.lastFailureAt, lockedUntil: doc.lockedUntil } : null;
  };
  const prune = async (now: number) => {
    if (now - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = now;
    await entries()
      .deleteMany({ lastFailureAt: { $lt: now - KEEP_MS } })
      .catch((e) => translateMongoError(e, 'throttle'));
  };
  return {
    get: read,
    async recordFailure(key, now, forgetAfterMs, lockFor) {
      await prune(now);
      return withLock(`throttle:${key}`, async () => {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const old = await read(key);
          const failures = old && now - old.lastFailureAt < forgetAfterMs ? old.failures + 1 : 1;
          const entry: ThrottleEntry = { failures, lastFailureAt: Math.max(now, old?.lastFailureAt ?? now), lockedUntil: now + lockFor(failures) };
          if (!old) {
            try {
              await entries().insertOne({ _id: key, ...entry });
              return entry;
            } catch (e) {
              if (isDuplicateKeyError(e)) continue;
              translateMongoError(e, 'throttle');
            }
          }
          const swapped = await entries()
            .updateOne({ _id: key, failures: old!.failures, lastFailureAt: old!.lastFailureAt }, { $set: entry })
            .catch((e) => translateMongoError(e, 'throttle'));
          if (swapped.modifiedCount === 1) return entry;
        }
        throw new DomainError('ERR_CONFLICT', 'throttle entry busy; try again', { details: { reason: 'THROTTLE_CONTENDED' } });
      });
    },
    async reset(key) {
      await entries()
        .deleteOne({ _id: key })
        .catch((e) => translateMongoError(e, 'throttle'));
    },
  };
}
