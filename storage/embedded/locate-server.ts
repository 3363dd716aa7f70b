import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { binaryWorks, installFerretDb } from './install-ferretdb.js';

export type EmbeddedKind = 'mongod' | 'ferretdb';

export interface ServerBinary {
  readonly kind: EmbeddedKind;
  readonly path: string;
}

function onPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.status === 0 ? r.stdout.trim() : '';
  return p || undefined;
}

function goBin(): string | undefined {
  const r = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? join(r.stdout.trim().split(':')[0] ?? '', 'bin', 'ferretdb') : undefined;
}

/** Serialises installs between processes (tests and `npm start` may start at once), saying so while it waits. */
async function withInstallLock<T>(toolsDir: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const lock = join(toolsDir, '.install.lock');
  const started = Date.now();
  const deadline = started + 15 * 60_000;
  let lastSaid = 0;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) unlinkSync(lock);
      } catch {
        /* the holder just removed it */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      if (Date.now() - lastSaid >= 10_000) {
        lastSaid = Date.now();
        log(`another process is installing the database server (${lock}); waiting, ${Math.round((lastSaid - started) / 1000)} s so far`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Finds a MongoDB-compatible server: `mongod` on PATH, else a working FerretDB (tools dir, PATH, GOPATH/bin),
 * else installs FerretDB 1.24 into the tools dir.
 */
export async function locateServer(toolsDir: string, log: (line: string) => void): Promise<ServerBinary> {
  const mongod = onPath('mongod');
  if (mongod) return { kind: 'mongod', path: mongod };
  for (const candidate of [join(toolsDir, 'ferretdb'), onPath('ferretdb'), goBin()]) {
    if (candidate && binaryWorks(candidate)) return { kind: 'ferretdb', path: candidate };
  }
  mkdirSync(toolsDir, { recursive: true });
  return { kind: 'ferretdb', path: await withInstallLock(toolsDir, log, () => installFerretDb(toolsDir, log)) };
}
