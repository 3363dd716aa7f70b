import type { AgencyCode } from '../../agency/index.js';
import type { DocumentState, StatusCode } from '../../status/index.js';

/** Roles of a node user: clerk (văn thư), leader (lãnh đạo, may sign as a person), admin, auditor (read only). */
export type UserRole = 'clerk' | 'leader' | 'admin' | 'auditor';
export const USER_ROLES: readonly UserRole[] = Object.freeze(['clerk', 'leader', 'admin', 'auditor']);

/** A lease on a work item: held by `owner` until `until`; anyone may take it over after that. */
export interface Lease {
  readonly owner: string;
  readonly until: Date;
}

export interface NodeUser {
  readonly id: string;
  readonly agencyCode: AgencyCode;
  readonly username: string;
  readonly fullName: string;
  readonly roles: readonly UserRole[];
  /** scrypt hash (server/auth/password.ts). Never logged, never answered. */
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly createdAt: Date;
}

/** An agency hosted by this node (a tenant): the node holds its keys and polls the axis for it. */
export interface HostedAgency {
  readonly code: AgencyCode;
  readonly name: string;
  readonly pollLease: Lease | null;
  readonly lastPolledAt: Date | null;
  readonly createdAt: Date;
}

/** One status in a document's timeline: who sent which code, when. */
export interface TimelineEntry {
  readonly code: StatusCode;
  /** The agency that sent the status. */
  readonly from: AgencyCode;
  readonly at: Date;
  readonly description?: string;
  /** The axis delivery that carried it (inbound statuses), for recognising a redelivery. */
  readonly axisDocId?: string;
}

/** How far a party has come with the document (sender side: one per recipient; receiver side: itself). */
export interface RecipientTrack {
  readonly code: AgencyCode;
  readonly name: string;
  readonly state: DocumentState;
  readonly timeline: readonly TimelineEntry[];
}

export type MessageState = 'pending' | 'sent' | 'failed';

/**
 * A package to hand to the axis, kept inside the document it concerns so that a state change and the message
 * announcing it are one single-document write (the transactional-outbox pattern without transactions).
 */
export interface OutgoingMessage {
  /** Unique within the document, e.g. `edoc` or `status-03-2`. */
  readonly id: string;
  readonly kind: 'edoc' | 'status';
  readonly statusCode?: StatusCode;
  /** Document packages: bytes in the blob store. */
  readonly packageBlobId?: string;
  readonly signatureBlobId?: string;
  /** Status packages (a few KB): bytes inline. */
  readonly packageBytes?: Uint8Array;
  readonly signatureBytes?: Uint8Array;
  readonly state: MessageState;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError?: string;
  readonly axisDocId?: string;
  readonly createdAt: Date;
  readonly sentAt?: Date;
}

/** The business metadata of a document, as the clerk API and the edXML header carry it. */
export interface DocumentMetadata {
  readonly subject: string;
  readonly codeNumber: string;
  readonly codeNotation: string;
  /** YYYY-MM-DD. */
  readonly promulgationDate: string;
  readonly promulgationPlace: string;
  readonly documentType: { readonly type: number; readonly typeDetail?: number; readonly typeName: string };
  readonly signer: { readonly competence?: string; readonly position?: string; readonly fullName: string };
  readonly priority: 0 | 1 | 2 | 3 | 4;
  readonly paper: boolean;
  /** Number of copies issued (edXML OtherInfo/PromulgationAmount). */
  readonly copies?: number;
  readonly dueDate?: string;
  readonly toPlaces: readonly string[];
  readonly steeringType?: 0 | 1 | 2 | 3;
  readonly responseFor: readonly { readonly organId: string; readonly code: string; readonly promulgationDate: string; readonly documentId: string }[];
  /** 0 new, 1 revoke, 2 update, 3 replace (edXML `Bussiness`). */
  readonly bussinessDocType: 0 | 1 | 2 | 3;
  readonly targetDocumentId?: string;
  readonly bussinessReason?: string;
  /** An update's receiver changes (edXML `Bussiness/BussinessDocumentInfo`), as sent or received. */
  readonly receiverChanges?: {
    readonly documentInfo?: 0 | 1;
    readonly documentReceiver?: 0 | 1;
    readonly receivers: readonly { readonly organId: string; readonly receiverType: 0 | 1 }[];
  };
  /** A replace's `Bussiness/ReplacementInfoList`: each document replaced and the agencies whose copy it replaces. */
  readonly replaces?: readonly { readonly documentId: string; readonly organIds: readonly string[] }[];
}

