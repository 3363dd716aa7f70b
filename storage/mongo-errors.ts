import { DomainError } from '../server/domain/errors.js';

/** Mongo's error for a unique index violation. */
const DUPLICATE_KEY = 11000;

/** True for a unique-index violation (E11000), as MongoDB and FerretDB report it. */
export function isDuplicateKeyError(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return err?.code === DUPLICATE_KEY || (typeof err?.message === 'string' && err.message.includes('E11000'));
}

/** Rethrows a driver error as a coded domain error; never returns. */
export function translateMongoError(e: unknown, what = 'record'): never {
  if (e instanceof DomainError) throw e;
  if (isDuplicateKeyError(e)) throw new DomainError('ERR_DUPLICATE_KEY', `${what} already exists`, { cause: e });
  const name = (e as { name?: unknown })?.name;
  if (typeof name === 'string' && /MongoNetwork|MongoServerSelection|MongoNotConnected|PoolClosed/.test(name)) {
    throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'database unavailable', { cause: e });
  }
  throw e;
}
