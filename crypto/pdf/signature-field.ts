import { CryptoError } from '../errors.js';
import { IncrementalWriter, type AppendedRevision } from './incremental-writer.js';
import type { PdfFile } from './pdf-file.js';
import type { ByteRange } from './byte-range.js';
import { asArray, asDict, asInteger, decodeTextString, encodeTextString, name, PdfDict, PdfRef, PdfStream, PdfString, type PdfObject } from './syntax/objects.js';
import { serializeObject } from './syntax/serialize.js';

/** What goes into the new signature dictionary (ISO 32000-1 §12.8.1, Table 252). */
export interface SignatureDictionaryFields {
  readonly subFilter: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
  /** /M, already in PDF date format. */
  readonly m: string;
  readonly reason?: string;
  readonly location?: string;
  readonly signerName?: string;
  readonly contactInfo?: string;
  /** DocMDP certification with this permission level (§12.8.2.2). */
  readonly docMdpP?: 1 | 2 | 3;
}

export interface PlaceholderRequest {
  readonly file: PdfFile;
  readonly writer: IncrementalWriter;
  /** 0-based page index. */
  readonly pageIndex: number;
  /** [x1, y1, x2, y2] in default user space; [0,0,0,0] makes an invisible signature. */
  readonly rect: readonly [number, number, number, number];
  /** The normal appearance stream (a form XObject) already written through `writer`, if visible. */
  readonly appearance?: PdfRef;
  readonly fieldName?: string;
  /** Sign into this existing, empty signature field (its widget keeps its page and rectangle). */
  readonly emptyField?: { readonly field: PdfRef; readonly widget: PdfRef };
  readonly signature: SignatureDictionaryFields;
  /** Size of /Contents in bytes (the hex string holds twice as many digits). */
  readonly contentsBytes: number;
}

/** A new file with an empty /Contents: what to hash and where to write the CMS. */
export interface PreparedSignature {
  readonly bytes: Uint8Array;
  readonly byteRange: ByteRange;
  /** Offset of the first hex digit of /Contents, and how many bytes of CMS fit. */
  readonly contentsAt: number;
  readonly contentsBytes: number;
  readonly fieldName: string;
}

const BR_WIDTH = 10;

/** Fully qualified names of every terminal field (§12.7.3.2), to pick a fresh one. */
export function collectFieldNames(file: PdfFile, fields: PdfObject[] | undefined): Set<string> {
  const names = new Set<string>();
  const seen = new Set<number>();
  const walk = (ref: PdfObject, prefix: string, depth: number): void => {
    if (depth > 32) return;
    if (ref instanceof PdfRef) {
      if (seen.has(ref.num)) return;
      seen.add(ref.num);
    }
    const d = asDict(file.resolve(ref));
    if (!d) return;
    const t = d.get('T');
    const own = t instanceof PdfString ? decodeTextString(t) : undefined;
    const full = own === undefined ? prefix : prefix ? `${prefix}.${own}` : own;
    const kids = asArray(file.resolve(d.get('Kids')));
    if (kids && kids.length > 0) for (const k of kids) walk(k, full, depth + 1);
    if (own !== undefined) names.add(full);
  };
  for (const f of fields ?? []) walk(f, '', 0);
  return names;
}

/**
 * Appends a signature field with its widget on the chosen page and a /Sig dictionary whose /Contents is a
 * zero-filled placeholder (ISO 32000-1 §12.7.4.5 and §12.8.1): the page's /Annots and the AcroForm's /Fields
 * are updated in the new revision, /SigFlags is set to 3, and the /ByteRange is written to cover the whole
 * new file except the /Contents hex string.
 */
