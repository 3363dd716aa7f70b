import type { AgencyCode } from '../../agency/index.js';

/**
 * What a bound certificate signs for its agency (Decree 30/2020 Art. 5): `seal`, the agency's own signature
 * (its electronic seal, also the key that signs its packages); `person`, the personal signing certificate of
 * one of its competent people (a leader), whose signature must precede the seal on a document.
 */
export type CertificateRole = 'seal' | 'person';
export const CERTIFICATE_ROLES: readonly CertificateRole[] = Object.freeze(['seal', 'person']);

/** A certificate bound to an agency code in the axis registry (X-Road: member code ↔ certificates). */
export interface BoundCertificate {
  /** hex SHA-256 of the DER certificate: the binding's identity. */
  readonly sha256: string;
  readonly der: Uint8Array;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly role: CertificateRole;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly status: 'active' | 'revoked';
  readonly boundAt: Date;
  readonly revokedAt?: Date;
}

/** One registered agency. `version` guards every update (optimistic concurrency, no transactions). */
export interface AgencyRecord {
  readonly code: AgencyCode;
  readonly name: string;
  readonly parentCode: AgencyCode | null;
  readonly certificates: readonly BoundCertificate[];
  /** scrypt hash (server/auth/password.ts) of the system secret; absent until one is set. Never logged. */
  readonly secretHash?: string;
  /**
   * The same secret sealed (AES-256-GCM) under the axis's request-key key, for the VDXP facade: the VDXP SDKs
   * sign each request with HMAC-SHA256 keyed by the secret itself, so the axis must be able to recover it.
   * Absent when the secret was set without that key (then VDXP requests of this system are refused).
   */
  readonly requestKeySealed?: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewAgency {
  readonly code: AgencyCode;
  readonly name: string;
  readonly parentCode: AgencyCode | null;
  readonly certificates: readonly BoundCertificate[];
  readonly secretHash?: string;
  readonly requestKeySealed?: string;
  readonly createdAt: Date;
}

/** The fields an update replaces; the rest stays. */
export interface AgencyChanges {
  readonly name?: string;
  readonly certificates?: readonly BoundCertificate[];
  readonly secretHash?: string;
  readonly requestKeySealed?: string;
  readonly updatedAt: Date;
}

export interface AgencyPage {
  readonly items: readonly AgencyRecord[];
  readonly total: number;
}

/** The axis's agency registry. Implemented in storage/axis/. */
export interface AgencyRegistry {
  /** Creates an agency; ERR_AGENCY_EXISTS when the code is taken. */
  create(agency: NewAgency): Promise<AgencyRecord>;
  findByCode(code: AgencyCode): Promise<AgencyRecord | null>;
  /** The registered codes among `codes` (one query). */
  existingCodes(codes: readonly AgencyCode[]): Promise<readonly AgencyCode[]>;
  /** Ordered by code. */
  list(query: { readonly parentCode?: AgencyCode; readonly skip: number; readonly limit: number }): Promise<AgencyPage>;
  /** The agency a certificate (by SHA-256) is bound to, active or revoked, if any. */
  findByCertificate(sha256: string): Promise<AgencyRecord | null>;
  /**
   * Replaces fields when the stored version still equals `expectedVersion` (one guarded single-document
   * write). Returns the new record, or null when the version moved (the caller re-reads and retries).
   */
  update(code: AgencyCode, expectedVersion: number, changes: AgencyChanges): Promise<AgencyRecord | null>;
  /** Deletes the agency when its stored version still equals `expectedVersion` (one single-document delete). False when it moved or is gone. */
  remove(code: AgencyCode, expectedVersion: number): Promise<boolean>;
}
