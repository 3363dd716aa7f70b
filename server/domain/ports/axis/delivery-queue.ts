import type { AgencyCode } from '../../agency/index.js';
import type { PackageKind, StatusCode } from './types.js';

export type DeliveryState = 'pending' | 'done' | 'fail';

/** One delivery of one package to one recipient (shard key: recipient). */
export interface DeliveryRecord {
  readonly docId: string;
  readonly recipient: AgencyCode;
  readonly sender: AgencyCode;
  readonly type: PackageKind;
  readonly documentId: string;
  readonly statusCode?: StatusCode;
  readonly sha256: string;
  readonly size: number;
  readonly state: DeliveryState;
  readonly version: number;
  readonly downloads: number;
  readonly submittedAt: Date;
  readonly lastDownloadedAt?: Date;
  readonly acknowledgedAt?: Date;
  readonly ackReason?: string;
}

export type NewDelivery = Omit<DeliveryRecord, 'state' | 'version' | 'downloads' | 'lastDownloadedAt' | 'acknowledgedAt' | 'ackReason'>;

export interface DeliveryPage {
  readonly items: readonly DeliveryRecord[];
  readonly total: number;
}

export interface DeliveryQueue {
  /** Creates the deliveries that do not exist yet (idempotent: an existing (docId, recipient) is left alone). */
  ensure(deliveries: readonly NewDelivery[]): Promise<void>;
  /** A recipient's deliveries, oldest first. */
  list(query: { readonly recipient: AgencyCode; readonly state: DeliveryState; readonly type?: PackageKind; readonly skip: number; readonly limit: number }): Promise<DeliveryPage>;
  /**
   * What one sender sent, every recipient's delivery (any state), newest first, optionally one kind or one
   * docId (the VDXP facade's getSentEdocList).
   */
  listSent(query: { readonly sender: AgencyCode; readonly type?: PackageKind; readonly docId?: string; readonly skip: number; readonly limit: number }): Promise<DeliveryPage>;
  find(docId: string, recipient: AgencyCode): Promise<DeliveryRecord | null>;
  /** Counts a download (single-document $inc). Returns the updated record, null when unknown. */
  recordDownload(docId: string, recipient: AgencyCode, at: Date): Promise<DeliveryRecord | null>;
  /**
   * Guarded transition pending → `to` (one single-document update with `state: 'pending'` in the filter).
   * Returns the updated record, or null when the delivery is not pending (or unknown).
   */
  acknowledge(docId: string, recipient: AgencyCode, to: 'done' | 'fail', at: Date, reason?: string): Promise<DeliveryRecord | null>;
  /** Deliveries of one kind submitted in [from, to), in (submittedAt, recipient, docId) order: one page (the operator's report). */
  listSubmittedBetween(query: { readonly type: PackageKind; readonly from: Date; readonly to: Date; readonly skip: number; readonly limit: number }): Promise<readonly DeliveryRecord[]>;
  /** The status deliveries with one of `codes` about any of `documentIds` (edXML DocumentIds), any time. */
  listStatusesAbout(documentIds: readonly string[], codes: readonly StatusCode[]): Promise<readonly DeliveryRecord[]>;
  /** The document deliveries about any of `documentIds` (edXML DocumentIds) submitted at or after `from` (resends of them). */
  listEdocsAboutSince(documentIds: readonly string[], from: Date): Promise<readonly DeliveryRecord[]>;
}
