import { randomBytes } from 'node:crypto';
import type mongoose from 'mongoose';
import { DomainError } from '../server/domain/errors.js';
import { isDuplicateKeyError, translateMongoError } from './mongo-errors.js';
import { serverKindOf } from './server-kind.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

export type WithLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

const LOCK_MS = 10_000;
const MAX_WAIT_MS = 15_000;

/**
 * A short per-record lock built on the one primitive every supported server makes atomic: inserting a
 * unique _id. FerretDB 1.24 runs update/findAndModify as read-then-write without a transaction (FerretDB
 * issue #3040): concurrent `$inc` lose increments and two version-guarded writes can both "win" (measured:
 * 20 concurrent $inc → 7; 20 guarded findOneAndUpdate → 2 winners). Every guarded write of the node's
 * repositories (node and axis) runs inside this lock, so the guard holds on MongoDB and FerretDB alike. A lock left by a
 * crashed process expires after 10 s.
 *
 * On MongoDB itself a single-document update is atomic, so there the lock is skipped (three commands become
 * one): the server's kind is asked once at connect (storage/server-kind.ts); a server that did not say counts
 * as one that needs the lock.
 */
export function createRecordLock(connection: mongoose.Connection, collectionName: string): WithLock {
  const locks = () => {
    const db = connection.db;
    if (!db) throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'database not connected');
    return db.collection(collectionName);
  };
  return async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (serverKindOf(connection) === 'mongodb') return fn();
    const owner = randomBytes(9).toString('base64url');
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await locks().insertOne({ _id: key, owner, until: new Date(Date.now() + LOCK_MS) } as Raw);
        break;
      } catch (e) {
        if (!isDuplicateKeyError(e)) translateMongoError(e, 'lock');
      }
      const held = await locks().findOne({ _id: key } as Raw).catch((e) => translateMongoError(e));
      if (held && new Date(held.until).getTime() < Date.now()) {
        await locks().deleteOne({ _id: key, owner: held.owner } as Raw).catch((e) => translateMongoError(e));
        continue;
      }
      if (Date.now() - started > MAX_WAIT_MS) throw new DomainError('ERR_CONFLICT', 'record busy; try again', { details: { reason: 'LOCK_TIMEOUT' } });
      await new Promise((r) => setTimeout(r, Math.min(50, 2 + attempt * 2) * (0.5 + Math.random())));
    }
    try {
      return await fn();
    } finally {
      await locks().deleteOne({ _id: key, owner } as Raw).catch(() => undefined);
    }
  };
}
