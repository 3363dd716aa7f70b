import type mongoose from 'mongoose';
import type { SealedItemRepository } from '../../server/domain/ports/node/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { nodeModels } from './models.js';
import { bufferOf, bytesOf, type Raw } from './raw.js';

/** Sealed (encrypted) key material in node_sealed_items; storage never sees the plaintext. */
export function createSealedItemRepository(connection: mongoose.Connection): SealedItemRepository {
  const { Sealed: M } = nodeModels(connection);
  return {
    async put(name: string, sealed: Uint8Array, now: Date): Promise<void> {
      await M.collection.updateOne({ _id: name } as Raw, { $set: { sealed: bufferOf(sealed), updatedAt: now } }, { upsert: true }).catch((e) => translateMongoError(e));
    },
    async get(name: string): Promise<Uint8Array | null> {
      const d = await M.collection.findOne({ _id: name } as Raw).catch((e) => translateMongoError(e));
      return d ? bytesOf(d.sealed) : null;
    },
  };
}
