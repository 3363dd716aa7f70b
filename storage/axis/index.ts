/** The axis's storage: models with declared indexes and the repositories implementing its ports. */
export { AXIS_COLLECTIONS, axisModels, ensureAxisIndexes } from './models.js';
export { createAgencyRepository } from './agency-repository.js';
export { createSubmissionRepository } from './submission-repository.js';
export { createDeliveryRepository } from './delivery-repository.js';
export { createTraceRepository } from './trace-repository.js';
export { createSeenRequestRepository } from './seen-request-repository.js';
export { createAxisThrottleStore } from './throttle-store.js';
