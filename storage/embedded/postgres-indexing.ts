import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../server/domain/errors.js';
import { JSONB_GIN_INDEXES_SQL } from './jsonb-gin-indexes-sql.js';
import type { PostgresBinaries } from './locate-postgres.js';
import type { ClusterLayout, PostgresAccount } from './postgres-cluster.js';

/** Bump when jsonb-gin-indexes-sql.ts changes: a cluster whose marker says otherwise gets it again. */
export const INDEXING_VERSION = 'jsonb-gin-1';
const MARKER = 'indexing';

/**
 * FerretDB 1.24 on PostgreSQL pushes an equality filter down as `_jsonb -> 'field' @> value` (containment, so
 * that a value also matches inside an array), but its own indexes are btree on `_jsonb -> 'field'`, which serve
 * `=` only: every find, findAndModify and guarded update, even by `_id`, was a sequential scan of the whole
 * collection (measured: 200 ms per `findOne({_id})` at 10,000 documents, the plan FerretDB's explain returns
 * is `Seq Scan`). jsonb-gin-indexes-sql.ts gives every FerretDB table a GIN index on `_jsonb -> '_id'`
 * and one on each field of FerretDB's btree indexes, which serve `@>`; an event trigger does the same for
 * every table and index FerretDB creates later, and the existing ones are indexed when it is installed.
 *
 * Run once per cluster (and again when {@link INDEXING_VERSION} changes) in PostgreSQL's single-user mode
 * before the server starts: no SQL client is needed, and nothing listens yet. Throws when PostgreSQL reports an
 * error; the marker is written only after success, so a failed run is retried at the next start.
 */
export function ensureJsonbIndexing(binaries: PostgresBinaries, layout: ClusterLayout, account: PostgresAccount, log: (line: string) => void): void {
  const marker = join(layout.root, MARKER);
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === INDEXING_VERSION) return;
  const started = Date.now();
  const ids = account.uid !== undefined ? { uid: account.uid, gid: account.gid ?? account.uid } : {};
  // -j: a command ends at a semicolon followed by an empty line, so function bodies may hold semicolons.
  const r = spawnSync(binaries.postgres, ['--single', '-j', '-D', layout.pgdata, '-c', 'log_min_messages=warning', '-c', 'client_min_messages=warning', 'postgres'], {
    input: JSONB_GIN_INDEXES_SQL,
    encoding: 'utf8',
    cwd: layout.pgdata,
    timeout: 120_000,
    ...ids,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || /\b(ERROR|FATAL|PANIC):/.test(out)) {
    throw new DomainError('ERR_DATABASE_UNAVAILABLE', `PostgreSQL: indexing FerretDB's tables failed: ${`${out}${r.error ?? ''}`.trim().slice(-800)}`);
  }
  for (const w of out.split('\n').filter((l) => l.includes('WARNING:'))) log(`PostgreSQL: ${w.replace(/^.*WARNING:\s*/, '')}`);
  writeFileSync(marker, `${INDEXING_VERSION}\n`, { mode: 0o600 });
  log(`PostgreSQL: GIN indexes for FerretDB's equality filters installed (${Date.now() - started} ms)`);
}
