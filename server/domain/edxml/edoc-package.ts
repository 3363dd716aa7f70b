import { DomainError } from '../errors.js';
import { formatDocumentId, isCodeNotation, isCodeNumber, parseDocumentId } from './document-id.js';
import { readEnvelope, resolveLimits } from './envelope.js';
import { P, isEmptyBlock, leaf, readOrganization, readResponseFor, readStaffInfo, writeOrganization, writeResponseFor, writeStaffInfo } from './common-fields.js';
import { childrenNamed, compact, invalidEdxml, optionalChild, optionalText, readAgencyCode, readBoolean, readDate, readInteger, readTimestamp, requiredChild, requiredText } from './read-helpers.js';
import type { XmlElement } from './safe-xml.js';
import type { Attachment, Bussiness, BussinessDocType, EdocPackage, EdxmlLimits, MessageHeader, OtherInfo, Priority, SteeringType, TraceHeaderList } from './types.js';
import { EDXML_NAMESPACE } from './types.js';
import { firstDifference } from './first-difference.js';
import { writeXml, type XmlNode } from './xml-writer.js';
import { ZIP_CONTENT_TYPE, contentTypeOfName, isZipContentType } from './content-types.js';
import { looksLikeZip, unwrapZip, wrapZip } from './zip-wrapper.js';
import { bussinessInfoAllowed, checkBussinessInfo, readBussinessDocumentInfo, readReplacementInfoList, writeBussinessDocumentInfo, writeReplacementInfoList } from './bussiness-info.js';
import { quoted, type EdxmlWarning, type WarningSink } from './warnings.js';

// ---------------------------------------------------------------------------------------------- writing

function writeMessageHeader(h: MessageHeader): XmlNode {
  const o = h.OtherInfo;
  return {
    name: `${P}MessageHeader`,
    children: [
      writeOrganization('From', h.From),
      ...h.To.map((t) => writeOrganization('To', t)),
      leaf('DocumentId', h.DocumentId),
      { name: `${P}Code`, children: [leaf('CodeNumber', h.Code.CodeNumber), leaf('CodeNotation', h.Code.CodeNotation)] },
      {
        name: `${P}PromulgationInfo`,
        children: [leaf('Place', h.PromulgationInfo.Place), leaf('PromulgationDate', h.PromulgationInfo.PromulgationDate)],
      },
      {
        name: `${P}DocumentType`,
        children: [leaf('Type', h.DocumentType.Type), leaf('TypeDetail', h.DocumentType.TypeDetail), leaf('TypeName', h.DocumentType.TypeName)],
      },
      leaf('Subject', h.Subject),
      leaf('Content', h.Content),
      {
        name: `${P}SignerInfo`,
        children: [leaf('Competence', h.SignerInfo.Competence), leaf('Position', h.SignerInfo.Position), leaf('FullName', h.SignerInfo.FullName)],
      },
      leaf('DueDate', h.DueDate),
      {
        name: `${P}OtherInfo`,
        children: [
          leaf('Priority', o.Priority),
          leaf('SphereOfPromulgation', o.SphereOfPromulgation),
          leaf('TyperNotation', o.TyperNotation),
          leaf('PromulgationAmount', o.PromulgationAmount),
          leaf('PageAmount', o.PageAmount),
          leaf('Direction', o.Direction),
          o.Appendixes && o.Appendixes.length > 0 ? { name: `${P}Appendixes`, children: o.Appendixes.map((a) => leaf('Appendix', a)) } : null,
        ],
      },
      ...h.ResponseFor.map(writeResponseFor),
      leaf('SteeringType', h.SteeringType),
      // Both vendor generators write ToPlaces last, after SteeringType.
      h.ToPlaces.length > 0 ? { name: `${P}ToPlaces`, children: h.ToPlaces.map((p) => leaf('Place', p)) } : null,
    ],
  };
}