/** A compact, JSON-safe summary of one signature's validation (the full report is kept beside it). */
export interface SignatureFinding {
  /** `attachment`: one per attachment that is not a PDF, and per attachment that carries a detached signature. */
  readonly kind: 'package' | 'pdf' | 'attachment';
  readonly fieldName?: string;
  /** Attachment findings: the attachment's name in the package. */
  readonly attachment?: string;
  /**
   * Attachment findings: the name of the attachment holding its detached CAdES signature (`<name>.p7s`);
   * absent when the attachment is unsigned (the package signature alone covers it).
   */
  readonly detachedSignature?: string;
  readonly indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
  readonly subIndication?: string;
  readonly signer?: string;
  readonly signerSha256?: string;
  /** True when the signer's certificate is bound to the sender's code in the axis registry. */
  readonly boundToSender?: boolean;
  /**
   * PDF signatures: who made it by the registry (`person` or `seal` of the sender, `foreign`: another
   * agency's, named in `boundTo`; `unregistered`: a certificate no agency registered).
   */
  readonly role?: 'person' | 'seal' | 'foreign' | 'unregistered';
  readonly boundTo?: string;
  readonly signingTime?: string;
  /** PDF signatures: the PAdES level reached (B-B, B-T, B-LT; ETSI EN 319 142-1 §6). */
  readonly level?: 'B-B' | 'B-T' | 'B-LT';
  /** The time the chain was validated at and where it came from (ETSI EN 319 102-1 §5.5). */
  readonly validationTime?: string;
  readonly poe?: 'timestamp' | 'axis-arrival' | 'none' | 'caller';
  readonly explanation?: string;
  readonly checks: readonly { readonly name: string; readonly passed: boolean; readonly detail?: string }[];
}

/** What the node concluded about a document's signatures. */
export interface Verification {
  readonly verdict: 'accepted' | 'refused';
  /** Short machine reason when refused, e.g. `PDF_SIGNATURE_FAILED`. */
  readonly reasonCode?: string;
  readonly reason?: string;
  /**
   * `signed`: a valid signature of a person registered for the sender, then the sender's seal (Decree 30/2020
   * Art. 5); `sealed`: the seal without such a person; `unsigned`: no PDF signature.
   */
  readonly signatureLevel: 'signed' | 'sealed' | 'unsigned';
  /** The PAdES level of the document's last signature (the agency seal), when it has one. */
  readonly padesLevel?: 'B-B' | 'B-T' | 'B-LT';
  readonly findings: readonly SignatureFinding[];
  readonly verifiedAt: Date;
}

export type DocumentBox = 'outbox' | 'inbox';

