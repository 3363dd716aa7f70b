/**
 * The public face of the signing core. Everything outside crypto/ imports from here and nowhere else.
 */
export * from './errors.js';
export * from './report/index.js';
export * from './keys/index.js';
export * from './pki/index.js';
export * from './cms/index.js';
export * from './pdf/index.js';
export * from './pool/index.js';
export * from './tsp/index.js';
export * from './xmldsig/index.js';
export * from './ocsp/index.js';
