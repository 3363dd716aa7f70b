import type mongoose from 'mongoose';
import type { ThrottleStore } from '../../server/domain/ports/throttle-store.js';
import { createThrottleRepository } from '../throttle-repository.js';
import { NODE_COLLECTIONS } from './models.js';

/** The node's login failures (collection node_throttle), shared by every node process on the database. */
export function createNodeThrottleStore(connection: mongoose.Connection): ThrottleStore {
  return createThrottleRepository(connection, { entries: 'node_throttle', locks: NODE_COLLECTIONS.locks });
}
