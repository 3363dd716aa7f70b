import type mongoose from 'mongoose';
import type { SeenRequests } from '../../server/domain/ports/axis/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { axisModels } from './models.js';

/** At most one pruning pass (one deleteMany on the expiresAt index) per this many ms of the axis clock. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The replay guard in collection axis_vdxp_seen_requests: one insert on the unique _id per accepted request.
 * Expired records are deleted by this repository (FerretDB 1.x has no TTL indexes), at most once a minute.
 */
export function createSeenRequestRepository(connection: mongoose.Connection): SeenRequests {
  const { SeenRequest } = axisModels(connection);
  let prunedAt = Number.NEGATIVE_INFINITY;
  return {
    async remember(key: string, until: Date, now: Date): Promise<boolean> {
      try {
        if (now.getTime() - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = now.getTime();
          await SeenRequest.collection.deleteMany({ expiresAt: { $lt: now } });
        }
        await SeenRequest.collection.insertOne({ _id: key as never, expiresAt: until });
        return true;
      } catch (e) {
        if (isDuplicateKeyError(e)) return false;
        throw translateMongoError(e);
      }
    },
  };
}
