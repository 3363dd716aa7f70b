/** The storage layer's face for the composition root. Only server/compose/ imports storage/. */
export { connectDatabase, ensureIndexes, pingDatabase, type DatabaseCommand } from './connect.js';
export { startEmbeddedServer, chooseBackend, DEFAULT_EMBEDDED_BACKEND, type EmbeddedServer, type EmbeddedBackend } from './embedded/start-embedded-server.js';
export { postgresProblem } from './embedded/start-postgres.js';
export { createGridFsBlobStore } from './blob/gridfs-blob-store.js';
export { withRecentBlobCache } from './blob/recent-blob-cache.js';
export { translateMongoError, isDuplicateKeyError } from './mongo-errors.js';
export { locateServer, type ServerBinary } from './embedded/locate-server.js';
export type { Connection as DatabaseConnection } from 'mongoose';