function writeTraceHeaderList(t: TraceHeaderList): XmlNode {
  const b = t.Bussiness;
  return {
    name: `${P}TraceHeaderList`,
    children: [
      // Bussiness first, then the trace, as both vendor generators write it.
      {
        name: `${P}Bussiness`,
        children: [
          leaf('BussinessDocType', b.BussinessDocType),
          leaf('BussinessDocReason', b.BussinessDocReason),
          leaf('DocumentId', b.DocumentId),
          leaf('Paper', b.Paper),
          writeStaffInfo(b.StaffInfo),
          // After StaffInfo, as Bkav's generator writes them; only for update / replace (checked by the builder).
          writeBussinessDocumentInfo(b.BussinessDocumentInfo),
          writeReplacementInfoList(b.ReplacementInfoList),
        ],
      },
      ...t.TraceHeader.map((h) => ({ name: `${P}TraceHeader`, children: [leaf('OrganId', h.OrganId), leaf('Timestamp', h.Timestamp)] })),
    ],
  };
}

function writeManifest(attachments: readonly Attachment[]): XmlNode {
  return {
    name: `${P}edXMLManifest`,
    attrs: { version: '1.0' },
    children: attachments.map((a) => ({
      name: `${P}Reference`,
      children: [leaf('ContentId', a.ContentId), leaf('ContentType', writtenContentType(a)), leaf('Description', a.Description), leaf('AttachmentName', a.AttachmentName)],
    })),
  };
}

/**
 * True when a receiver would unwrap these bytes: a file that is itself a one-file ZIP must be wrapped once
 * more, or the receiver would take the inner file for the attachment.
 */
function receiverWouldUnwrap(contentType: string, content: Uint8Array): boolean {
  if (!isZipContentType(contentType) || !looksLikeZip(content)) return false;
  try {
    return unwrapZip(content, OWN_OUTPUT_LIMITS).zipped;
  } catch {
    return false;
  }
}

function travelsZipped(a: Attachment): boolean {
  return a.Zipped || receiverWouldUnwrap(a.ContentType, a.Content);
}

/** The ContentType written: a zipped file is labelled application/zip, and receivers unwrap by that label. */
function writtenContentType(a: Attachment): string {
  return travelsZipped(a) ? ZIP_CONTENT_TYPE : a.ContentType;
}

function writeAttachment(a: Attachment): XmlNode {
  const transferred = travelsZipped(a) ? wrapZip(a.AttachmentName, a.Content) : a.Content;
  return {
    name: 'Attachment',
    children: [
      { name: 'ContentId', text: a.ContentId },
      { name: 'AttachmentName', text: a.AttachmentName },
      a.Description === undefined ? null : { name: 'Description', text: a.Description },
      { name: 'ContentType', text: writtenContentType(a) },
      { name: `${P}ContentTransferEncoded`, text: Buffer.from(transferred).toString('base64') },
    ],
  };
}

/** Permissive limits for re-reading our own output: only the shape is checked, never the size. */
const OWN_OUTPUT_LIMITS: EdxmlLimits = {
  maxBytes: Number.MAX_SAFE_INTEGER,
  maxDepth: 64,
  maxElements: Number.MAX_SAFE_INTEGER,
  maxAttachments: Number.MAX_SAFE_INTEGER,
  maxAttachmentBytes: Number.MAX_SAFE_INTEGER,
  maxZipEntries: 16,
};

/**
 * Builds a document package (QCVN 102:2016): `edXML` root holding `edXML:edXMLEnvelope` (header with
 * `edXML:MessageHeader` and `edXML:TraceHeaderList`, body with `edXML:edXMLManifest`) and
 * `AttachmentEncoded`, every envelope element with the explicit `edXML:` prefix, attachments base64 in
 * `edXML:ContentTransferEncoded` (wrapped in a one-file ZIP when `Zipped`). UTF-8, deterministic.
 *
 * The output is re-read with {@link parseEdocPackage} and compared with the input, so a package this function
 * emits is one the parser accepts and reads back equal.
 * @throws DomainError `ERR_EDXML_INVALID` with `details.path` when a field is invalid.
 */
