import type { BlobMeta, BlobStore } from '../../server/domain/ports/blob-store.js';

export interface RecentBlobCacheOptions {
  /** Bytes kept in memory at most (default 32 MiB). */
  readonly maxBytes?: number;
  /** Files larger than this are not kept (default 4 MiB). */
  readonly maxEntryBytes?: number;
}

/**
 * Keeps the bytes most recently written or read in this process, so a file read right after it was written
 * (the outbox sending the package the upload just stored; the axis serving the package it just accepted)
 * costs no database round trip. Files are immutable (a new version is a new id), so a kept copy is never
 * stale; delete drops it. Each caller gets its own copy.
 */
export function withRecentBlobCache(inner: BlobStore, options: RecentBlobCacheOptions = {}): BlobStore {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const maxEntry = options.maxEntryBytes ?? 4 * 1024 * 1024;
  const kept = new Map<string, Uint8Array>();
  let total = 0;
  const drop = (id: string) => {
    const b = kept.get(id);
    if (b) {
      total -= b.length;
      kept.delete(id);
    }
  };
  const keep = (id: string, bytes: Uint8Array) => {
    if (bytes.length > maxEntry) return;
    drop(id);
    kept.set(id, Uint8Array.prototype.slice.call(bytes));
    total += bytes.length;
    while (total > maxBytes) drop(kept.keys().next().value!);
  };
  return {
    async put(bytes: Uint8Array, meta: BlobMeta): Promise<string> {
      const id = await inner.put(bytes, meta);
      keep(id, bytes);
      return id;
    },
    async get(id: string): Promise<Uint8Array> {
      const hit = kept.get(id);
      if (hit) {
        kept.delete(id);
        kept.set(id, hit);
        return hit.slice();
      }
      const bytes = await inner.get(id);
      keep(id, bytes);
      return bytes;
    },
    async delete(id: string): Promise<void> {
      drop(id);
      await inner.delete(id);
    },
  };
}
