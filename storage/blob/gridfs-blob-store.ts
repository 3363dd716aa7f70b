import mongoose from 'mongoose';
import { DomainError } from '../../server/domain/errors.js';
import type { BlobMeta, BlobStore } from '../../server/domain/ports/blob-store.js';
import { translateMongoError } from '../mongo-errors.js';

/** File bytes in GridFS (ARCHITECTURE.md: bytes in GridFS, metadata in documents). */
export function createGridFsBlobStore(connection: mongoose.Connection, bucketName: string): BlobStore {
  const bucket = () => {
    const db = connection.db;
    if (!db) throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'database not connected');
    return new mongoose.mongo.GridFSBucket(db, { bucketName });
  };
  const toObjectId = (id: string) => {
    if (!mongoose.isValidObjectId(id)) throw new DomainError('ERR_NOT_FOUND', 'file not found');
    return new mongoose.Types.ObjectId(id);
  };

  return {
    async put(bytes: Uint8Array, meta: BlobMeta): Promise<string> {
      const upload = bucket().openUploadStream(meta.filename ?? 'blob', {
        metadata: { contentType: meta.contentType, ...(meta.owner ? { owner: meta.owner } : {}) },
      });
      await new Promise<void>((resolve, reject) => {
        upload.once('error', reject);
        upload.once('finish', () => resolve());
        upload.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }).catch((e) => translateMongoError(e, 'file'));
      return upload.id.toString();
    },

    async get(id: string): Promise<Uint8Array> {
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of bucket().openDownloadStream(toObjectId(id))) chunks.push(chunk as Buffer);
      } catch (e) {
        if ((e as { code?: unknown }).code === 'ENOENT' || /FileNotFound|file not found/i.test(String((e as Error).message))) {
          throw new DomainError('ERR_NOT_FOUND', 'file not found', { cause: e });
        }
        translateMongoError(e, 'file');
      }
      return new Uint8Array(Buffer.concat(chunks));
    },

    async delete(id: string): Promise<void> {
      if (!mongoose.isValidObjectId(id)) return;
      try {
        await bucket().delete(new mongoose.Types.ObjectId(id));
      } catch (e) {
        if (/FileNotFound|File not found/i.test(String((e as Error).message))) return;
        translateMongoError(e, 'file');
      }
    },
  };
}