export function buildEdocPackage(pkg: EdocPackage): Uint8Array {
  if (pkg === null || typeof pkg !== 'object' || !pkg.MessageHeader || !pkg.TraceHeaderList || !Array.isArray(pkg.Attachments)) {
    throw new TypeError('buildEdocPackage expects an EdocPackage');
  }
  checkBussinessInfo(pkg.TraceHeaderList.Bussiness);
  const bytes = writeXml({
    name: 'edXML',
    // The vendors' libraries: the outer element and the attachments in the edXML default namespace, envelope
    // elements with the explicit edXML: prefix (which the Government Office's validator is reported to require).
    attrs: { xmlns: EDXML_NAMESPACE, 'xmlns:edXML': EDXML_NAMESPACE },
    children: [
      {
        name: `${P}edXMLEnvelope`,
        children: [
          { name: `${P}edXMLHeader`, children: [writeMessageHeader(pkg.MessageHeader), writeTraceHeaderList(pkg.TraceHeaderList)] },
          { name: `${P}edXMLBody`, children: [writeManifest(pkg.Attachments)] },
        ],
      },
      pkg.Attachments.length > 0 ? { name: 'AttachmentEncoded', children: pkg.Attachments.map(writeAttachment) } : null,
    ],
  });
  // A raw file that is itself a one-file ZIP travels wrapped (see writeAttachment) and reads back Zipped.
  const expected: EdocPackage = {
    ...pkg,
    Attachments: pkg.Attachments.map((a) => (!a.Zipped && receiverWouldUnwrap(a.ContentType, a.Content) ? { ...a, Zipped: true } : a)),
  };
  const diff = firstDifference(expected, parseEdocPackage(bytes, OWN_OUTPUT_LIMITS));
  if (diff !== null) throw invalidEdxml(diff, 'would not read back unchanged (white space at the ends, empty or unknown value)');
  return bytes;
}

// ---------------------------------------------------------------------------------------------- reading

