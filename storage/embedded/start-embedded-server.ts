import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import mongoose from 'mongoose';
import { DomainError } from '../../server/domain/errors.js';
import { locateServer, type EmbeddedKind } from './locate-server.js';
import { postgresProblem, startPostgres, type PostgresServer } from './start-postgres.js';

/**
 * FerretDB's storage: `postgresql` (the PostgreSQL 16 of the npm package, in `<dataDir>/postgresql`: FerretDB
 * pushes equality filters, sort and limit down to SQL there) or `sqlite` (files in `<dataDir>`, filters in Go).
 */
export type EmbeddedBackend = 'postgresql' | 'sqlite';
/** What the embedded server uses when nothing is chosen (LIENTHONG_EMBEDDED_BACKEND unset). */
export const DEFAULT_EMBEDDED_BACKEND: EmbeddedBackend = 'postgresql';

export interface EmbeddedServerOptions {
  /** Where the server keeps its data (created if missing). */
  readonly dataDir: string;
  /** Where FerretDB is installed when it has to be built (kept between runs). */
  readonly toolsDir: string;
  /** 0 or absent: a free port. */
  readonly port?: number;
  readonly log: (line: string) => void;
  readonly startTimeoutMs?: number;
  /**
   * FerretDB's storage (ignored for mongod). Absent: {@link DEFAULT_EMBEDDED_BACKEND}, falling back to the
   * other one, with a log line, when that one cannot run here; given: that one or an error.
   */
  readonly backend?: EmbeddedBackend;
}

export interface EmbeddedServer {
  readonly kind: EmbeddedKind;
  /** FerretDB's storage; undefined for mongod. */
  readonly backend?: EmbeddedBackend;
  /** For the start banner: `ferretdb on PostgreSQL 16.14`, `ferretdb on sqlite`, `mongod`. */
  readonly description: string;
  readonly uri: string;
  /** Undefined while the server runs; once it has exited, how it ended and the tail of its log. */
  exitInfo(): string | undefined;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** The PostgreSQL URL (it holds the password) goes in FerretDB's environment, not its command line that `ps` shows. */
function argsFor(kind: EmbeddedKind, dataDir: string, port: number, backend: EmbeddedBackend): string[] {
  if (kind === 'mongod') return ['--dbpath', dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'];
  return [...(backend === 'postgresql' ? ['--handler=postgresql'] : ['--handler=sqlite', `--sqlite-url=file:${dataDir}/`]), `--listen-addr=127.0.0.1:${port}`, `--state-dir=${dataDir}`, '--debug-addr=-', '--telemetry=disable', '--log-level=warn'];
}

async function waitUntilReady(uri: string, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new DomainError('ERR_DATABASE_UNAVAILABLE', `embedded database exited with code ${child.exitCode}: ${stderr().slice(-800)}`);
    }
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (e) {
      lastError = e;
    } finally {
      await client.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new DomainError('ERR_DATABASE_UNAVAILABLE', `embedded database did not answer within ${timeoutMs} ms`, { cause: lastError });
}

const PID_FILE = 'ferretdb.pid';

/**
 * A FerretDB left running by a run that died without stopping it (SIGKILL, a crash) would keep serving the
 * same files: the pid it wrote is ended when that process is still a ferretdb on this data folder.
 */
async function stopLeftoverFerretDb(dataDir: string, log: (line: string) => void): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim());
  } catch {
    return;
  }
  let cmd: string;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !cmd.includes('ferretdb') || !cmd.includes(`--state-dir=${dataDir}`)) return;
  log(`a FerretDB left running by an earlier run (pid ${pid}) serves ${dataDir}: stopping it`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  process.kill(pid, 'SIGKILL');
}

/**
 * The backend to use: the one asked for; else SQLite for a data folder that already holds SQLite files and no
 * PostgreSQL cluster (its data stays reachable); else the default when it can run here, else SQLite (said in
 * the log).
 */
export function chooseBackend(options: Pick<EmbeddedServerOptions, 'backend' | 'log'>, dataDir: string): EmbeddedBackend {
  if (options.backend) return options.backend;
  if (DEFAULT_EMBEDDED_BACKEND === 'sqlite') return 'sqlite';
  const pgRoot = join(dataDir, 'postgresql');
  if (!existsSync(pgRoot) && existsSync(dataDir) && readdirSync(dataDir).some((f) => f.endsWith('.sqlite'))) {
    options.log(`${dataDir} holds SQLite data: FerretDB stays on SQLite there (LIENTHONG_EMBEDDED_BACKEND=postgresql starts an empty PostgreSQL beside it)`);
    return 'sqlite';
  }
  const problem = postgresProblem(pgRoot);
  if (!problem) return 'postgresql';
  options.log(`embedded PostgreSQL cannot run here (${problem}); FerretDB uses SQLite instead (set LIENTHONG_EMBEDDED_BACKEND to choose)`);
  return 'sqlite';
}

