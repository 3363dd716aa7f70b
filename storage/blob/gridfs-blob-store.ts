import mongoose from 'mongoose';
import { DomainError } from '../../server/domain/errors.js';
import type { BlobMeta, BlobStore } from '../../server/domain/ports/blob-store.js';
import { translateMongoError } from '../mongo-errors.js';

/** The GridFS default chunk size (255 KiB). */
const CHUNK_BYTES = 255 * 1024;
/** Chunks read or written at once. */
const PARALLEL = 8;
/** Marks files whose chunks have derived ids (`<fileId>:<n>`); files written by the driver lack it. */
const DERIVED = 'fileId:n';

const chunkId = (fileId: string, n: number) => `${fileId}:${n}`;

async function inBatches<T>(count: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += PARALLEL) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(PARALLEL, count - i) }, (_, k) => work(i + k)))));
  }
  return out;
}

/**
 * File bytes in GridFS (ARCHITECTURE.md: bytes in GridFS, metadata in documents), in the standard layout
 * (`<bucket>.files` + `<bucket>.chunks` with `files_id` and `n`), so mongofiles and every driver read them.
 * Chunk ids are derived from the file id, so a read or a delete addresses each chunk by `_id` instead of
 * querying `files_id` — on FerretDB 1.x only `_id` lookups avoid a scan of every chunk of every file.
 * Chunks are written before the files document, which is what makes a file visible, and removed after it:
 * a crash leaves unreferenced chunks, never a visible file with missing bytes. Files written by the driver's
 * GridFSBucket (earlier versions) are still read and deleted through it.
 */
export function createGridFsBlobStore(connection: mongoose.Connection, bucketName: string): BlobStore {
  const db = () => {
    const d = connection.db;
    if (!d) throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'database not connected');
    return d;
  };
  const files = () => db().collection<mongoose.mongo.Document>(`${bucketName}.files`);
  /** Chunk documents: `_id` is a string here, which the driver's default typing does not expect. */
  const chunks = () => db().collection<{ _id: string; files_id: mongoose.Types.ObjectId; n: number; data: mongoose.mongo.Binary }>(`${bucketName}.chunks`);
  const bucket = () => new mongoose.mongo.GridFSBucket(db(), { bucketName });
  const notFound = (cause?: unknown) => new DomainError('ERR_NOT_FOUND', 'file not found', cause === undefined ? {} : { cause });
  const toObjectId = (id: string) => {
    if (!mongoose.isValidObjectId(id)) throw notFound();
    return new mongoose.Types.ObjectId(id);
  };

  async function getWithDriver(_id: mongoose.Types.ObjectId): Promise<Uint8Array> {
    const parts: Buffer[] = [];
    try {
      for await (const chunk of bucket().openDownloadStream(_id)) parts.push(chunk as Buffer);
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT' || /FileNotFound|file not found/i.test(String((e as Error).message))) throw notFound(e);
      translateMongoError(e, 'file');
    }
    return new Uint8Array(Buffer.concat(parts));
  }

  return {
    async put(bytes: Uint8Array, meta: BlobMeta): Promise<string> {
      const _id = new mongoose.Types.ObjectId();
      const id = _id.toHexString();
      const count = Math.ceil(bytes.byteLength / CHUNK_BYTES);
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      try {
        await inBatches(count, (n) => chunks().insertOne({ _id: chunkId(id, n), files_id: _id, n, data: new mongoose.mongo.Binary(view.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES)) }));
        await files().insertOne({
          _id,
          length: bytes.byteLength,
          chunkSize: CHUNK_BYTES,
          uploadDate: new Date(),
          filename: meta.filename ?? 'blob',
          metadata: { contentType: meta.contentType, ...(meta.owner ? { owner: meta.owner } : {}), chunkIds: DERIVED },
        });
      } catch (e) {
        return translateMongoError(e, 'file');
      }
      return id;
    },

    async get(id: string): Promise<Uint8Array> {
      const _id = toObjectId(id);
      const file = await files()
        .findOne({ _id })
        .catch((e) => translateMongoError(e, 'file'));
      if (!file) throw notFound();
      if (file.metadata?.chunkIds !== DERIVED) return getWithDriver(_id);
      const length = Number(file.length);
      const size = Number(file.chunkSize);
      const count = Math.ceil(length / size);
      const parts = await inBatches(count, async (n) => {
        const c = await chunks()
          .findOne({ _id: chunkId(id, n) })
          .catch((e) => translateMongoError(e, 'file'));
        const data = c?.data;
        const expected = n < count - 1 ? size : length - size * (count - 1);
        if (!data || data.length() !== expected) throw new DomainError('ERR_STORAGE_UNAVAILABLE', `file ${id} is incomplete: chunk ${n} missing or of the wrong size`);
        return data.buffer;
      });
      return new Uint8Array(Buffer.concat(parts));
    },

    async delete(id: string): Promise<void> {
      if (!mongoose.isValidObjectId(id)) return;
      const _id = new mongoose.Types.ObjectId(id);
      try {
        const file = await files().findOne({ _id }, { projection: { length: 1, chunkSize: 1, metadata: 1 } });
        if (!file) return;
        if (file.metadata?.chunkIds !== DERIVED) {
          await bucket().delete(_id);
          return;
        }
        await files().deleteOne({ _id });
        await inBatches(Math.ceil(Number(file.length) / Number(file.chunkSize)), (n) => chunks().deleteOne({ _id: chunkId(id, n) }));
      } catch (e) {
        if (/FileNotFound|File not found/i.test(String((e as Error).message))) return;
        translateMongoError(e, 'file');
      }
    },
  };
}