/** The header read, and whether its DocumentId is the one the sender wrote (false: derived, with a warning). */
interface HeaderRead {
  readonly header: MessageHeader;
  readonly documentIdAsSent: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readMessageHeader(el: XmlElement, warnings: WarningSink): HeaderRead {
  const path = 'MessageHeader';
  for (const local of ['Status', 'StatusCode']) {
    const found = childrenNamed(el, local);
    if (found.length === 0) continue;
    if (!warnings) throw invalidEdxml(`${path}.${local}`, 'a status belongs in a status package');
    warnings.push({ code: 'EDXML_STATUS_IN_MESSAGE_HEADER', path: `${path}.${local}`, detail: 'ignored: a status counts only in a status package (edXMLHeader/Status)' });
  }
  const From = readOrganization(requiredChild(el, 'From', path), `${path}.From`);
  const toEls = childrenNamed(el, 'To');
  if (toEls.length === 0) throw invalidEdxml(`${path}.To`, 'missing (at least one main recipient)');
  const To = toEls.map((t, i) => readOrganization(t, `${path}.To[${i}]`));
  const seen = new Set<string>();
  To.forEach((t, i) => {
    if (seen.has(t.OrganId)) throw invalidEdxml(`${path}.To[${i}].OrganId`, 'duplicate recipient');
    seen.add(t.OrganId);
  });

  const codeEl = requiredChild(el, 'Code', path);
  const Code = { CodeNumber: requiredText(codeEl, 'CodeNumber', `${path}.Code`, 64), CodeNotation: requiredText(codeEl, 'CodeNotation', `${path}.Code`, 128) };
  if (!isCodeNumber(Code.CodeNumber)) throw invalidEdxml(`${path}.Code.CodeNumber`, 'bad code number');
  if (!isCodeNotation(Code.CodeNotation)) throw invalidEdxml(`${path}.Code.CodeNotation`, 'bad code notation');

  const promEl = requiredChild(el, 'PromulgationInfo', path);
  const PromulgationInfo = {
    Place: requiredText(promEl, 'Place', `${path}.PromulgationInfo`, 256),
    PromulgationDate: readDate(promEl, 'PromulgationDate', `${path}.PromulgationInfo`, true, warnings),
  };

  const sent = requiredText(el, 'DocumentId', path, 512);
  const expected = formatDocumentId({
    organId: From.OrganId,
    promulgationDate: PromulgationInfo.PromulgationDate,
    codeNumber: Code.CodeNumber,
    codeNotation: Code.CodeNotation,
  });
  // The fields are validated one by one, so the id derived from them is the safe one to use.
  if (sent !== expected) {
    const composite = parseDocumentId(sent) !== null;
    if (!warnings) {
      throw invalidEdxml(`${path}.DocumentId`, composite ? 'inconsistent with From, PromulgationDate and Code' : 'not {organId},{yyyy/MM/dd},{number}/{notation}');
    }
    warnings.push({
      code: UUID.test(sent) ? 'EDXML_DOCUMENT_ID_UUID' : 'EDXML_DOCUMENT_ID_INCONSISTENT',
      path: `${path}.DocumentId`,
      detail: `${quoted(sent)} replaced by ${expected} (from From, PromulgationDate and Code)`,
    });
  }
  const DocumentId = expected;

  const typeEl = requiredChild(el, 'DocumentType', path);
  const DocumentType = compact({
    Type: readInteger(typeEl, 'Type', `${path}.DocumentType`, { required: true, max: 999 }) as number,
    TypeDetail: readInteger(typeEl, 'TypeDetail', `${path}.DocumentType`, { required: false, max: 999 }),
    TypeName: requiredText(typeEl, 'TypeName', `${path}.DocumentType`, 256),
  });

  const signerEl = requiredChild(el, 'SignerInfo', path);
  const SignerInfo = compact({
    Competence: optionalText(signerEl, 'Competence', `${path}.SignerInfo`, 256),
    Position: optionalText(signerEl, 'Position', `${path}.SignerInfo`, 256),
    FullName: requiredText(signerEl, 'FullName', `${path}.SignerInfo`, 256),
  });

  const placesEl = optionalChild(el, 'ToPlaces', path);
  const ToPlaces = placesEl
    ? childrenNamed(placesEl, 'Place').map((p, i) => {
        const t = p.text.trim();
        if (t === '' || t.length > 1024 || p.children.length > 0) throw invalidEdxml(`${path}.ToPlaces.Place[${i}]`, 'empty or too long');
        return t;
      })
    : [];

  const otherEl = requiredChild(el, 'OtherInfo', path);
  const op = `${path}.OtherInfo`;
  const appendixesEl = optionalChild(otherEl, 'Appendixes', op);
  const OtherInfo: OtherInfo = compact({
    Priority: readInteger(otherEl, 'Priority', op, { required: true, max: 4 }) as Priority,
    SphereOfPromulgation: optionalText(otherEl, 'SphereOfPromulgation', op, 1024),
    TyperNotation: optionalText(otherEl, 'TyperNotation', op, 256),
    PromulgationAmount: readInteger(otherEl, 'PromulgationAmount', op, { required: false }),
    PageAmount: readInteger(otherEl, 'PageAmount', op, { required: false }),
    Direction: readBoolean(otherEl, 'Direction', op),
    Appendixes: appendixesEl ? childrenNamed(appendixesEl, 'Appendix').map((a) => a.text.trim()) : undefined,
  });

  const ResponseFor = childrenNamed(el, 'ResponseFor').flatMap((r, i) => {
    const rp = `${path}.ResponseFor[${i}]`;
    if (warnings && isEmptyBlock(r)) {
      warnings.push({ code: 'EDXML_RESPONSE_FOR_EMPTY', path: rp, detail: 'an empty ResponseFor block, dropped' });
      return [];
    }
    return [readResponseFor(r, rp, warnings, 'warn')];
  });

  const header: MessageHeader = compact({
    From,
    To,
    DocumentId,
    Code,
    PromulgationInfo,
    DocumentType,
    Subject: requiredText(el, 'Subject', path, 4096),
    Content: optionalText(el, 'Content', path, 1024 * 1024),
    SignerInfo,
    DueDate: readDate(el, 'DueDate', path, false, warnings),
    ToPlaces,
    OtherInfo,
    ResponseFor,
    SteeringType: readInteger(el, 'SteeringType', path, { required: false, max: 3 }) as SteeringType | undefined,
  });
  return { header, documentIdAsSent: sent === expected };
}

/**
 * The update / replace blocks of `Bussiness`, read only where its BussinessDocType carries them; a block
 * elsewhere (a public SDK sample writes BussinessDocumentInfo into a new document) is ignored with a warning.
 */
function readBussinessInfo(bEl: XmlElement, bp: string, warnings: WarningSink): Pick<Bussiness, 'BussinessDocumentInfo' | 'ReplacementInfoList'> {
  const type = readInteger(bEl, 'BussinessDocType', bp, { required: true, max: 3 }) as BussinessDocType;
  const allowed = bussinessInfoAllowed(type);
  const infoEl = optionalChild(bEl, 'BussinessDocumentInfo', bp);
  const listEl = optionalChild(bEl, 'ReplacementInfoList', bp);
  for (const [el, ok, local] of [
    [infoEl, allowed.documentInfo, 'BussinessDocumentInfo'],
    [listEl, allowed.replacements, 'ReplacementInfoList'],
  ] as const) {
    if (el && !ok) {
      if (!warnings) throw invalidEdxml(`${bp}.${local}`, `not carried by BussinessDocType ${type}`);
      warnings.push({ code: 'EDXML_BUSSINESS_INFO_IGNORED', path: `${bp}.${local}`, detail: `ignored: BussinessDocType ${type} carries no ${local}` });
    }
  }
  return {
    BussinessDocumentInfo: infoEl && allowed.documentInfo ? readBussinessDocumentInfo(infoEl, `${bp}.BussinessDocumentInfo`) : undefined,
    ReplacementInfoList: listEl && allowed.replacements ? readReplacementInfoList(listEl, `${bp}.ReplacementInfoList`, warnings) : undefined,
  };
}

function readTraceHeaderList(el: XmlElement, message: HeaderRead, warnings: WarningSink): TraceHeaderList {
  const path = 'TraceHeaderList';
  const TraceHeader = childrenNamed(el, 'TraceHeader').map((t, i) => ({
    OrganId: readAgencyCode(t, 'OrganId', `${path}.TraceHeader[${i}]`),
    Timestamp: readTimestamp(t, 'Timestamp', `${path}.TraceHeader[${i}]`, warnings),
  }));
  const bEl = requiredChild(el, 'Bussiness', path);
  const bp = `${path}.Bussiness`;
  const staffEl = optionalChild(bEl, 'StaffInfo', bp);
  const Bussiness: Bussiness = compact({
    BussinessDocType: readInteger(bEl, 'BussinessDocType', bp, { required: true, max: 3 }) as BussinessDocType,
    BussinessDocReason: optionalText(bEl, 'BussinessDocReason', bp, 4096),
    DocumentId: optionalText(bEl, 'DocumentId', bp, 512),
    Paper: (readInteger(bEl, 'Paper', bp, { required: false, max: 1 }) ?? 0) as 0 | 1,
    StaffInfo: staffEl ? readStaffInfo(staffEl, `${bp}.StaffInfo`) : undefined,
    ...readBussinessInfo(bEl, bp, warnings),
  });
  // The public SDKs build a revoke without Bussiness/DocumentId: its target is the MessageHeader/DocumentId.
  // A revoke must never hit a document its sender did not name: a MessageHeader/DocumentId we replaced (UUID,
  // inconsistent) is no target.
  const byHeader = Bussiness.DocumentId === undefined && Bussiness.BussinessDocType === 1;
  if (byHeader && !message.documentIdAsSent) {
    throw invalidEdxml(`${bp}.DocumentId`, 'missing, and MessageHeader/DocumentId is not consistent with its fields: the revoke names no certain target');
  }
  const target = byHeader ? { ...Bussiness, DocumentId: message.header.DocumentId } : Bussiness;
  // A replace names its targets in ReplacementInfoList (earlierDocumentsFor reads them there); the sample SDK
  // packages leave Bussiness/DocumentId out. Lenient read only, named.
  const byList = target.DocumentId === undefined && target.BussinessDocType === 3 && (target.ReplacementInfoList?.length ?? 0) > 0;
  if (byList && warnings) {
    warnings.push({ code: 'EDXML_REPLACE_TARGETS_FROM_LIST', path: `${bp}.DocumentId`, detail: 'missing: the replaced documents are those of ReplacementInfoList' });
    return { TraceHeader, Bussiness: target };
  }
  if (target.BussinessDocType !== 0) {
    if (target.DocumentId === undefined) throw invalidEdxml(`${bp}.DocumentId`, 'missing (required for revoke, update, replace)');
    if (!parseDocumentId(target.DocumentId)) {
      // `…,2014/02/30,…` (a public SDK sample): the form of a composite id with a day that does not exist. Kept as
      // written it can name no stored document (every stored id has a real date), so it hits nothing by mistake.
      if (!warnings || !isCompositeButImpossibleDate(target.DocumentId)) throw invalidEdxml(`${bp}.DocumentId`, 'not a composite document id');
      warnings.push({ code: 'EDXML_TARGET_ID_IMPOSSIBLE_DATE', path: `${bp}.DocumentId`, detail: `kept as written (no such day): ${quoted(target.DocumentId)}` });
    }
  }
  return { TraceHeader, Bussiness: target };
}

const DATE_SHAPE = /^\d{4}\/(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])$/;

