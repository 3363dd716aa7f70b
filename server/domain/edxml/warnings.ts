/**
 * What a lenient read forgave. Parsing is strict about safety (entities, DOCTYPE, sizes, agency codes, real
 * dates) and lenient about form where real senders differ from QCVN 102:2016; every such leniency is one of
 * these named codes in the parse result, never silent.
 */
export type EdxmlWarningCode =
  /** A date written `dd/MM/yyyy` (read as the same calendar day, kept as `yyyy/MM/dd`). */
  | 'EDXML_DATE_DAY_FIRST'
  /** `MessageHeader/DocumentId` is a UUID; the composite id derived from From, PromulgationDate and Code is used. */
  | 'EDXML_DOCUMENT_ID_UUID'
  /** `MessageHeader/DocumentId` disagrees with From, PromulgationDate or Code; the derived composite id is used. */
  | 'EDXML_DOCUMENT_ID_INCONSISTENT'
  /** A `ReplacementInfo/DocumentId` that is not a composite id, kept as written. */
  | 'EDXML_REPLACED_ID_NOT_COMPOSITE'
  /** A replace without `Bussiness/DocumentId`; its targets are the `ReplacementInfoList` entries. */
  | 'EDXML_REPLACE_TARGETS_FROM_LIST'
  /**
   * A document's `ResponseFor/DocumentId` that disagrees with its OrganId, Code or PromulgationDate; kept as
   * written (a reply reference only; a status package's ResponseFor is never forgiven this).
   */
  | 'EDXML_RESPONSE_FOR_ID_INCONSISTENT'
  /**
   * `Bussiness/DocumentId` (the target of a revoke, update or replace) in composite form but with a day that does
   * not exist (`2014/02/30`); kept as written, it matches no stored document.
   */
  | 'EDXML_TARGET_ID_IMPOSSIBLE_DATE'
  /** A `ResponseFor` block with no content; dropped. */
  | 'EDXML_RESPONSE_FOR_EMPTY'
  /** A `Status`/`StatusCode` inside `MessageHeader`; ignored (a status counts only in a status package). */
  | 'EDXML_STATUS_IN_MESSAGE_HEADER'
  /**
   * A status package whose fields (StatusCode, ResponseFor, no To) sit in `edXMLHeader/MessageHeader` instead of
   * `edXMLHeader/Status`; read as the status package it is.
   */
  | 'EDXML_STATUS_PACKAGE_IN_MESSAGE_HEADER'
  /** `BussinessDocumentInfo` or `ReplacementInfoList` where the BussinessDocType has none; ignored. */
  | 'EDXML_BUSSINESS_INFO_IGNORED';

export interface EdxmlWarning {
  readonly code: EdxmlWarningCode;
  /** The field, as in `details.path` of ERR_EDXML_INVALID, e.g. `MessageHeader.DocumentId`. */
  readonly path: string;
  /** What was found, for an operator (may quote the received value, truncated). */
  readonly detail: string;
}

/** Collects warnings during one read; `undefined` where a caller reads strictly (our own output). */
export type WarningSink = EdxmlWarning[] | undefined;

/** Quotes a received value for a warning detail, bounded. */
export function quoted(value: string, max = 120): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
