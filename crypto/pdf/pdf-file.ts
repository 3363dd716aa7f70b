import { CryptoError } from '../errors.js';
import { decodeStream } from './filters.js';
import { asArray, asDict, asInteger, isName, PdfDict, PdfRef, PdfStream, type PdfObject } from './syntax/objects.js';
import { PdfParser } from './syntax/parser.js';
import { findStartXref, readXrefChain, type XrefEntry, type XrefSection } from './xref.js';

function malformed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_PDF_MALFORMED', message, cause === undefined ? undefined : { cause });
}

const MAX_PAGES = 100_000;

/**
 * A read-only view of a PDF file as its cross-reference sections say it is (ISO 32000-1 §7.5): objects are
 * resolved through the xref chain, never by scanning, so a revision means exactly what a conforming reader
 * shows. Objects are parsed lazily and cached.
 */
export class PdfFile {
  /** Offset of "%PDF-" (junk before it is tolerated). */
  readonly headerOffset: number;
  /** What to add to offsets written in the file: 0, or headerOffset for files whose offsets count from %PDF. */
  readonly shift: number;
  /** The value of the last startxref. */
  readonly startxref: number;
  /** Sections newest first. */
  readonly sections: readonly XrefSection[];
  /** The merged cross-reference table of the newest revision. */
  readonly table: ReadonlyMap<number, XrefEntry>;
  readonly trailer: PdfDict;
  private readonly cache = new Map<number, PdfObject>();
  private readonly objStmCache = new Map<number, Map<number, PdfObject>>();
  private readonly resolving = new Set<number>();

  private constructor(
    readonly bytes: Uint8Array,
    headerOffset: number,
    shift: number,
    startxref: number,
    sections: XrefSection[],
  ) {
    this.headerOffset = headerOffset;
    this.shift = shift;
    this.startxref = startxref;
    this.sections = sections;
    const table = new Map<number, XrefEntry>();
    for (let i = sections.length - 1; i >= 0; i--) for (const [n, e] of sections[i]!.entries) table.set(n, e);
    this.table = table;
    this.trailer = sections[0]!.trailer;
  }

  /**
   * Opens `bytes` (not copied). `end` limits the view to a prefix, e.g. the revision a signature covers.
   * Throws ERR_PDF_MALFORMED when no cross-reference chain can be read.
   */
  static open(bytes: Uint8Array, end = bytes.length): PdfFile {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
    const view = end === bytes.length ? bytes : bytes.subarray(0, end);
    const buf = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    const headerOffset = buf.indexOf('%PDF-', 0, 'latin1');
    if (headerOffset < 0 || headerOffset > 1024) throw malformed('no %PDF- header in the first 1024 bytes');
    const sx = findStartXref(view, view.length);
    const shifts = headerOffset > 0 ? [0, headerOffset] : [0];
    let lastError: unknown;
    for (const shift of shifts) {
      try {
        const sections = readXrefChain(view, sx.value, shift);
        return new PdfFile(view, headerOffset, shift, sx.value, sections);
      } catch (e) {
        lastError = e;
      }
    }
    if (lastError instanceof CryptoError) throw lastError;
    throw malformed('cross-reference chain cannot be read', lastError);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** The trailer's /Root reference. */
  get rootRef(): PdfRef {
    const r = this.trailer.get('Root');
    if (!(r instanceof PdfRef)) throw malformed('trailer has no /Root reference');
    return r;
  }

  get catalog(): PdfDict {
    const c = asDict(this.resolve(this.rootRef));
    if (!c) throw malformed('document catalog is not a dictionary');
    return c;
  }

  /** Highest object number + 1 as the trailer says (at least as large as any number in the table). */
  get size(): number {
    let size = asInteger(this.trailer.get('Size')) ?? 0;
    for (const n of this.table.keys()) if (n >= size) size = n + 1;
    return size;
  }

  isEncrypted(): boolean {
    return this.trailer.has('Encrypt');
  }

  /** Generation number an object currently has (0 for new or compressed objects). */
  generationOf(num: number): number {
    const e = this.table.get(num);
    return e?.type === 1 ? e.gen : 0;
  }

  /** Resolves a reference (or returns a direct object). Free or missing objects resolve to null (§7.3.10). */
  resolve(o: PdfObject | undefined): PdfObject {
    if (o === undefined) return null;
    if (!(o instanceof PdfRef)) return o;
    return this.getObject(o.num);
  }

  getObject(num: number): PdfObject {
    const cached = this.cache.get(num);
    if (cached !== undefined) return cached;
    if (this.resolving.has(num)) throw malformed(`object ${num} refers to itself while being parsed`);
    this.resolving.add(num);
    try {
      const v = this.loadObject(num);
      this.cache.set(num, v);
      return v;
    } finally {
      this.resolving.delete(num);
    }
  }

  private loadObject(num: number): PdfObject {
    const e = this.table.get(num);
    if (!e || e.type === 0) return null;
    if (e.type === 1) return this.parseAt(e.offset, num);
    const objs = this.objectStream(e.stream);
    return objs.get(num) ?? null;
  }

  /** Parses the indirect object that starts at a written offset. */
  parseAt(offset: number, num?: number): PdfObject {
    const at = offset + this.shift;
    if (at < 0 || at >= this.bytes.length) throw malformed(`object ${num ?? '?'} offset ${offset} is outside the file`);
    const p = new PdfParser(this.bytes, at, 0, (ref) => {
      const v = this.getObject(ref.num);
      return typeof v === 'number' ? v : undefined;
    });
    try {
      return p.parseIndirectObject(num).value;
    } catch (e) {
      throw malformed(`object ${num ?? '?'} at offset ${offset} cannot be parsed`, e);
    }
  }

  /** Offset where an uncompressed object is written, if it is. */
  offsetOf(num: number): number | undefined {
    const e = this.table.get(num);
    return e?.type === 1 ? e.offset + this.shift : undefined;
  }

  private objectStream(streamNum: number): Map<number, PdfObject> {
    const cached = this.objStmCache.get(streamNum);
    if (cached) return cached;
    const e = this.table.get(streamNum);
    if (!e || e.type !== 1) throw malformed(`object stream ${streamNum} is not an uncompressed object`);
    const s = this.parseAt(e.offset, streamNum);
    if (!(s instanceof PdfStream) || !isName(s.dict.get('Type'), 'ObjStm')) throw malformed(`object ${streamNum} is not an object stream`);
    const n = asInteger(s.dict.get('N'));
    const first = asInteger(s.dict.get('First'));
    if (n === undefined || first === undefined || n < 0 || first < 0) throw malformed(`object stream ${streamNum} lacks /N or /First`);
    const data = decodeStream(s);
    if (n > data.length / 2 || first > data.length) throw malformed(`object stream ${streamNum} has an impossible /N or /First`);
    const header = new PdfParser(data, 0);
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const numText = header.readToken();
      const offText = header.readToken();
      const objNum = Number(numText);
      const off = Number(offText);
      if (!/^\d+$/.test(numText) || !/^\d+$/.test(offText) || !Number.isSafeInteger(objNum) || !Number.isSafeInteger(off)) throw malformed(`object stream ${streamNum} has a bad header`);
      pairs.push([objNum, off]);
    }
    const out = new Map<number, PdfObject>();
    for (const [objNum, off] of pairs) {
      // Only entries the xref assigns to this stream count (a later revision may have replaced others).
      const te = this.table.get(objNum);
      if (!te || te.type !== 2 || te.stream !== streamNum) continue;
      const p = new PdfParser(data, first + off);
      out.set(objNum, p.parseObject(0));
    }
    this.objStmCache.set(streamNum, out);
    return out;
  }

