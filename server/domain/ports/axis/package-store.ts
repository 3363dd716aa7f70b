import type { AgencyCode } from '../../agency/index.js';
import type { PackageKind, StatusCode } from './types.js';

/**
 * One accepted package on the axis (a "submission"): metadata here, package bytes in the BlobStore.
 * `(sender, packageKey)` is unique so a resend is recognised; `docId` is unique.
 */
export interface SubmissionRecord {
  /** The axis document id (UUID). */
  readonly docId: string;
  readonly type: PackageKind;
  readonly sender: AgencyCode;
  /** `edoc:{DocumentId}` for documents, `status:{sha256}` for status packages. */
  readonly packageKey: string;
  /** edXML DocumentId of the document, or of the document a status reports on. */
  readonly documentId: string;
  readonly statusCode?: StatusCode;
  readonly recipients: readonly AgencyCode[];
  /** hex SHA-256 and length of the package bytes. */
  readonly sha256: string;
  readonly size: number;
  /** BlobStore id of the package bytes. */
  readonly blobId: string;
  /** The detached CMS signature (DER; a few KB, kept inline). */
  readonly signature: Uint8Array;
  /** Who signed, as verified at submission. */
  readonly signer: { readonly sha256: string; readonly subject: string };
  /** accepted: stored, deliveries not yet all created; queued: one delivery per recipient exists. */
  readonly state: 'accepted' | 'queued';
  readonly submittedAt: Date;
}

export interface PackageStore {
  /** Inserts a submission; ERR_DUPLICATE_KEY when (sender, packageKey) or docId exists. */
  insert(record: SubmissionRecord): Promise<void>;
  findByDocId(docId: string): Promise<SubmissionRecord | null>;
  findByPackageKey(sender: AgencyCode, packageKey: string): Promise<SubmissionRecord | null>;
  /** Guarded: accepted → queued. True when it changed now, false when already queued. */
  markQueued(docId: string): Promise<boolean>;
}
