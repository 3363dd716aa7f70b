export type {
  Attachment,
  Bussiness,
  BussinessDocType,
  BussinessDocumentInfo,
  Receiver,
  ReplacementInfo,
  DocumentCode,
  DocumentType,
  EdocPackage,
  EdxmlDate,
  EdxmlLimits,
  EdxmlTimestamp,
  MessageHeader,
  Organization,
  OtherInfo,
  PackageKind,
  Priority,
  PromulgationInfo,
  ResponseFor,
  SignerInfo,
  StaffInfo,
  StatusPackage,
  SteeringType,
  TraceHeader,
  TraceHeaderList,
} from './types.js';
export { DEFAULT_EDXML_LIMITS, EDXML_NAMESPACE } from './types.js';
export { buildEdocPackage, parseEdocPackage, readEdocPackage, type EdocReadResult } from './edoc-package.js';
export type { EdxmlWarning, EdxmlWarningCode } from './warnings.js';
export { buildStatusPackage, parseStatusPackage, readStatusPackage, type StatusReadResult } from './status-package.js';
export { detectPackageKind } from './envelope.js';
export type { DocumentIdParts } from './document-id.js';
export { formatDocumentCode, formatDocumentId, parseDocumentId } from './document-id.js';
export { VIETNAM_OFFSET_MINUTES, edxmlTimestampToDate, formatEdxmlDate, formatEdxmlTimestamp, isEdxmlDate, isEdxmlTimestamp } from './dates.js';
export type { XmlElement, XmlLimits } from './safe-xml.js';
export { parseXmlSafely } from './safe-xml.js';
export type { UnwrapLimits, UnwrapResult } from './zip-wrapper.js';
export { looksLikeZip, unwrapZip, wrapZip } from './zip-wrapper.js';
export type { BussinessIntent, EarlierDocuments } from './bussiness.js';
export { bussinessIntentOf, earlierDocumentsFor, isRevokePackage } from './bussiness.js';
export type { VerifyPackageSignatureOptions } from './signature.js';
export { signPackage, verifyPackageSignature } from './signature.js';
export type { AttachmentRole } from './attachment-signature.js';
export { DETACHED_SIGNATURE_SUFFIX, pairDetachedSignatures, verifyAttachmentSignature } from './attachment-signature.js';
export type { SignPackageXmlOptions, VerifyPackageXmlOptions, XmlSignatureFinding, XmlSignatureFindingCode } from './xml-signature.js';
export { findXmlSignature, signPackageXml, verifyPackageXml, verifyPackageXmlWith, type EnvelopedSigner, type EnvelopedVerifier } from './xml-signature.js';
