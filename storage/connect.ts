import mongoose from 'mongoose';
import { DomainError } from '../server/domain/errors.js';

export interface ConnectOptions {
  readonly uri: string;
  readonly dbName?: string;
  /** How long to wait for the server before failing (ms). */
  readonly serverSelectionTimeoutMS?: number;
}

/**
 * Opens a dedicated mongoose connection (never the global default one), so tests and processes can hold
 * several. Fails with ERR_DATABASE_UNAVAILABLE when the server cannot be reached.
 */
export async function connectDatabase(options: ConnectOptions): Promise<mongoose.Connection> {
  const connection = mongoose.createConnection(options.uri, {
    ...(options.dbName ? { dbName: options.dbName } : {}),
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
    autoIndex: false,
    autoCreate: true,
  });
  try {
    await connection.asPromise();
  } catch (cause) {
    await connection.close().catch(() => undefined);
    throw new DomainError('ERR_DATABASE_UNAVAILABLE', `cannot connect to the database: ${(cause as Error).message}`, { cause });
  }
  return connection;
}

/** Creates the declared indexes of every model registered on the connection (at start, idempotent). */
export async function ensureIndexes(connection: mongoose.Connection): Promise<void> {
  for (const model of Object.values(connection.models)) {
    await model.createIndexes();
  }
}

/** True when the database answers a ping. */
export async function pingDatabase(connection: mongoose.Connection): Promise<boolean> {
  try {
    const db = connection.db;
    if (!db) return false;
    await db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
