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
    monitorCommands: true,
  });
  const census = new Map<string, { n: number; ms: number }>();
  const started = new Map<number, { k: string; t: number }>();
  (connection as any).getClient().on('commandStarted', (e: any) => {
    const c = e.command; const coll = c[e.commandName];
    const f = c.filter ?? c.query ?? (c.updates ? c.updates[0]?.q : undefined) ?? (c.deletes ? c.deletes[0]?.q : undefined) ?? (c.pipeline ? c.pipeline[0]?.$match : undefined);
    const k = `${e.commandName} ${typeof coll === 'string' ? coll : ''} ${f ? Object.keys(f).join(',') : ''}`;
    started.set(e.requestId, { k, t: performance.now() });
  });
  const done = (e: any) => { const s = started.get(e.requestId); if (!s) return; started.delete(e.requestId); const v = census.get(s.k) ?? { n: 0, ms: 0 }; v.n++; v.ms += performance.now() - s.t; census.set(s.k, v); };
  (connection as any).getClient().on('commandSucceeded', done);
  (connection as any).getClient().on('commandFailed', done);
  (globalThis as any).__census = census;
  process.on('exit', () => { if (!process.env.CENSUS) return; const rows = [...census].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30); for (const [k, v] of rows) process.stderr.write(`${v.ms.toFixed(0).padStart(8)} ms ${String(v.n).padStart(6)}x  ${k}\n`); });
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
