import type { AgencyCode } from '../agency/code.js';
import type { StatusCode } from '../status/codes.js';

/**
 * The edXML package of QCVN 102:2016/BTTTT as plain data. Property names are spelled exactly as the
 * standard spells the elements (including `Bussiness` with two s), so the mapping to XML is one to one.
 *
 * Dates are kept as the strings the standard uses: {@link EdxmlDate} `yyyy/MM/dd` and
 * {@link EdxmlTimestamp} `yyyy/MM/dd HH:mm:ss` (Vietnam local time, UTC+07:00). Both are validated as real
 * calendar dates when parsed or built.
 */

/** The edXML namespace (QCVN 102:2016). Always written with the explicit `edXML:` prefix. */
export const EDXML_NAMESPACE = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** `yyyy/MM/dd`, e.g. `2024/05/02`. */
export type EdxmlDate = string;
/** `yyyy/MM/dd HH:mm:ss`, Vietnam local time, e.g. `2024/05/02 09:15:00`. */
export type EdxmlTimestamp = string;

/** `From`, `To`: an organisation. */
export interface Organization {
  readonly OrganId: AgencyCode;
  readonly OrganizationInCharge?: string;
  readonly OrganName: string;
  readonly OrganAdd?: string;
  readonly Email?: string;
  readonly Telephone?: string;
  readonly Fax?: string;
  readonly Website?: string;
}

/** `Code`: the document number and notation (số và ký hiệu), e.g. `123` and `VPCP-KSTT`. */
export interface DocumentCode {
  readonly CodeNumber: string;
  readonly CodeNotation: string;
}

export interface PromulgationInfo {
  readonly Place: string;
  readonly PromulgationDate: EdxmlDate;
}

export interface DocumentType {
  /** Numeric type group of the standard. */
  readonly Type: number;
  readonly TypeDetail?: number;
  /** e.g. "Công văn", "Quyết định". */
  readonly TypeName: string;
}

export interface SignerInfo {
  /** e.g. "KT. BỘ TRƯỞNG", "TM. ỦY BAN NHÂN DÂN". */
  readonly Competence?: string;
  readonly Position?: string;
  readonly FullName: string;
}

/** 0 normal, 1 urgent (khẩn), 2 very urgent (thượng khẩn), 3 flash (hỏa tốc), 4 timed flash (hỏa tốc hẹn giờ). */
export type Priority = 0 | 1 | 2 | 3 | 4;

export interface OtherInfo {
  readonly Priority: Priority;
  readonly SphereOfPromulgation?: string;
  readonly TyperNotation?: string;
  readonly PromulgationAmount?: number;
  readonly PageAmount?: number;
  readonly Direction?: boolean;
  /** `Appendixes` → `Appendix*`. */
  readonly Appendixes?: readonly string[];
}

/** `ResponseFor`: the document this one answers (also the target of a status package). */
export interface ResponseFor {
  readonly OrganId: AgencyCode;
  /** `{number}/{notation}`, e.g. `123/VPCP-KSTT`. */
  readonly Code: string;
  readonly PromulgationDate: EdxmlDate;
  /** The composite document id, see {@link formatDocumentId}. */
  readonly DocumentId: string;
}

/** 0 or 1 not a directive, 2 a directive, 3 a report on a directive. */
export type SteeringType = 0 | 1 | 2 | 3;

export interface MessageHeader {
  readonly From: Organization;
  /** One per main recipient; at least one. */
  readonly To: readonly Organization[];
  /** `{senderOrganId},{yyyy/MM/dd},{number}/{notation}`, consistent with From, PromulgationDate and Code. */
  readonly DocumentId: string;
  readonly Code: DocumentCode;
  readonly PromulgationInfo: PromulgationInfo;
  readonly DocumentType: DocumentType;
  /** Trích yếu. */
  readonly Subject: string;
  readonly Content?: string;
  readonly SignerInfo: SignerInfo;
  readonly DueDate?: EdxmlDate;
  /** `ToPlaces` → `Place*`: copied-to names that are not main recipients. */
  readonly ToPlaces: readonly string[];
  readonly OtherInfo: OtherInfo;
  readonly ResponseFor: readonly ResponseFor[];
  readonly SteeringType?: SteeringType;
}

export interface TraceHeader {
  readonly OrganId: AgencyCode;
  readonly Timestamp: EdxmlTimestamp;
}

export interface StaffInfo {
  readonly Department?: string;
  readonly Staff?: string;
  readonly Mobile?: string;
  readonly Email?: string;
}

