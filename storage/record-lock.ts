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
      const held = await locks()
        .findOne({ _id: key } as Raw)
        .catch((e) => translateMongoError(e));
      if (held && new Date(held.until).getTime() < Date.now()) {
        await locks()
          .deleteOne({ _id: key, owner: held.owner } as Raw)
          .catch((e) => translateMongoError(e));
        continue;
      }
      if (Date.now() - started > MAX_WAIT_MS) throw new DomainError('ERR_CONFLICT', 'record busy; try again', { details: { reason: 'LOCK_TIMEOUT' } });
      await new Promise((r) => setTimeout(r, Math.min(50, 2 + attempt * 2) * (0.5 + Math.random())));
    }
    try {
      return await fn();
    } finally {
      await locks()
        .deleteOne({ _id: key, owner } as Raw)
        .catch(() => undefined);
    }
  };
}

/**
 * Runs a write guarded by `version` (the record's version the caller read) holding a claim on that version.
 * The claim is an insert of `<key>@<version>` (a unique _id, the primitive FerretDB 1.24 makes atomic): only
 * one writer ever moves a record on from a given version, so the version guard holds although the server
 * runs the write as read-then-write (see {@link createRecordLock}). Two commands instead of the lock's three:
 * the claim of a write that landed is dead (the version moved on) and is deleted later, with others, in one
 * command; a write that did not land gives its claim back at once. A live claim of another writer means the
 * caller's version is stale: null (after a short pause when `wait`), and the caller reads again. A claim left
 * by a crashed process expires after 10 s. On MongoDB `fn` runs alone. `fn` answers null when its guarded
 * write matched nothing. Every writer of a record must go through the claim of the same `key`.
 */
export type WithVersionClaim = <T>(key: string, version: number, fn: () => Promise<T | null>, options?: { wait?: boolean }) => Promise<T | null>;

const SWEEP_MS = 1000;
const SWEEP_BATCH = 200;

export function createVersionClaim(connection: mongoose.Connection, collectionName: string): WithVersionClaim {
  const claims = () => {
    const db = connection.db;
    if (!db) throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'database not connected');
    return db.collection(collectionName);
  };
  let dead: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const sweep = () => {
    timer = undefined;
    const ids = dead;
    dead = [];
    if (ids.length)
      void claims()
        .deleteMany({ _id: { $in: ids } } as Raw)
        .catch(() => undefined); // leftovers are harmless
  };
  const later = (id: string) => {
    dead.push(id);
    if (dead.length >= SWEEP_BATCH) sweep();
    else timer ??= setTimeout(sweep, SWEEP_MS).unref();
  };
  return async function withVersionClaim<T>(key: string, version: number, fn: () => Promise<T | null>, options: { wait?: boolean } = {}): Promise<T | null> {
    if (serverKindOf(connection) === 'mongodb') return fn();
    const _id = `${key}@${version}`;
    const owner = randomBytes(9).toString('base64url');
    for (let attempt = 0; ; attempt++) {
      try {
        await claims().insertOne({ _id, owner, until: new Date(Date.now() + LOCK_MS) } as Raw);
        break;
      } catch (e) {
        if (!isDuplicateKeyError(e)) translateMongoError(e, 'lock');
      }
      const held = await claims()
        .findOne({ _id } as Raw)
        .catch((e) => translateMongoError(e));
      if (held && new Date(held.until).getTime() < Date.now() && attempt === 0) {
        await claims()
          .deleteOne({ _id, owner: held.owner } as Raw)
          .catch((e) => translateMongoError(e));
        continue;
      }
      if (held && options.wait !== false) await new Promise((r) => setTimeout(r, (5 + Math.random() * 20) * (attempt + 1)));
      if (held || attempt > 0) return null; // another writer moves the record on from this version
    }
    let landed = false;
    try {
      const result = await fn();
      landed = result !== null;
      return result;
    } finally {
      if (landed) later(_id);
      else
        await claims()
          .deleteOne({ _id, owner } as Raw)
          .catch(() => undefined);
    }
  };
}