  /** Pages in order (ISO 32000-1 §7.7.3), as references, walking nested page trees with a cycle guard. */
  pageRefs(): PdfRef[] {
    const out: PdfRef[] = [];
    const pages = this.catalog.get('Pages');
    if (!(pages instanceof PdfRef)) throw malformed('catalog has no /Pages reference');
    const seen = new Set<number>();
    const walk = (ref: PdfRef, depth: number): void => {
      if (seen.has(ref.num)) throw malformed('page tree has a cycle');
      if (depth > 64 || out.length > MAX_PAGES) throw malformed('page tree too deep or too large');
      seen.add(ref.num);
      const node = asDict(this.resolve(ref));
      if (!node) throw malformed(`page tree node ${ref.num} is not a dictionary`);
      if (isName(node.get('Type'), 'Page') || (!node.has('Kids') && !isName(node.get('Type'), 'Pages'))) {
        out.push(ref);
        return;
      }
      const kids = asArray(this.resolve(node.get('Kids')));
      if (!kids) throw malformed(`page tree node ${ref.num} has no /Kids`);
      for (const k of kids) {
        if (!(k instanceof PdfRef)) throw malformed('page tree /Kids entry is not a reference');
        walk(k, depth + 1);
      }
    };
    walk(pages, 0);
    return out;
  }

  /** A page attribute, following /Parent for inheritable ones (§7.7.3.4). */
  inheritedPageAttribute(pageRef: PdfRef, key: string): PdfObject | undefined {
    let node = asDict(this.resolve(pageRef));
    for (let depth = 0; node && depth < 64; depth++) {
      const v = node.get(key);
      if (v !== undefined) return this.resolve(v);
      node = asDict(this.resolve(node.get('Parent')));
    }
    return undefined;
  }

  /** Where the revision whose section starts at `offset` ends: after its %%EOF and one EOL. */
  revisionEnd(section: XrefSection): number {
    const buf = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const sx = buf.indexOf('startxref', section.offset + this.shift, 'latin1');
    if (sx < 0) return this.bytes.length;
    const eof = buf.indexOf('%%EOF', sx, 'latin1');
    if (eof < 0) return this.bytes.length;
    let end = eof + 5;
    if (this.bytes[end] === 0x0d) end++;
    if (this.bytes[end] === 0x0a) end++;
    return end;
  }
}
