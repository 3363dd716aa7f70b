/** Worker_threads pools: CAdES signing throughput on all cores, and PDF verification/signing off the event loop. */
export { createSigningPool, type SigningPool, type SigningPoolOptions, type PoolSignOptions } from './pool.js';
export { createPdfPool, type PdfPool, type PdfPoolOptions } from './pdf-pool.js';
