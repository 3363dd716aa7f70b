import type mongoose from 'mongoose';
import { createRecordLock as createLock, type WithLock } from '../record-lock.js';
import { NODE_COLLECTIONS } from './models.js';

export type { WithLock };

/** The node's record lock (see storage/record-lock.ts): its own collection of lock entries. */
export function createRecordLock(connection: mongoose.Connection): WithLock {
  return createLock(connection, NODE_COLLECTIONS.locks);
}
