import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError } from '../../server/domain/errors.js';
import { locatePostgres } from './locate-postgres.js';
import { clearStalePostmaster, clusterLayout, ensureCluster, PG_USER, postgresAccount, reachProblem } from './postgres-cluster.js';
import { ensureJsonbIndexing } from './postgres-indexing.js';

export interface PostgresServer {
  /** A libpq/pgx URL through the unix socket, with the password: for FerretDB's `--postgresql-url` only, never logged. */
  readonly url: string;
  /** `PostgreSQL 16.14` */
  readonly version: string;
  exitInfo(): string | undefined;
  /** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
  stop(): Promise<void>;
  /** Synchronous immediate shutdown, for a process `exit` hook. */
  killNow(): void;
}

/** Says why PostgreSQL cannot run here (no package for this platform, root with closed folders), or undefined. */
export function postgresProblem(root: string): string | undefined {
  const bins = locatePostgres();
  if ('problem' in bins) return bins.problem;
  return reachProblem(bins, resolve(root), postgresAccount());
}

function readyPid(pgdata: string): number | undefined {
  try {
    // postmaster.pid: line 1 the pid, line 8 the status, "ready" once connections are accepted.
    const lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
    return lines[7]?.trim() === 'ready' ? Number(lines[0]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the embedded PostgreSQL 16 of the npm package for this platform on `root` (made with `initdb` on
 * first use), listening only on a unix socket in a folder closed to other users (no TCP port, so no port to
 * collide), and waits until its `postmaster.pid` says "ready". A postmaster left by a run that died is
 * stopped first.
 */
export async function startPostgres(options: { root: string; log: (line: string) => void; startTimeoutMs?: number }): Promise<PostgresServer> {
  const bins = locatePostgres();
  if ('problem' in bins) throw new DomainError('ERR_DATABASE_UNAVAILABLE', `PostgreSQL: ${bins.problem}`);
  const account = postgresAccount();
  const root = resolve(options.root);
  const layout = clusterLayout(root, account);
  const cannot = reachProblem(bins, root, account);
  if (cannot) throw new DomainError('ERR_DATABASE_UNAVAILABLE', cannot);
  const password = ensureCluster(bins, layout, account, options.log);
  await clearStalePostmaster(layout.pgdata, options.log);
  ensureJsonbIndexing(bins, layout, account, options.log);
  const args = [
    '-D',
    layout.pgdata,
    '-c',
    'listen_addresses=',
    '-c',
    `unix_socket_directories=${layout.socketDir}`,
    '-c',
    'unix_socket_permissions=0700',
    '-c',
    'logging_collector=off',
    // LOG and worse (start, stop, crashes), not ERROR: the version claims and record locks fail on a duplicate
    // key by design, several times a document, and would fill the log.
    '-c',
    'log_min_messages=log',
    '-c',
    'log_checkpoints=off',
  ];
  const ids = account.uid !== undefined ? { uid: account.uid, gid: account.gid ?? account.uid } : {};
  const child = spawn(bins.postgres, args, { cwd: layout.pgdata, stdio: ['ignore', 'ignore', 'pipe'], ...ids });
  let errText = '';
  const log = createWriteStream(join(root, 'postgresql.log'), { flags: 'a' });
  child.stderr?.on('data', (d: Buffer) => {
    errText = (errText + d.toString('utf8')).slice(-4000);
    log.write(d);
  });
  let ended: string | undefined;
  child.once('exit', (code, signal) => {
    ended = `code ${code}, signal ${signal}; last output: ${errText.slice(-1500)}`;
    log.end(`[lienthong] postgres exited (code ${code}, signal ${signal}) at ${new Date().toISOString()}\n`);
  });
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (readyPid(layout.pgdata) !== child.pid) {
    if (ended !== undefined || child.exitCode !== null) throw new DomainError('ERR_DATABASE_UNAVAILABLE', `PostgreSQL exited at start: ${errText.slice(-800)}`);
    if (Date.now() > deadline) {
      killNow();
      throw new DomainError('ERR_DATABASE_UNAVAILABLE', `PostgreSQL did not become ready within ${options.startTimeoutMs ?? 60_000} ms: ${errText.slice(-800)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `postgres://${PG_USER}:${encodeURIComponent(password)}@/postgres?host=${encodeURIComponent(layout.socketDir)}`;
  return {
    url,
    version: bins.version.replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL '),
    exitInfo: () => ended,
    killNow,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const quit = setTimeout(() => child.kill('SIGQUIT'), 10_000);
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(quit);
          clearTimeout(kill);
          done();
        });
        child.kill('SIGINT');
      }),
  };
}
