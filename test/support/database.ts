import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type mongoose from 'mongoose';
import { connectDatabase, startEmbeddedServer, type EmbeddedServer } from '../../storage/index.js';

/**
 * The real database for tests: MONGODB_URI when set, else one embedded server (mongod, or FerretDB on
 * LIENTHONG_EMBEDDED_BACKEND when set) per test
 * process on a throw-away data folder and a free port. Each `useDatabase()` gets its own fresh database.
 */
let server: Promise<{ uri: string; embedded?: EmbeddedServer; dataDir?: string }> | undefined;

export const TOOLS_DIR = resolve(process.env.LIENTHONG_TOOLS_DIR ?? '.data/tools');

export async function testDatabaseUri(): Promise<string> {
  const running = server && (await server.catch(() => undefined));
  const ended = running?.embedded?.exitInfo();
  if (ended !== undefined) {
    // Say why, then give the remaining tests a new server rather than failing every one of them.
    process.stderr.write(`[test-db] the embedded database server stopped (${ended}); starting a new one\n`);
    server = undefined;
  }
  server ??= (async () => {
    if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI };
    const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-testdb-'));
    // Passable (not readable) by others: run as root, the embedded PostgreSQL runs as `nobody` in a folder below.
    chmodSync(dataDir, 0o711);
    const backend = process.env.LIENTHONG_EMBEDDED_BACKEND;
    if (backend !== undefined && backend !== 'postgresql' && backend !== 'sqlite') throw new Error(`LIENTHONG_EMBEDDED_BACKEND must be postgresql or sqlite, not ${backend}`);
    const embedded = await startEmbeddedServer({ dataDir, toolsDir: TOOLS_DIR, ...(backend ? { backend } : {}), log: (l) => process.stderr.write(`[test-db] ${l}\n`) });
    return { uri: embedded.uri, embedded, dataDir };
  })();
  return server.then((s) => s.uri);
}

/** Stops the embedded server and removes its data (root hook, after all tests). */
export async function stopTestDatabase(): Promise<void> {
  if (!server) return;
  const s = await server.catch(() => undefined);
  server = undefined;
  await s?.embedded?.stop();
  if (s?.dataDir) rmSync(s.dataDir, { recursive: true, force: true });
}

export interface TestDatabase {
  connection(): mongoose.Connection;
  uri(): string;
  dbName(): string;
}

/** Call inside a `describe('… @db')`: a fresh database for the block, dropped afterwards. */
export function useDatabase(): TestDatabase {
  let conn: mongoose.Connection | undefined;
  let uri = '';
  const dbName = `t_${randomBytes(6).toString('hex')}`;
  before(async function () {
    this.timeout(15 * 60_000); // the first run may build FerretDB
    uri = await testDatabaseUri();
    conn = await connectDatabase({ uri, dbName });
  });
  after(async () => {
    if (!conn) return;
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });
  return {
    connection: () => {
      if (!conn) throw new Error('database not connected yet: use it inside hooks or tests');
      return conn;
    },
    uri: () => uri,
    dbName: () => dbName,
  };
}
