/** The agency node's storage: models with declared indexes and the repositories implementing its ports. */
export { NODE_COLLECTIONS, ensureNodeIndexes, nodeModels } from './models.js';
export { createUserRepository } from './user-repository.js';
export { createHostedAgencyRepository } from './hosted-agency-repository.js';
export { createDocumentRepository } from './document-repository.js';
export { createIdempotencyRepository } from './idempotency-repository.js';
export { createCounterRepository } from './counter-repository.js';
export { createSealedItemRepository } from './sealed-item-repository.js';
export { createOutboxFiguresReader } from './outbox-figures.js';
export { createNodeThrottleStore } from './throttle-store.js';
