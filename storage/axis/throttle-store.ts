import type mongoose from 'mongoose';
import type { ThrottleStore } from '../../server/domain/ports/throttle-store.js';
import { createThrottleRepository } from '../throttle-repository.js';

/** The axis's failed token and operator requests (collection axis_throttle), shared by every axis process. */
export function createAxisThrottleStore(connection: mongoose.Connection): ThrottleStore {
  return createThrottleRepository(connection, { entries: 'axis_throttle', locks: 'axis_record_locks' });
}