/** `{organId},{yyyy/MM/dd},{number}/{notation}` whose only fault is a day the calendar does not have (Feb 30). */
function isCompositeButImpossibleDate(id: string): boolean {
  const parts = id.split(',');
  if (parts.length !== 3 || !DATE_SHAPE.test(parts[1]!)) return false;
  return parseDocumentId(`${parts[0]},2000/01/01,${parts[2]}`) !== null;
}

const CONTENT_ID = /^cid:[^\s<>"]{1,256}$/;
// A flat character class: a grouped repetition overflows V8's regexp stack on multi-megabyte input.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string, path: string, limits: EdxmlLimits): Uint8Array {
  const clean = text.replace(/[\r\n\t ]+/g, '');
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) {
    throw new DomainError('ERR_ATTACHMENT_INVALID', 'attachment is not base64', { details: { path, reason: 'not base64' } });
  }
  const size = (clean.length / 4) * 3 - (clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0);
  if (size > limits.maxAttachmentBytes) {
    throw new DomainError('ERR_ATTACHMENT_TOO_LARGE', 'attachment too large', { details: { path, limit: 'maxAttachmentBytes', max: limits.maxAttachmentBytes } });
  }
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

function readAttachments(body: XmlElement | undefined, encoded: XmlElement | undefined, limits: EdxmlLimits): Attachment[] {
  const manifest = body ? optionalChild(body, 'edXMLManifest', 'edXMLBody') : undefined;
  const refs = manifest ? childrenNamed(manifest, 'Reference') : [];
  const atts = encoded ? encoded.children.filter((c) => c.local === 'Attachment') : [];
  if (atts.length > limits.maxAttachments) {
    throw new DomainError('ERR_PAYLOAD_TOO_LARGE', 'too many attachments', { details: { limit: 'maxAttachments', max: limits.maxAttachments } });
  }
  const refById = new Map<string, { el: XmlElement; i: number }>();
  refs.forEach((r, i) => {
    const rp = `edXMLManifest.Reference[${i}]`;
    const id = requiredText(r, 'ContentId', rp, 300);
    if (!CONTENT_ID.test(id)) throw invalidEdxml(`${rp}.ContentId`, 'not cid:…');
    if (refById.has(id)) throw invalidEdxml(`${rp}.ContentId`, 'duplicate');
    refById.set(id, { el: r, i });
  });
  const out: Attachment[] = [];
  const seen = new Set<string>();
  atts.forEach((a, i) => {
    const ap = `AttachmentEncoded.Attachment[${i}]`;
    const ContentId = requiredText(a, 'ContentId', ap, 300);
    if (!CONTENT_ID.test(ContentId)) throw invalidEdxml(`${ap}.ContentId`, 'not cid:…');
    if (seen.has(ContentId)) throw invalidEdxml(`${ap}.ContentId`, 'duplicate');
    seen.add(ContentId);
    const ref = refById.get(ContentId);
    if (!ref) throw invalidEdxml(`${ap}.ContentId`, 'no manifest Reference with this ContentId');
    const AttachmentName = requiredText(a, 'AttachmentName', ap, 512);
    const ContentType = requiredText(a, 'ContentType', ap, 256);
    const Description = optionalText(a, 'Description', ap, 4096);
    const rp = `edXMLManifest.Reference[${ref.i}]`;
    for (const [field, value] of [
      ['AttachmentName', AttachmentName],
      ['ContentType', ContentType],
      ['Description', Description],
    ] as const) {
      const r = optionalText(ref.el, field, rp, 4096);
      if (r !== undefined && r !== value) throw invalidEdxml(`${rp}.${field}`, 'differs from the attachment');
    }
    const encEl = requiredChild(a, 'ContentTransferEncoded', ap);
    const transferred = decodeBase64(encEl.text, `${ap}.ContentTransferEncoded`, limits);
    // Unwrapped by the label (as the vendors' receivers do), never by sniffing: a raw file stays as it came.
    const unwrapped = isZipContentType(ContentType) ? unwrapZip(transferred, limits) : { content: transferred, zipped: false };
    const innerType = unwrapped.zipped ? contentTypeOfName(AttachmentName) : ContentType;
    out.push(compact({ ContentId, AttachmentName, ContentType: innerType, Description, Content: unwrapped.content, Zipped: unwrapped.zipped }));
  });
  for (const [id, r] of refById) {
    if (!seen.has(id)) throw invalidEdxml(`edXMLManifest.Reference[${r.i}].ContentId`, 'no attachment with this ContentId');
  }
  return out;
}

