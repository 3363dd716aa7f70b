import type { AgencyCode } from '../../agency/index.js';

/** A delivery waiting for an agency at the axis (the axis API's `AxisDelivery`). */
export interface AxisDeliveryInfo {
  readonly docId: string;
  readonly type: 'edoc' | 'status';
  readonly from: AgencyCode;
  readonly to: AgencyCode;
  readonly documentId: string;
  readonly statusCode?: string;
  readonly sha256: string;
  readonly size: number;
  readonly state: 'pending' | 'done' | 'fail';
  readonly submittedAt: Date;
  /** Times this recipient downloaded it: its receive attempts so far (the axis keeps the count). */
  readonly downloads: number;
  readonly lastDownloadedAt?: Date;
  /** Why it was answered `fail`, when it was. */
  readonly ackReason?: string;
}

export interface AxisDownloadResult {
  readonly info: AxisDeliveryInfo;
  readonly packageBytes: Uint8Array;
  readonly signature: Uint8Array;
}

export interface AxisCertificateInfo {
  readonly sha256: string;
  /** `seal`: the agency's own signature; `person`: a competent person's signing certificate (Decree 30/2020 Art. 5). */
  readonly role: 'seal' | 'person';
  readonly status: 'active' | 'revoked';
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly boundAt: Date;
  readonly revokedAt?: Date;
}

export interface CertificateHolder {
  readonly code: AgencyCode;
  readonly role: 'seal' | 'person';
  readonly status: 'active' | 'revoked';
}

export interface AxisAgencyInfo {
  readonly code: AgencyCode;
  readonly name: string;
  readonly parentCode: AgencyCode | null;
  readonly certificates: readonly AxisCertificateInfo[];
}

/** One row of the axis registry list (no certificates). */
export interface AxisAgencySummary {
  readonly code: AgencyCode;
  readonly name: string;
  readonly parentCode: AgencyCode | null;
}

/**
 * The axis as the node sees it, acting for one hosted agency at a time. Implemented over HTTP in
 * server/node/axis-client/. Failures: ERR_AXIS_UNAVAILABLE (network, 5xx: retry later), ERR_UNAUTHENTICATED,
 * ERR_AXIS_REJECTED or the axis's own domain code (the axis refused: retrying the same request will not help).
 */
export interface AxisGateway {
  send(as: AgencyCode, input: { readonly type: 'edoc' | 'status'; readonly packageBytes: Uint8Array; readonly signature: Uint8Array }): Promise<{ readonly docId: string; readonly duplicate: boolean }>;
  listPending(as: AgencyCode, query: { readonly type?: 'edoc' | 'status'; readonly page: number; readonly pageSize: number }): Promise<{ readonly items: readonly AxisDeliveryInfo[]; readonly total: number }>;
  download(as: AgencyCode, docId: string): Promise<AxisDownloadResult>;
  ack(as: AgencyCode, docId: string, status: 'done' | 'fail', reason?: string): Promise<void>;
  /** The registry entry of `code`, or null when unknown. */
  getAgency(as: AgencyCode, code: AgencyCode): Promise<AxisAgencyInfo | null>;
  /** The agency a certificate (hex SHA-256) is bound to, and in which role; null when no agency holds it. */
  findCertificateHolder(as: AgencyCode, sha256: string): Promise<CertificateHolder | null>;
  /** One page of the registry (every agency, in code order). */
  listAgencies(as: AgencyCode, query: { readonly page: number; readonly pageSize: number }): Promise<{ readonly items: readonly AxisAgencySummary[]; readonly total: number }>;
}
