import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../../server/domain/errors.js';
import type { BlobStore } from '../../../server/domain/ports/blob-store.js';
import { withRecentBlobCache } from '../../../storage/index.js';

/** A plain in-memory store that counts its reads (the cache in front of it is what is under test). */
function countingStore(): BlobStore & { reads: number } {
  const files = new Map<string, Uint8Array>();
  const store = {
    reads: 0,
    async put(bytes: Uint8Array) {
      const id = randomUUID();
      files.set(id, bytes.slice());
      return id;
    },
    async get(id: string) {
      store.reads++;
      const b = files.get(id);
      if (!b) throw new DomainError('ERR_NOT_FOUND', 'no such file');
      return b.slice();
    },
    async delete(id: string) {
      files.delete(id);
    },
  };
  return store;
}

describe('storage/blob recent blob cache', () => {
  const meta = { contentType: 'application/octet-stream' };

  it('when a file is read right after it was written, then the bytes come back without a read of the store', async () => {
    const inner = countingStore();
    const cache = withRecentBlobCache(inner);
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const id = await cache.put(bytes, meta);
    bytes[0] = 9; // the caller's buffer changing later does not change the kept copy
    const back = await cache.get(id);
    expect([...back]).to.deep.equal([1, 2, 3, 4]);
    back[1] = 7; // nor does a reader changing its copy
    expect([...(await cache.get(id))]).to.deep.equal([1, 2, 3, 4]);
    expect(inner.reads).to.equal(0);
  });

  it('when a file is deleted, then it is not served from memory any more', async () => {
    const inner = countingStore();
    const cache = withRecentBlobCache(inner);
    const id = await cache.put(new Uint8Array([5]), meta);
    await cache.delete(id);
    const err = await cache.get(id).catch((e: unknown) => e);
    expect((err as DomainError).code).to.equal('ERR_NOT_FOUND');
    expect(inner.reads).to.equal(1);
  });

  it('when more bytes than the budget pass through, then the oldest are dropped and read from the store again', async () => {
    const inner = countingStore();
    const cache = withRecentBlobCache(inner, { maxBytes: 10, maxEntryBytes: 6 });
    const a = await cache.put(new Uint8Array(6), meta);
    const b = await cache.put(new Uint8Array(6), meta);
    const big = await cache.put(new Uint8Array(7), meta);
    await cache.get(b);
    expect(inner.reads).to.equal(0);
    await cache.get(a);
    await cache.get(big);
    expect(inner.reads).to.equal(2);
  });
});
