import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import mongoose from 'mongoose';
import { DomainError } from '../../server/domain/errors.js';
import { locateServer, type EmbeddedKind } from './locate-server.js';

export interface EmbeddedServerOptions {
  /** Where the server keeps its data (created if missing). */
  readonly dataDir: string;
  /** Where FerretDB is installed when it has to be built (kept between runs). */
  readonly toolsDir: string;
  /** 0 or absent: a free port. */
  readonly port?: number;
  readonly log: (line: string) => void;
  readonly startTimeoutMs?: number;
}

export interface EmbeddedServer {
  readonly kind: EmbeddedKind;
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

function argsFor(kind: EmbeddedKind, dataDir: string, port: number): string[] {
  if (kind === 'mongod') return ['--dbpath', dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'];
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${dataDir}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
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

/**
 * Starts a local MongoDB-compatible server (mongod if present, else FerretDB 1.24 on SQLite), waits until it
 * answers a ping, and returns its URI. The server is stopped by `stop()`, and killed if this process exits.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const binary = await locateServer(resolve(options.toolsDir), options.log);
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const child = spawn(binary.path, argsFor(binary.kind, dataDir, port), { cwd: dataDir, stdio: ['ignore', 'ignore', 'pipe'] });
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
    kind: binary.kind,
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
