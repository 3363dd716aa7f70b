import type mongoose from 'mongoose';

/** Which server answers: MongoDB itself, or FerretDB (a MongoDB wire-protocol front on SQLite or PostgreSQL). */
export type ServerKind = 'mongodb' | 'ferretdb' | 'unknown';

const kinds = new WeakMap<mongoose.Connection, ServerKind>();

/**
 * Asks the server what it is (`buildInfo`: FerretDB answers a `ferretdbVersion` field) and remembers it for
 * the connection. A server that does not answer counts as `unknown`, which is treated like FerretDB.
 */
export async function detectServerKind(connection: mongoose.Connection): Promise<ServerKind> {
  let kind: ServerKind;
  try {
    const info = await connection.db!.admin().command({ buildInfo: 1 });
    kind = typeof info.ferretdbVersion === 'string' ? 'ferretdb' : typeof info.version === 'string' ? 'mongodb' : 'unknown';
  } catch {
    kind = 'unknown';
  }
  kinds.set(connection, kind);
  return kind;
}

/** The kind found by {@link detectServerKind} for this connection; `unknown` when it was not asked. */
export function serverKindOf(connection: mongoose.Connection): ServerKind {
  return kinds.get(connection) ?? 'unknown';
}
