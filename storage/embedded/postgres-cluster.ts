import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DomainError } from '../../server/domain/errors.js';
import type { PostgresBinaries } from './locate-postgres.js';

/** The operating-system account PostgreSQL runs as: itself when not root (PostgreSQL refuses root). */
export interface PostgresAccount {
  readonly uid?: number;
  readonly gid?: number;
  readonly name: string;
}

/** Where one embedded cluster lives: `<root>/cluster` (PGDATA), `<root>/run` (its socket), `<root>/password`. */
export interface ClusterLayout {
  readonly root: string;
  readonly pgdata: string;
  readonly socketDir: string;
  readonly passwordFile: string;
}

/** PostgreSQL's database user that FerretDB signs in as. */
export const PG_USER = 'ferretdb';
/** A unix socket path longer than this does not fit `sockaddr_un` (108 bytes with the terminator). */
const SOCKET_PATH_MAX = 100;

/**
 * PostgreSQL will not run as root; when this process is root it runs as `nobody` (every Debian has it), which
 * then owns the cluster's folders. Otherwise as this process's own user.
 */
export function postgresAccount(): PostgresAccount {
  if (process.getuid?.() !== 0) return { name: 'this user' };
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const f = line?.split(':');
  if (!f || !Number.isInteger(Number(f[2]))) throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'running as root, PostgreSQL needs an unprivileged account: no "nobody" in /etc/passwd');
  return { uid: Number(f[2]), gid: Number(f[3]), name: 'nobody' };
}

function own(path: string, account: PostgresAccount): void {
  if (account.uid !== undefined) chownSync(path, account.uid, account.gid ?? account.uid);
}

/**
 * Says why `account` cannot run `binaries` on `root` (a folder above either closed to other users), or
 * undefined. `root` need not exist yet: its nearest existing folder must then be passable.
 */
export function reachProblem(binaries: PostgresBinaries, root: string, account: PostgresAccount): string | undefined {
  if (account.uid === undefined) return undefined;
  let near = root;
  while (!existsSync(near) && dirname(near) !== near) near = dirname(near);
  const r = spawnSync('sh', ['-c', 'test -x "$1" && test -x "$2"', 'sh', binaries.postgres, near], { uid: account.uid, gid: account.gid ?? account.uid });
  return r.status === 0 ? undefined : `PostgreSQL runs as ${account.name} (this process is root), who cannot reach ${binaries.postgres} or ${near}: a folder above one of them is closed to other users`;
}

/** The cluster's folders under `root`, made and owned by `account`; the socket goes to a short temp folder if `root` is too deep. */
export function clusterLayout(root: string, account: PostgresAccount): ClusterLayout {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  own(root, account);
  let socketDir = join(root, 'run');
  if (Buffer.byteLength(join(socketDir, '.s.PGSQL.5432')) > SOCKET_PATH_MAX) socketDir = mkdtempSync(join(tmpdir(), 'lienthong-pg-'));
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  chmodSync(socketDir, 0o700);
  own(socketDir, account);
  return { root, pgdata: join(root, 'cluster'), socketDir, passwordFile: join(root, 'password') };
}

/**
 * Makes the cluster on first use (`initdb`: UTF8, locale C as FerretDB requires, a random password for the
 * `ferretdb` user, SCRAM authentication) into a side folder renamed into place once complete, so a start
 * interrupted half-way leaves nothing that looks like a cluster. Returns the password (kept in
 * `password`, readable by this user only).
 */
export function ensureCluster(binaries: PostgresBinaries, layout: ClusterLayout, account: PostgresAccount, log: (line: string) => void): string {
  if (existsSync(join(layout.pgdata, 'PG_VERSION')) && existsSync(layout.passwordFile)) return readFileSync(layout.passwordFile, 'utf8').trim();
  const started = Date.now();
  const password = randomBytes(24).toString('base64url');
  const side = `${layout.pgdata}.init`;
  rmSync(side, { recursive: true, force: true });
  rmSync(layout.pgdata, { recursive: true, force: true });
  const pwfile = join(layout.root, '.initdb-password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  own(pwfile, account);
  try {
    const ids = account.uid !== undefined ? { uid: account.uid, gid: account.gid ?? account.uid } : {};
    const r = spawnSync(binaries.initdb, ['-D', side, '-U', PG_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'], { encoding: 'utf8', cwd: layout.root, ...ids });
    if (r.status !== 0) throw new DomainError('ERR_DATABASE_UNAVAILABLE', `initdb failed: ${`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ?? ''}`.trim().slice(-800)}`);
  } finally {
    unlinkSync(pwfile);
  }
  renameSync(side, layout.pgdata);
  writeFileSync(layout.passwordFile, `${password}\n`, { mode: 0o600 });
  log(`PostgreSQL cluster created in ${layout.pgdata} (${Date.now() - started} ms)`);
  return password;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * A postmaster left by a run that died without stopping it (killed with SIGKILL, a crash) still holds the
 * cluster: when the pid in `postmaster.pid` is a postgres serving this PGDATA, it is asked to quit
 * (immediate shutdown) and waited for; a pid that now belongs to another program only leaves a stale file,
 * which is removed (PostgreSQL removes the stale file of a dead pid by itself).
 */
export async function clearStalePostmaster(pgdata: string, log: (line: string) => void): Promise<void> {
  const lock = join(pgdata, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  const cmd = cmdline(pid);
  if (!(cmd.includes('postgres') && cmd.includes(pgdata))) {
    log(`removing a stale ${lock} (pid ${pid} is another program now)`);
    rmSync(lock, { force: true });
    return;
  }
  log(`a PostgreSQL left running by an earlier run (pid ${pid}) holds ${pgdata}: stopping it`);
  process.kill(pid, 'SIGQUIT');
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}