/** 0 new, 1 revoke (thu hồi), 2 update, 3 replace. */
export type BussinessDocType = 0 | 1 | 2 | 3;

/** `ReceiverList/Receiver` of an update: one recipient whose status in the distribution changes. */
export interface Receiver {
  /** The standard's receiver-change code, 0 or 1 (written first, as both vendor generators do). */
  readonly ReceiverType: 0 | 1;
  readonly OrganId: AgencyCode;
}

/**
 * `Bussiness/BussinessDocumentInfo`: what an update (BussinessDocType 2) changes. `DocumentInfo` 1 when the
 * document's own information changed, `DocumentReceiver` 1 when its recipients changed (then `ReceiverList`
 * names them). Element order as the vendors write it: DocumentInfo, DocumentReceiver, ReceiverList.
 */
export interface BussinessDocumentInfo {
  readonly DocumentInfo?: 0 | 1;
  readonly DocumentReceiver?: 0 | 1;
  /** `ReceiverList` → `Receiver*`; empty when no recipient changes. */
  readonly ReceiverList: readonly Receiver[];
}

/** `ReplacementInfoList/ReplacementInfo` of a replace (BussinessDocType 3): a replaced document and where it went. */
export interface ReplacementInfo {
  /** The composite id of the document replaced. */
  readonly DocumentId: string;
  /** `OrganIdList` → `OrganId*`: the agencies whose copy is replaced; at least one. */
  readonly OrganIdList: readonly AgencyCode[];
}

/** `Bussiness` (double s, as the standard spells it). */
export interface Bussiness {
  readonly BussinessDocType: BussinessDocType;
  readonly BussinessDocReason?: string;
  /** The target of a revoke, update or replace; required unless BussinessDocType is 0. */
  readonly DocumentId?: string;
  /** 1 when a paper copy is also sent. */
  readonly Paper: 0 | 1;
  readonly StaffInfo?: StaffInfo;
  /** Only with BussinessDocType 2 (update): what the update changes. */
  readonly BussinessDocumentInfo?: BussinessDocumentInfo;
  /** Only with BussinessDocType 3 (replace): the documents replaced; at least one when present. */
  readonly ReplacementInfoList?: readonly ReplacementInfo[];
}

export interface TraceHeaderList {
  readonly TraceHeader: readonly TraceHeader[];
  readonly Bussiness: Bussiness;
}

/**
 * One attachment, joined to its manifest `Reference` by `ContentId`. `Content` is the file itself: when the
 * sender wrapped it in a one-file ZIP, the parser unwraps it and sets `Zipped`; the builder wraps it again
 * when `Zipped` is true.
 */
export interface Attachment {
  /** `cid:` followed by a token, unique within the package. */
  readonly ContentId: string;
  readonly AttachmentName: string;
  readonly ContentType: string;
  readonly Description?: string;
  readonly Content: Uint8Array;
  readonly Zipped: boolean;
}

/** A document package: `edXML:MessageHeader`, trace headers, manifest and attachments. */
export interface EdocPackage {
  readonly MessageHeader: MessageHeader;
  readonly TraceHeaderList: TraceHeaderList;
  readonly Attachments: readonly Attachment[];
}

/** A status (feedback) package: `edXML:Status` in place of the MessageHeader, no attachments. */
export interface StatusPackage {
  /** Who reports. */
  readonly From: Organization;
  /** The original document (its sender's OrganId, Code, PromulgationDate, DocumentId). */
  readonly ResponseFor: ResponseFor;
  readonly StaffInfo?: StaffInfo;
  readonly StatusCode: StatusCode;
  readonly Description?: string;
  readonly Timestamp: EdxmlTimestamp;
}

export type PackageKind = 'edoc' | 'status';

/** Limits applied to untrusted packages. Every field has a default in {@link DEFAULT_EDXML_LIMITS}. */
export interface EdxmlLimits {
  /** Whole package, bytes. */
  readonly maxBytes: number;
  /** Element nesting depth. */
  readonly maxDepth: number;
  /** Number of elements. */
  readonly maxElements: number;
  readonly maxAttachments: number;
  /** One attachment after base64 decoding and after unwrapping a ZIP, bytes. */
  readonly maxAttachmentBytes: number;
  /** Entries in a ZIP wrapper (a wrapper has one file; more entries leave the archive as it is). */
  readonly maxZipEntries: number;
}

export const DEFAULT_EDXML_LIMITS: EdxmlLimits = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 20_000,
  maxAttachments: 100,
  maxAttachmentBytes: 50 * 1024 * 1024,
  maxZipEntries: 16,
});