/**
 * Parses and validates an untrusted document package (QCVN 102:2016). XML is read safely (no DTD or
 * entities, size/depth/element limits); every field is validated: agency codes with parseAgencyCode's
 * rules, real dates, Priority 0–4, BussinessDocType 0–3, a DocumentId consistent with From, PromulgationDate
 * and Code, manifest references joined one to one with attachments, ZIP wrappers unwrapped bomb-safely.
 * The enveloped XML `Signature`, if any, is not interpreted here. Strict: what {@link readEdocPackage} would
 * forgive with a warning is refused here.
 *
 * @throws DomainError `ERR_XML_*` (see parseXmlSafely), `ERR_EDXML_INVALID` with `details.path`,
 *   `ERR_ATTACHMENT_INVALID`, `ERR_ATTACHMENT_TOO_LARGE`, `ERR_PAYLOAD_TOO_LARGE` (attachment count).
 */
export function parseEdocPackage(bytes: Uint8Array, limits?: Partial<EdxmlLimits>): EdocPackage {
  return parseWith(bytes, limits, undefined);
}

/** A package read leniently, with what was forgiven. */
export interface EdocReadResult {
  readonly package: EdocPackage;
  /** In document order; empty when the package is as QCVN 102:2016 writes it. */
  readonly warnings: readonly EdxmlWarning[];
}

