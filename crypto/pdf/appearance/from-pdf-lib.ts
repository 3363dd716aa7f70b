import { PDFArray, PDFBool, PDFDict as LibDict, PDFHexString, PDFName as LibName, PDFNull, PDFNumber, PDFRef as LibRef, PDFStream as LibStream, PDFString as LibString, type PDFContext, type PDFObject as LibObject } from 'pdf-lib';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from '../syntax/objects.js';

/** Where imported objects go: an incremental update, or an appearance template that is written many times. */
export interface ObjectSink {
  allocate(): PdfRef;
  set(ref: PdfRef, value: PdfObject): void;
}

/**
 * Copies objects that pdf-lib built (an embedded font subset, an image) into our incremental update,
 * renumbering their references. pdf-lib only draws; it never writes the signed file.
 */
export class PdfLibImporter {
  private readonly map = new Map<string, PdfRef>();

  constructor(
    private readonly context: PDFContext,
    private readonly writer: ObjectSink,
  ) {}

  /** Imports the object behind `ref` (and everything it reaches) and returns its new reference. */
  importRef(ref: LibRef): PdfRef {
    const key = ref.toString();
    const known = this.map.get(key);
    if (known) return known;
    const mine = this.writer.allocate();
    this.map.set(key, mine);
    const obj = this.context.lookup(ref);
    this.writer.set(mine, obj === undefined ? null : this.convert(obj));
    return mine;
  }

  convert(o: LibObject): PdfObject {
    if (o instanceof LibRef) return this.importRef(o);
    if (o instanceof LibName) return new PdfName(o.decodeText());
    if (o instanceof PDFNumber) return o.asNumber();
    if (o instanceof PDFBool) return o.asBoolean();
    if (o === PDFNull) return null;
    if (o instanceof LibString) return new PdfString(o.asBytes(), false);
    if (o instanceof PDFHexString) return new PdfString(o.asBytes(), true);
    if (o instanceof PDFArray) return o.asArray().map((x) => this.convert(x));
    if (o instanceof LibDict) return this.convertDict(o);
    if (o instanceof LibStream) {
      const contents = o.getContents();
      return new PdfStream(this.convertDict(o.dict), contents);
    }
    throw new TypeError(`unsupported pdf-lib object ${o.constructor.name}`);
  }

  private convertDict(d: LibDict): PdfDict {
    const out = new PdfDict();
    for (const [k, v] of d.entries()) {
      const key = k.decodeText();
      if (key === 'Length') continue;
      out.set(key, this.convert(v));
    }
    return out;
  }
}