export function appendSignaturePlaceholder(req: PlaceholderRequest): PreparedSignature {
  const { file, writer } = req;
  const pages = file.pageRefs();
  const pageRef = pages[req.pageIndex];
  if (!pageRef) throw new CryptoError('ERR_PDF_UNSUPPORTED', `page ${req.pageIndex + 1} does not exist (the document has ${pages.length})`);
  if (!Number.isSafeInteger(req.contentsBytes) || req.contentsBytes <= 0) throw new TypeError('contentsBytes must be a positive integer');

  const catalogRef = file.rootRef;
  const catalog = file.catalog.clone();
  let catalogChanged = false;

  // AcroForm and its /Fields.
  const acroEntry = catalog.get('AcroForm');
  let acroRef: PdfRef | undefined;
  let acro: PdfDict;
  if (acroEntry instanceof PdfRef) {
    acroRef = acroEntry;
    acro = asDict(file.resolve(acroEntry))?.clone() ?? new PdfDict();
  } else {
    acro = asDict(acroEntry)?.clone() ?? new PdfDict();
    if (acroEntry === undefined) {
      acroRef = writer.allocate();
      catalog.set('AcroForm', acroRef);
      catalogChanged = true;
    }
  }
  const fieldsEntry = acro.get('Fields');
  const existingFields = asArray(file.resolve(fieldsEntry)) ?? [];
  const names = collectFieldNames(file, existingFields);
  let fieldName = req.fieldName;
  if (req.emptyField) {
    if (fieldName === undefined) throw new TypeError('fieldName is required with emptyField');
  } else if (fieldName === undefined) {
    for (let i = 1; ; i++) if (!names.has((fieldName = `Signature${i}`))) break;
  } else if (names.has(fieldName) || fieldName.includes('.') || fieldName === '') {
    throw new CryptoError('ERR_PDF_UNSUPPORTED', `field name "${fieldName}" is taken or invalid`);
  }

  const sigRef = writer.allocate();
  const widgetRef = req.emptyField ? req.emptyField.widget : writer.allocate();

  if (!req.emptyField) {
    const newFields = [...existingFields, widgetRef];
    if (fieldsEntry instanceof PdfRef) writer.set(fieldsEntry, newFields);
    else acro.set('Fields', newFields);
  }
  acro.set('SigFlags', (asInteger(file.resolve(acro.get('SigFlags'))) ?? 0) | 3);
  if (acroRef) writer.set(acroRef, acro);
  else {
    catalog.set('AcroForm', acro);
    catalogChanged = true;
  }

  if (req.signature.docMdpP !== undefined) {
    const perms = asDict(file.resolve(catalog.get('Perms')))?.clone() ?? new PdfDict();
    perms.set('DocMDP', sigRef);
    catalog.set('Perms', perms);
    catalogChanged = true;
  }
  if (catalogChanged) writer.set(catalogRef, catalog);

  let ap = req.appearance;
  if (!ap) {
    ap = writer.allocate();
    const empty = new PdfDict().set('Type', name('XObject')).set('Subtype', name('Form')).set('BBox', [0, 0, 0, 0]);
    writer.set(ap, new PdfStream(empty, new Uint8Array(0)));
  }
  if (req.emptyField) {
    // Filling a field the author placed (§12.7.4.5): /V on the field, the new appearance on its widget.
    const { field, widget: w } = req.emptyField;
    const fieldDict = asDict(file.resolve(field))?.clone();
    if (!fieldDict) throw new CryptoError('ERR_PDF_MALFORMED', 'the signature field is not a dictionary');
    fieldDict.set('V', sigRef);
    if (w.num === field.num) fieldDict.set('AP', new PdfDict().set('N', ap));
    else {
      const widgetDict = asDict(file.resolve(w))?.clone();
      if (!widgetDict) throw new CryptoError('ERR_PDF_MALFORMED', 'the signature widget is not a dictionary');
      writer.set(w, widgetDict.set('AP', new PdfDict().set('N', ap)));
    }
    writer.set(field, fieldDict);
  } else {
    // The widget, merged with its field (§12.7.3.1).
    const widget = new PdfDict()
      .set('Type', name('Annot'))
      .set('Subtype', name('Widget'))
      .set('FT', name('Sig'))
      .set('T', encodeTextString(fieldName))
      .set('V', sigRef)
      .set('F', 132) // Print + Locked (§12.5.3)
      .set('P', pageRef)
      .set('Rect', [...req.rect]);
    widget.set('AP', new PdfDict().set('N', ap));
    writer.set(widgetRef, widget);

    // The page's /Annots.
    const page = asDict(file.resolve(pageRef));
    if (!page) throw new CryptoError('ERR_PDF_MALFORMED', 'page is not a dictionary');
    const annotsEntry = page.get('Annots');
    const annots = asArray(file.resolve(annotsEntry)) ?? [];
    if (annotsEntry instanceof PdfRef && asArray(file.resolve(annotsEntry))) writer.set(annotsEntry, [...annots, widgetRef]);
    else writer.set(pageRef, page.clone().set('Annots', [...annots, widgetRef]));
  }

  // The signature dictionary, written by hand so /ByteRange and /Contents sit at known offsets.
  const s = req.signature;
  const sig = new PdfDict().set('Type', name('Sig')).set('Filter', name('Adobe.PPKLite')).set('SubFilter', name(s.subFilter));
  sig.set('M', encodeTextString(s.m));
  if (s.signerName !== undefined) sig.set('Name', encodeTextString(s.signerName));
  if (s.reason !== undefined) sig.set('Reason', encodeTextString(s.reason));
  if (s.location !== undefined) sig.set('Location', encodeTextString(s.location));
  if (s.contactInfo !== undefined) sig.set('ContactInfo', encodeTextString(s.contactInfo));
  if (s.docMdpP !== undefined) {
    const params = new PdfDict().set('Type', name('TransformParams')).set('P', s.docMdpP).set('V', name('1.2'));
    sig.set('Reference', [new PdfDict().set('Type', name('SigRef')).set('TransformMethod', name('DocMDP')).set('TransformParams', params)]);
  }
  const body = serializeObject(sig);
  const head = `${sigRef.num} 0 obj\n${body.slice(0, -2)}/ByteRange [0 `;
  const brPlaceholder = `${' '.repeat(BR_WIDTH)} ${' '.repeat(BR_WIDTH)} ${' '.repeat(BR_WIDTH)}]`;
  const contentsHead = '/Contents <';
  const hexLen = req.contentsBytes * 2;
  const tail = '>>>\nendobj\n';
  const sigBytes = Buffer.alloc(head.length + brPlaceholder.length + contentsHead.length + hexLen + tail.length, 0x30);
  let at = 0;
  at += sigBytes.write(head, at, 'latin1');
  const brAtInObj = at;
  at += sigBytes.write(brPlaceholder, at, 'latin1');
  at += sigBytes.write(contentsHead, at, 'latin1');
  const contentsInObj = at - 1; // the "<"
  at += hexLen;
  sigBytes.write(tail, at, 'latin1');
  writer.setRaw(sigRef, sigBytes);

  const built: AppendedRevision = writer.build();
  const sigAt = built.offsets.get(sigRef.num)!;
  const lt = sigAt + contentsInObj;
  const gt = lt + 1 + hexLen + 1;
  const byteRange: ByteRange = [0, lt, gt, built.bytes.length - gt];
  const brText = `${byteRange[1]} ${byteRange[2]} ${byteRange[3]}]`;
  if (brText.length > brPlaceholder.length) throw new CryptoError('ERR_PDF_UNSUPPORTED', 'file too large for the /ByteRange placeholder');
  const out = built.bytes;
  Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(brText.padEnd(brPlaceholder.length, ' '), sigAt + brAtInObj, 'latin1');
  return { bytes: out, byteRange, contentsAt: lt + 1, contentsBytes: req.contentsBytes, fieldName };
}

/** Writes the CMS into the placeholder; never truncates (ERR_PDF_SIGNATURE_TOO_LARGE when it does not fit). */
export function embedSignatureContents(prepared: PreparedSignature, cms: Uint8Array): Uint8Array {
  if (cms.length > prepared.contentsBytes) {
    throw new CryptoError('ERR_PDF_SIGNATURE_TOO_LARGE', `signature of ${cms.length} bytes does not fit the ${prepared.contentsBytes}-byte placeholder`);
  }
  const out = prepared.bytes;
  Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(Buffer.from(cms).toString('hex'), prepared.contentsAt, 'latin1');
  return out;
}