/**
 * Reads an untrusted document package as real senders write it: the same safety limits and field checks as
 * {@link parseEdocPackage}, but the forms listed in {@link EdxmlWarningCode} are accepted, each with a named
 * warning (never silently). Use it where the warnings are shown (receiver findings, `edxml inspect`).
 * @throws DomainError the codes of {@link parseEdocPackage}.
 */
export function readEdocPackage(bytes: Uint8Array, limits?: Partial<EdxmlLimits>): EdocReadResult {
  const warnings: EdxmlWarning[] = [];
  const pkg = parseWith(bytes, limits, warnings);
  return { package: pkg, warnings };
}

function parseWith(bytes: Uint8Array, limits: Partial<EdxmlLimits> | undefined, warnings: WarningSink): EdocPackage {
  const lim = resolveLimits(limits);
  const env = readEnvelope(bytes, lim);
  if (env.kind !== 'edoc') throw invalidEdxml('edXMLHeader.MessageHeader', 'missing (this is a status package)');
  const message = readMessageHeader(env.content, warnings);
  const MessageHeader = message.header;
  const traceEl = optionalChild(env.header, 'TraceHeaderList', 'edXMLHeader');
  if (!traceEl) throw invalidEdxml('edXMLHeader.TraceHeaderList', 'missing');
  if (traceEl.ns !== EDXML_NAMESPACE) throw invalidEdxml('edXMLHeader.TraceHeaderList', 'wrong namespace');
  const TraceHeaderList = readTraceHeaderList(traceEl, message, warnings);
  const Attachments = readAttachments(env.body, env.attachments, lim);
  return { MessageHeader, TraceHeaderList, Attachments };
}