/**
 * Starts a local MongoDB-compatible server (mongod if present, else FerretDB 1.24 on PostgreSQL or SQLite),
 * waits until it answers a ping, and returns its URI. With PostgreSQL, PostgreSQL starts first (its files in
 * `<dataDir>/postgresql`) and stops last. Both are stopped by `stop()`, and killed if this process exits; what
 * a killed run leaves running is stopped by the next start on the same data folder.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const binary = await locateServer(resolve(options.toolsDir), options.log);
  const backend = binary.kind === 'ferretdb' ? chooseBackend(options, dataDir) : undefined;
  if (binary.kind === 'ferretdb') await stopLeftoverFerretDb(dataDir, options.log);
  const pg: PostgresServer | undefined = backend === 'postgresql' ? await startPostgres({ root: join(dataDir, 'postgresql'), log: options.log }) : undefined;
  const pgKill = () => pg?.killNow();
  process.once('exit', pgKill);
  const description = binary.kind === 'mongod' ? 'mongod' : `ferretdb on ${pg ? pg.version : 'sqlite'}`;
  try {
    const started = await startServerProcess(binary, dataDir, backend ?? 'sqlite', pg?.url, options);
    return {
      kind: binary.kind,
      ...(backend ? { backend } : {}),
      description,
      uri: started.uri,
      exitInfo: () => started.exitInfo() ?? (pg?.exitInfo() !== undefined ? `PostgreSQL stopped: ${pg.exitInfo()}` : undefined),
      stop: async () => {
        await started.stop();
        await pg?.stop();
        process.removeListener('exit', pgKill);
      },
    };
  } catch (e) {
    await pg?.stop();
    process.removeListener('exit', pgKill);
    throw e;
  }
}

interface StartedProcess {
  readonly uri: string;
  exitInfo(): string | undefined;
  stop(): Promise<void>;
}

/** mongod or FerretDB on a free port (a second port is tried when the first was taken in between). */
async function startServerProcess(binary: { kind: EmbeddedKind; path: string }, dataDir: string, backend: EmbeddedBackend, postgresqlUrl: string | undefined, options: EmbeddedServerOptions): Promise<StartedProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port && options.port > 0 ? options.port : await freePort();
    try {
      return await startOnPort(binary, dataDir, backend, postgresqlUrl, port, options);
    } catch (e) {
      const taken = /address already in use/i.test(String((e as Error).message));
      if (!taken || attempt >= 3 || (options.port && options.port > 0)) throw e;
      options.log(`port ${port} was taken before the database server bound it; trying another`);
    }
  }
}

async function startOnPort(binary: { kind: EmbeddedKind; path: string }, dataDir: string, backend: EmbeddedBackend, postgresqlUrl: string | undefined, port: number, options: EmbeddedServerOptions): Promise<StartedProcess> {
  const env = postgresqlUrl ? { ...process.env, FERRETDB_POSTGRESQL_URL: postgresqlUrl } : process.env;
  const child = spawn(binary.path, argsFor(binary.kind, dataDir, port, backend), { cwd: dataDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (binary.kind === 'ferretdb' && child.pid) writeFileSync(join(dataDir, PID_FILE), `${child.pid}\n`);
  let errText = '';
  // The server's own log stays beside its data, for diagnosing a server that stopped.
  const serverLog = createWriteStream(join(dataDir, `${binary.kind}.log`), { flags: 'a' });
  child.stderr?.on('data', (d: Buffer) => {
    errText = (errText + d.toString('utf8')).slice(-4000);
    serverLog.write(d);
  });
  let ended: string | undefined;
  child.once('exit', (code, signal) => {
    ended = `code ${code}, signal ${signal}; last output: ${errText.slice(-1500)}`;
    serverLog.end(`[lienthong] ${binary.kind} exited (code ${code}, signal ${signal}) at ${new Date().toISOString()}\n`);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const uri = `mongodb://127.0.0.1:${port}/`;
  try {
    await waitUntilReady(uri, child, options.startTimeoutMs ?? 30_000, () => errText);
  } catch (e) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw e;
  }
  return {
    uri,
    exitInfo: () => ended,
    stop: () =>
      new Promise<void>((done) => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
