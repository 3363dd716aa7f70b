import { spawnSync } from 'node:child_process';
import { cpSync, chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '../../server/domain/errors.js';
import { GO_MINIMUM, goVersionProblem } from './go-version.js';
import { runWithProgress } from './run-with-progress.js';

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, missing: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' };
}

/** A binary that starts and prints its version (FerretDB panics at start when built without version.txt). */
export function binaryWorks(bin: string): boolean {
  return existsSync(bin) && run(bin, ['--version']).ok;
}

/**
 * Installs FerretDB 1.24 into `toolsDir` with Go, after checking that Go is there and new enough (its go.mod
 * says `go 1.24`). First the documented way, `go install …@v1.24.2`; when that cannot work (some module
 * proxies refuse the version list that `go install` reads, and a build of the main module without
 * `build/version/version.txt` panics at start), it builds the same module version from the module cache with
 * that file written. Progress goes to `log` as it happens, with a heartbeat at least every 10 s.
 */
export async function installFerretDb(toolsDir: string, log: (line: string) => void): Promise<string> {
  mkdirSync(toolsDir, { recursive: true });
  const target = join(toolsDir, 'ferretdb');
  if (binaryWorks(target)) return target;
  const go = run('go', ['version']);
  if (go.missing) {
    throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'no MongoDB-compatible server: set MONGODB_URI, or install mongod, or install Go 1.24 or newer (to build FerretDB 1.24 automatically)');
  }
  const tooOld = goVersionProblem(go.out);
  if (tooOld) throw new DomainError('ERR_DATABASE_UNAVAILABLE', tooOld, { details: { go: go.out.trim(), needed: GO_MINIMUM.join('.') } });
  // No toolchain download: the Go found must build it itself.
  const env = { GOTOOLCHAIN: 'local' };
  log(`installing FerretDB ${FERRETDB_VERSION} with ${go.out.trim()} into ${toolsDir} (first run only; a few minutes, progress below)…`);
  const viaInstall = await runWithProgress('go', ['install', '-v', `${FERRETDB_MODULE}/cmd/ferretdb@${FERRETDB_VERSION}`], { env: { ...env, GOBIN: toolsDir }, log, label: 'go install FerretDB' });
  if (viaInstall.ok && binaryWorks(target)) {
    log(`FerretDB ${FERRETDB_VERSION} installed at ${target}`);
    return target;
  }
  log('go install did not give a working binary; building the same version from the Go module cache…');

  const dl = await runWithProgress('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], { env, log, label: 'go mod download FerretDB', show: () => false });
  const dir = dl.ok ? (JSON.parse(dl.out.slice(dl.out.indexOf('{'))) as { Dir?: string }).Dir : undefined;
  if (!dir) throw new DomainError('ERR_DATABASE_UNAVAILABLE', `cannot download FerretDB ${FERRETDB_VERSION}: ${dl.out.trim().slice(-500)}`);
  const work = mkdtempSync(join(tmpdir(), 'ferretdb-src-'));
  try {
    cpSync(dir, work, { recursive: true });
    run('chmod', ['-R', 'u+w', work]);
    writeFileSync(join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    const build = await runWithProgress('go', ['build', '-v', '-trimpath', '-o', target, './cmd/ferretdb'], { cwd: work, env, log, label: 'go build FerretDB' });
    if (!build.ok) throw new DomainError('ERR_DATABASE_UNAVAILABLE', `building FerretDB failed: ${build.out.trim().slice(-800)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  chmodSync(target, 0o755);
  if (!binaryWorks(target)) throw new DomainError('ERR_DATABASE_UNAVAILABLE', `FerretDB was built at ${target} but does not start`);
  log(`FerretDB ${FERRETDB_VERSION} installed at ${target}`);
  return target;
}