export interface StoredFile {
  /** Null once removed (recall agreed). */
  readonly blobId: string | null;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * Inbox: one attachment of the package other than the main PDF (which is `file`), kept as it arrived (a
 * further PDF: the revision its last seal covers).
 */
export interface StoredAttachment extends StoredFile {
  /** As the package declares it (sender-controlled: shown, never used to serve the bytes). */
  readonly contentType: string;
  /** `signature`: the detached CAdES signature (`<name>.p7s`) of the attachment named in `signs`. */
  readonly role: 'attachment' | 'signature';
  readonly signs?: string;
  /** Attachments with a verified detached signature: the signature attachment's name. */
  readonly signedBy?: string;
}

/**
 * A document as one agency sees it: an outgoing document (box `outbox`, tracked per recipient) or an
 * incoming one (box `inbox`, tracked for the agency itself in `recipients[0]`).
 */
export interface NodeDocument {
  readonly id: string;
  /** The owning agency (tenant): the sender for the outbox, the receiver for the inbox. */
  readonly agencyCode: AgencyCode;
  readonly box: DocumentBox;
  /** Unique per agency: `out:<documentId>` or `in:<axisDocId>`. */
  readonly dedupKey: string;
  /** edXML DocumentId. */
  readonly documentId: string;
  readonly from: AgencyCode;
  readonly fromName: string;
  readonly to: readonly AgencyCode[];
  readonly metadata: DocumentMetadata;
  readonly file: StoredFile;
  /** Inbox: every other attachment of the package, in package order (absent on documents stored before). */
  readonly attachments?: readonly StoredAttachment[];
  /** Absent while the document waits for its seal (`sealing`). */
  readonly packageBlobId?: string;
  readonly signatureBlobId?: string;
  readonly verification: Verification;
  /**
   * Outbox: the agency seal could not be made yet (the TSA is unreachable, ERR_TSA_UNAVAILABLE): the file is
   * the PDF as the clerk gave it, and the dispatcher seals, packages and sends it at its next attempt.
   * Absent or null once sealed.
   */
  readonly sealing?: { readonly state: 'awaiting-timestamp'; readonly since: Date; readonly personSignature: 'present' | 'apply' } | null;
  readonly recipients: readonly RecipientTrack[];
  /** Inbox: the axis delivery it came with. */
  readonly axisDocId?: string;
  readonly recalled: boolean;
  /** Inbox: a later package from the same sender updated (BussinessDocType 2) or replaced (3) this document. */
  readonly supersededBy?: { readonly documentId: string; readonly kind: 'update' | 'replace'; readonly at: Date };
  readonly outgoing: readonly OutgoingMessage[];
  /** Earliest `nextAttemptAt` of a pending message; null when nothing waits. */
  readonly dispatchDue: Date | null;
  /**
   * Which due traffic the dispatcher takes first (set when the document is made; absent on documents made
   * before priorities existed, which sort first, as their own sends did). See {@link DISPATCH_PRIORITY}.
   */
  readonly dispatchPriority?: DispatchPriority;
  readonly dispatchLease: Lease | null;
  /** Axis deliveries (status packages) already applied to this document. */
  readonly appliedDeliveries: readonly string[];
  /**
   * The document owes the monthly counters a contribution (set with the write that creates it, and with the
   * write that marks it recalled); cleared once every contribution is applied. The reconciler finds those a
   * crash left behind.
   */
  readonly countPending: boolean;
  /** Keys of the contributions already applied to the counters (`sent`, `received`, `recalled`). */
  readonly countedKeys: readonly string[];
  readonly createdBy?: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * The order in which the dispatcher takes due documents (lower first; oldest first within one): `send`, an
 * agency's own document and its recall; `answer`, the statuses about a document received (01, the clerk's
 * 03–06, 15/16); `refusal`, the automatic answer (02, 16) to a package this node refused. A sender who floods
 * an inbox with packages that are refused makes only `refusal` traffic, which never delays the other two.
 */
export const DISPATCH_PRIORITY = Object.freeze({ send: 0, answer: 1, refusal: 2 } as const);
export type DispatchPriority = (typeof DISPATCH_PRIORITY)[keyof typeof DISPATCH_PRIORITY];

/** The fields a guarded update may replace. */
export type DocumentChanges = Partial<
  Pick<
    NodeDocument,
    'recipients' | 'recalled' | 'supersededBy' | 'outgoing' | 'dispatchDue' | 'dispatchLease' | 'appliedDeliveries' | 'countPending' | 'countedKeys' | 'file' | 'attachments' | 'packageBlobId' | 'signatureBlobId' | 'verification' | 'sealing'
  >
> & { readonly updatedAt: Date };
