import mongoose from 'mongoose';
import { DomainError } from '../server/domain/errors.js';
import { detectServerKind } from './server-kind.js';

export interface ConnectOptions {
  readonly uri: string;
  readonly dbName?: string;
  /** How long to wait for the server before failing (ms). */
  readonly serverSelectionTimeoutMS?: number;
  /** Told of every command when it ends (for benchmarks and diagnostics; off when absent). */
  readonly onCommand?: (command: DatabaseCommand) => void;
}

/** One finished database command, as the driver's command monitoring reports it. */
export interface DatabaseCommand {
  /** e.g. `find`, `insert`, `findAndModify`. */
  readonly name: string;
  readonly collection: string;
  /** From sending the command to its answer. */
  readonly millis: number;
  readonly ok: boolean;
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
    ...(options.onCommand ? { monitorCommands: true } : {}),
  });
  if (options.onCommand) watchCommands(connection, options.onCommand);
  try {
    await connection.asPromise();
  } catch (cause) {
    await connection.close().catch(() => undefined);
    throw new DomainError('ERR_DATABASE_UNAVAILABLE', `cannot connect to the database: ${(cause as Error).message}`, { cause });
  }
  // Repositories take the record lock only where the server needs it (storage/record-lock.ts).
  await detectServerKind(connection);
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

function watchCommands(connection: mongoose.Connection, onCommand: (command: DatabaseCommand) => void): void {
  const client = connection.getClient();
  const open = new Map<number, { name: string; collection: string; at: number }>();
  client.on('commandStarted', (e) => {
    const target = (e.command as Record<string, unknown>)[e.commandName];
    open.set(e.requestId, { name: e.commandName, collection: typeof target === 'string' ? target : '', at: performance.now() });
  });
  const end = (ok: boolean) => (e: { requestId: number }) => {
    const started = open.get(e.requestId);
    if (!started) return;
    open.delete(e.requestId);
    onCommand({ name: started.name, collection: started.collection, millis: performance.now() - started.at, ok });
  };
  client.on('commandSucceeded', end(true));
  client.on('commandFailed', end(false));
}
