/** The axis's ports: what the axis use cases need from storage (implemented in storage/axis/). */
export type { AgencyRecord, AgencyRegistry, AgencyChanges, AgencyPage, BoundCertificate, CertificateRole, NewAgency } from './agency-registry.js';
export { CERTIFICATE_ROLES } from './agency-registry.js';
export type { PackageStore, SubmissionRecord } from './package-store.js';
export type { DeliveryQueue, DeliveryRecord, DeliveryState, DeliveryPage, NewDelivery } from './delivery-queue.js';
export type { SeenRequests } from './seen-requests.js';
export type { TraceEntry, TraceEvent, TraceLog } from './trace-log.js';
export type { PackageKind, StatusCode } from './types.js';
