import { envelopeChild, invalidEdxml } from './read-helpers.js';
import type { XmlElement } from './safe-xml.js';
import { parseXmlSafely } from './safe-xml.js';
import type { EdxmlLimits, PackageKind } from './types.js';
import { DEFAULT_EDXML_LIMITS, EDXML_NAMESPACE } from './types.js';

/** The parts of an edXML envelope, located and namespace-checked. */
export interface EnvelopeParts {
  readonly root: XmlElement;
  readonly header: XmlElement;
  readonly body: XmlElement | undefined;
  /** `AttachmentEncoded`, a sibling of the envelope under the root. */
  readonly attachments: XmlElement | undefined;
  readonly kind: PackageKind;
  /** The `edXML:MessageHeader` or `edXML:Status` element. */
  readonly content: XmlElement;
  /**
   * A status package written as real senders do: the status fields (StatusCode, no To) inside
   * `edXML:MessageHeader` instead of `edXML:Status`. Only a lenient read accepts it, with a warning.
   */
  readonly statusInMessageHeader: boolean;
}

export function resolveLimits(limits: Partial<EdxmlLimits> | undefined): EdxmlLimits {
  return { ...DEFAULT_EDXML_LIMITS, ...(limits ?? {}) };
}

/**
 * Parses the bytes safely and finds the envelope. The root is `edXML` (holding `edXML:edXMLEnvelope` and
 * `AttachmentEncoded`, QCVN 102:2016) or, for packages without attachments, `edXML:edXMLEnvelope` itself.
 */
export function readEnvelope(bytes: Uint8Array, limits: EdxmlLimits): EnvelopeParts {
  const root = parseXmlSafely(bytes, limits);
  let envelope: XmlElement | undefined;
  let attachments: XmlElement | undefined;
  if (root.local === 'edXMLEnvelope') {
    if (root.ns !== EDXML_NAMESPACE) throw invalidEdxml('edXMLEnvelope', 'wrong namespace');
    envelope = root;
  } else if (root.local === 'edXML' && (root.ns === null || root.ns === EDXML_NAMESPACE)) {
    envelope = envelopeChild(root, 'edXMLEnvelope', 'edXML');
    const enc = root.children.filter((c) => c.local === 'AttachmentEncoded');
    if (enc.length > 1) throw invalidEdxml('edXML.AttachmentEncoded', 'repeated');
    attachments = enc[0];
  } else {
    throw invalidEdxml(root.local, 'not an edXML package (root element)');
  }
  if (!envelope) throw invalidEdxml('edXML.edXMLEnvelope', 'missing');
  const header = envelopeChild(envelope, 'edXMLHeader', 'edXMLEnvelope');
  if (!header) throw invalidEdxml('edXMLEnvelope.edXMLHeader', 'missing');
  const body = envelopeChild(envelope, 'edXMLBody', 'edXMLEnvelope');
  const messageHeader = envelopeChild(header, 'MessageHeader', 'edXMLHeader');
  const status = envelopeChild(header, 'Status', 'edXMLHeader');
  if (messageHeader && status) throw invalidEdxml('edXMLHeader', 'both MessageHeader and Status');
  if (messageHeader && isStatusShaped(messageHeader)) {
    return { root, header, body, attachments, kind: 'status', content: messageHeader, statusInMessageHeader: true };
  }
  if (messageHeader) return { root, header, body, attachments, kind: 'edoc', content: messageHeader, statusInMessageHeader: false };
  if (status) return { root, header, body, attachments, kind: 'status', content: status, statusInMessageHeader: false };
  throw invalidEdxml('edXMLHeader.MessageHeader', 'missing (neither MessageHeader nor Status)');
}

/**
 * A MessageHeader that is a status in disguise: it has a StatusCode and a ResponseFor and neither a To nor a
 * Code nor a Subject (which every document has). A document that merely carries a stray StatusCode keeps its To
 * and stays a document (read with `EDXML_STATUS_IN_MESSAGE_HEADER`).
 */
function isStatusShaped(el: XmlElement): boolean {
  const has = (local: string): boolean => el.children.some((c) => c.local === local);
  return has('StatusCode') && has('ResponseFor') && !has('To') && !has('Code') && !has('Subject');
}

/**
 * Tells a document package from a status package, after the same safe parsing as the full parsers.
 * @throws DomainError the XML codes of {@link parseXmlSafely}, or `ERR_EDXML_INVALID`.
 */
export function detectPackageKind(bytes: Uint8Array, limits?: Partial<EdxmlLimits>): PackageKind {
  return readEnvelope(bytes, resolveLimits(limits)).kind;
}
