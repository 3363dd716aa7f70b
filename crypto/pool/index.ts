/** A worker_threads pool for signing throughput on all cores. */
export { createSigningPool, type SigningPool, type SigningPoolOptions, type PoolSignOptions } from './pool.js';
