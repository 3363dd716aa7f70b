export * from './types.js';
export type { NewUser, UserRepository } from './users.js';
export type { HostedAgencyRepository } from './hosted-agencies.js';
export type { DocumentPage, DocumentQuery, DocumentRepository } from './documents.js';
export type { IdempotencyRecord, IdempotencyRepository } from './idempotency.js';
export { COUNTER_NAMES, COUNTER_RECENT_KEYS, HISTOGRAM_NAMES } from './counters.js';
export type { BucketCounts, CounterIncrement, CounterName, CounterRepository, HistogramIncrement, HistogramName, MonthlyCounters } from './counters.js';
export type { KeyRef, KeyStore, SealedItemRepository } from './key-store.js';
export type { AxisAgencyInfo, AxisAgencySummary, AxisCertificateInfo, AxisDeliveryInfo, AxisDownloadResult, AxisGateway, CertificateHolder } from './axis-gateway.js';
