import type { TrustAtNow, ValidationTimeInputs } from '../pki/trust-material.js';
import type { VerifyDetachedOptions } from '../cms/index.js';
import type { Check, Indication, SignatureReport, SubIndication } from '../report/types.js';
import type { PdfLimits } from './limits.js';

/**
 * A sub-indication of a PDF signature: those of ETSI EN 319 102-1 plus DISALLOWED_MODIFICATION, for a
 * signature whose maths hold but whose document was changed afterwards in a way its signer did not permit
 * (ISO 32000-1 §12.8.2.2; the "modification level" of pyHanko).
 */
export type PdfSubIndication = SubIndication | 'DISALLOWED_MODIFICATION';

/**
 * What kind of change a revision appended after a signature made. Allowed after a signature (ISO 32000-1
 * §12.8.2.2, ETSI EN 319 142-1 §5.4): SIGNATURE_FIELD_ADDED, SIGNATURE_WIDGET_ADDED, SIGNATURE_ADDED, DSS_UPDATED,
 * METADATA_UPDATED, FORM_UPDATED, and FORM_FILLED / ANNOTATION_* where DocMDP permits them; every other code is
 * a disallowed change.
 */
export type PdfChangeCode =
  | 'SIGNATURE_FIELD_ADDED'
  | 'SIGNATURE_WIDGET_ADDED'
  | 'SIGNATURE_ADDED'
  | 'SIGNATURE_REPLACED'
  | 'DSS_UPDATED'
  | 'METADATA_UPDATED'
  | 'FORM_UPDATED'
  | 'FORM_FILLED'
  | 'FORM_CHANGED'
  | 'FIELD_ADDED'
  | 'FIELD_REMOVED'
  | 'FIELD_CHANGED'
  | 'ANNOTATION_ADDED'
  | 'ANNOTATION_REMOVED'
  | 'ANNOTATION_CHANGED'
  | 'CONTENT_CHANGED'
  | 'RESOURCE_CHANGED'
  | 'PAGE_CHANGED'
  | 'PAGES_CHANGED'
  | 'CATALOG_CHANGED'
  | 'NAMES_CHANGED'
  | 'OUTLINES_CHANGED'
  | 'ACTION_ADDED'
  | 'ACTION_CHANGED'
  | 'OBJECT_OVERRIDDEN'
  | 'OBJECT_DELETED'
  | 'OBJECT_UNREADABLE'
  | 'DANGLING_REFERENCE_DEFINED'
  | 'ENCRYPTION_ADDED';

/** One change found in a revision appended after a signature. */
export interface PdfChange {
  /** 1-based revision (by file order) that made the change. */
  readonly revision: number;
  readonly allowed: boolean;
  readonly code: PdfChangeCode;
  /** What changed, e.g. "content stream of page 1 (object 5)". */
  readonly what: string;
  readonly objectNumber?: number;
}

/** What the revisions after a signature did. */
export interface PdfModificationAnalysis {
  /** NONE: nothing appended; ALLOWED: only permitted changes; DISALLOWED: at least one forbidden change. */
  readonly level: 'NONE' | 'ALLOWED' | 'DISALLOWED';
  readonly changes: readonly PdfChange[];
}

export interface PdfSignatureReport {
  readonly fieldName: string;
  readonly subFilter?: string;
  readonly byteRange?: readonly number[];
  /** 1-based revision the signature covers. */
  readonly revision?: number;
  /** Length of the file prefix the signature covers (the end of its byte range): that revision's bytes. */
  readonly signedLength?: number;
  /** True when the signature covers the whole file (nothing was appended after it). */
  readonly coversWholeDocument: boolean;
  /** /M of the signature dictionary, ISO 8601. */
  readonly signingTime?: string;
  readonly reason?: string;
  readonly location?: string;
  /**
   * The PAdES baseline level the signature reaches (ETSI EN 319 142-1 §6): B-B, B-T with a verified signature
   * timestamp, B-LT when the document's DSS (with what the CMS carries) alone validates it. Absent when the CMS
   * could not be verified at all.
   */
  readonly level?: PadesLevel;
  /** DocMDP permission when this signature certifies the document. */
  readonly certification?: { readonly permission: 1 | 2 | 3 };
  readonly indication: Indication;
  readonly subIndication?: PdfSubIndication;
  /** Short human reason when not TOTAL_PASSED. */
  readonly explanation?: string;
  readonly checks: readonly Check[];
  /** The CMS verification by the generic core, when it could run. */
  readonly cms?: SignatureReport;
  readonly modifications: PdfModificationAnalysis;
}

/** PAdES baseline levels (ETSI EN 319 142-1 §6.1); B-LTA (archive timestamps) is not made or judged yet. */
export type PadesLevel = 'B-B' | 'B-T' | 'B-LT';

/** The report of a whole PDF. Frozen when returned. */
export interface PdfReport {
  /** The worst of the signatures' indications; INDETERMINATE/SIGNED_DATA_NOT_FOUND without signatures. */
  readonly indication: Indication;
  readonly subIndication?: PdfSubIndication;
  readonly explanation?: string;
  readonly revisions: number;
  /**
   * The level of the last signature (in the order of the revisions they cover): the agency seal, which
   * protects every earlier signature (Decree 30/2020 Art. 32). Absent without signatures.
   */
  readonly level?: PadesLevel;
  /** What the document's Document Security Store holds (ETSI EN 319 142-1 §5.4.2), when it has one. */
  readonly dss?: { readonly certificates: number; readonly crls: number; readonly ocspResponses: number };
  readonly signatures: readonly PdfSignatureReport[];
  /** Document-level findings (unsigned trailing data, unreadable fields). */
  readonly checks: readonly Check[];
}

export interface VerifyPdfOptions extends TrustAtNow, ValidationTimeInputs {
  readonly maxClockSkewMs?: number;
  readonly timestampTrustAnchors?: readonly Uint8Array[];
  readonly policy?: VerifyDetachedOptions['policy'];
  /**
   * Certificates (DER) the registry binds to the sending agency. Checked on the last signature, the one
   * covering the whole document (the agency seal, Decree 30/2020 Art. 32).
   */
  readonly expectedSigners?: readonly Uint8Array[];
  /** Caps on the work the file may cause (DEFAULT_PDF_LIMITS for those not given); beyond them ERR_PDF_LIMIT. */
  readonly limits?: Partial<PdfLimits>;
}
