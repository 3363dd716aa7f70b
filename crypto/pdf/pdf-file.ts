import { CryptoError } from '../errors.js';
import { decodeStream } from './filters.js';
import { PdfBudget, resolvePdfLimits, type PdfLimits } from './limits.js';
import { asArray, asDict, asInteger, isName, PdfDict, PdfRef, PdfStream, type PdfObject } from './syntax/objects.js';
import { PdfParser } from './syntax/parser.js';
import { findStartXref, readXrefChain, type XrefEntry, type XrefSection } from './xref.js';

function malformed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_PDF_MALFORMED', message, cause === undefined ? undefined : { cause });
}

const MAX_PAGES = 100_000;

/**
 * Objects parsed by any view of one file, by absolute offset: the header's object number, the value, and how
 * far the parse read (a view shorter than that must parse again: the object runs past its end). Parses that
 * resolved an indirect /Length are not kept: that length is the view's own.
 */
type SharedParses = Map<number, { readonly num: number; readonly value: PdfObject; readonly reach: number }>;

/** For each object number, the sections (indices, newest first = 0) that define it, ascending. */
type ChainIndex = Map<number, number | number[]>;

function buildIndex(sections: readonly XrefSection[]): ChainIndex {
  const index: ChainIndex = new Map();
  sections.forEach((s, i) => {
    for (const n of s.entries.keys()) {
      const had = index.get(n);
      if (had === undefined) index.set(n, i);
      else if (typeof had === 'number') index.set(n, [had, i]);
      else had.push(i);
    }
  });
  return index;
}

export interface OpenPdfOptions {
  /** Caps on revisions, xref entries and inflated bytes (DEFAULT_PDF_LIMITS for those not given). */
  readonly limits?: Partial<PdfLimits>;
}

/**
 * A read-only view of a PDF file as its cross-reference sections say it is (ISO 32000-1 §7.5): objects are
 * resolved through the xref chain, never by scanning, so a revision means exactly what a conforming reader
 * shows. Objects are parsed lazily and cached. The chain is read once; {@link PdfFile.revision} gives the view
 * of an earlier revision from the same sections (no re-reading), so the cost is linear in revisions.
 */
export class PdfFile {
  /** Offset of "%PDF-" (junk before it is tolerated). */
  readonly headerOffset: number;
  /** What to add to offsets written in the file: 0, or headerOffset for files whose offsets count from %PDF. */
  readonly shift: number;
  /** The value of the last startxref. */
  readonly startxref: number;
  readonly trailer: PdfDict;
  /** What reading this file may still cost (shared with its revision views). */
  readonly budget: PdfBudget;
  private readonly cache = new Map<number, PdfObject>();
  private readonly objStmCache = new Map<number, Map<number, PdfObject>>();
  private readonly resolving = new Set<number>();
  private merged?: Map<number, XrefEntry>;
  private readLog?: Set<number>;
  private readonly memos = new Map<object, { readonly value: unknown; readonly reads: ReadonlySet<number> }>();

  private constructor(
    readonly bytes: Uint8Array,
    headerOffset: number,
    shift: number,
    startxref: number,
    /** Every section of the chain, newest first; this view starts at `base`. */
    private readonly chain: readonly XrefSection[],
    private readonly index: ChainIndex,
    private readonly base: number,
    budget: PdfBudget,
    /** Shared with every revision view of the same chain: an object at an offset is parsed once. */
    private readonly parses: SharedParses = new Map(),
    /** The revision views made from this chain, by section offset and end: each is made once. */
    private readonly views: Map<string, PdfFile> = new Map(),
  ) {
    this.headerOffset = headerOffset;
    this.shift = shift;
    this.startxref = startxref;
    this.trailer = chain[base]!.trailer;
    this.budget = budget;
  }

  /**
   * Opens `bytes` (not copied). `end` limits the view to a prefix, e.g. the revision a signature covers.
   * Throws ERR_PDF_MALFORMED when no cross-reference chain can be read, ERR_PDF_LIMIT when a cap is exceeded.
   */
  static open(bytes: Uint8Array, end = bytes.length, options: OpenPdfOptions = {}): PdfFile {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
    const limits = resolvePdfLimits(options.limits);
    const view = end === bytes.length ? bytes : bytes.subarray(0, end);
    const buf = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    const headerOffset = buf.indexOf('%PDF-', 0, 'latin1');
    if (headerOffset < 0 || headerOffset > 1024) throw malformed('no %PDF- header in the first 1024 bytes');
    const sx = findStartXref(view, view.length);
    const shifts = headerOffset > 0 ? [0, headerOffset] : [0];
    let lastError: unknown;
    for (const shift of shifts) {
      try {
        const budget = new PdfBudget(limits);
        const sections = readXrefChain(view, sx.value, shift, budget);
        return new PdfFile(view, headerOffset, shift, sx.value, sections, buildIndex(sections), 0, budget);
      } catch (e) {
        if (e instanceof CryptoError && e.code === 'ERR_PDF_LIMIT') throw e;
        lastError = e;
      }
    }
    if (lastError instanceof CryptoError) throw lastError;
    throw malformed('cross-reference chain cannot be read', lastError);
  }

  /** Sections of this revision's chain, newest first. */
  get sections(): readonly XrefSection[] {
    return this.base === 0 ? this.chain : this.chain.slice(this.base);
  }

  /**
   * The revision whose cross-reference section starts at `sectionOffset` (a section of this file's chain), seen
   * as the bytes up to `end` only: what a reader of that revision alone shows. Built from the sections read once;
   * when one of them would need bytes beyond `end`, the prefix is read on its own instead. The same view is
   * returned for the same revision (and this file for its own last revision), so its objects are resolved once.
   */
  revision(sectionOffset: number, end: number): PdfFile {
    if (end === this.bytes.length && sectionOffset === this.startxref) return this;
    const key = `${sectionOffset}:${end}`;
    const known = this.views.get(key);
    if (known) return known;
    const at = this.chain.findIndex((s, i) => i >= this.base && s.offset === sectionOffset);
    const fits = at >= 0 && this.chain.slice(at).every((s) => s.offset + this.shift < end && s.end <= end);
    if (!fits) return PdfFile.open(this.bytes, end, { limits: this.budget.limits });
    const view = new PdfFile(this.bytes.subarray(0, end), this.headerOffset, this.shift, sectionOffset, this.chain, this.index, at, this.budget, this.parses, this.views);
    this.views.set(key, view);
    return view;
  }

  /** Index (newest first, in this view) of the section whose entry for `num` is in force, if any. */
  definingSection(num: number): number | undefined {
    const idx = this.index.get(num);
    if (idx === undefined) return undefined;
    if (typeof idx === 'number') return idx >= this.base ? idx - this.base : undefined;
    for (const i of idx) if (i >= this.base) return i - this.base;
    return undefined;
  }

  /** The cross-reference entry in force for `num` in this revision. */
  entry(num: number): XrefEntry | undefined {
    const i = this.definingSection(num);
    return i === undefined ? undefined : this.chain[i + this.base]!.entries.get(num);
  }

  /** The merged cross-reference table of this revision (built on first use). */
  get table(): ReadonlyMap<number, XrefEntry> {
    if (!this.merged) {
      const table = new Map<number, XrefEntry>();
      for (let i = this.chain.length - 1; i >= this.base; i--) for (const [n, e] of this.chain[i]!.entries) table.set(n, e);
      this.merged = table;
    }
    return this.merged;
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
    for (const n of this.index.keys()) if (n >= size && this.definingSection(n) !== undefined) size = n + 1;
    return size;
  }

  isEncrypted(): boolean {
    return this.trailer.has('Encrypt');
  }

  /** Generation number an object currently has (0 for new or compressed objects). */
  generationOf(num: number): number {
    const e = this.entry(num);
    return e?.type === 1 ? e.gen : 0;
  }

  /** Resolves a reference (or returns a direct object). Free or missing objects resolve to null (§7.3.10). */
  resolve(o: PdfObject | undefined): PdfObject {
    if (o === undefined) return null;
    if (!(o instanceof PdfRef)) return o;
    return this.getObject(o.num);
  }

  /** Runs `fn` and records in `log` the number of every object (and object stream) it reads. */
  tracking<T>(log: Set<number>, fn: () => T): T {
    const before = this.readLog;
    this.readLog = log;
    try {
      return fn();
    } finally {
      this.readLog = before;
    }
  }

  /**
   * `fn()` computed once for this view (keyed by `key`, e.g. the function itself): for pure readings of the
   * view such as its signature fields, asked for by several checks. A later call returns the same value and
   * records the same object reads in an active {@link PdfFile.tracking} log, as computing it again would.
   */
  memo<T>(key: object, fn: () => T): T {
    const known = this.memos.get(key);
    if (known) {
      if (this.readLog) for (const n of known.reads) this.readLog.add(n);
      return known.value as T;
    }
    const outer = this.readLog;
    const reads = new Set<number>();
    try {
      const value = this.tracking(reads, fn);
      this.memos.set(key, { value, reads });
      return value;
    } finally {
      if (outer) for (const n of reads) outer.add(n);
    }
  }

  getObject(num: number): PdfObject {
    this.readLog?.add(num);
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
    const e = this.entry(num);
    if (!e || e.type === 0) return null;
    if (e.type === 1) return this.parseAt(e.offset, num);
    this.readLog?.add(e.stream);
    const objs = this.objectStream(e.stream);
    return objs.get(num) ?? null;
  }

  /**
   * Parses the indirect object that starts at a written offset. Every view of the file reads the same bytes, so
   * a parse another view made is reused when it read nothing beyond this view's end and its length was direct.
   */
  parseAt(offset: number, num?: number): PdfObject {
    const at = offset + this.shift;
    if (at < 0 || at >= this.bytes.length) throw malformed(`object ${num ?? '?'} offset ${offset} is outside the file`);
    const known = this.parses.get(at);
    if (known && (num === undefined || known.num === num) && known.reach <= this.bytes.length) return known.value;
    let ownLength = false;
    const p = new PdfParser(this.bytes, at, 0, (ref) => {
      ownLength = true;
      const v = this.getObject(ref.num);
      return typeof v === 'number' ? v : undefined;
    });
    try {
      const parsed = p.parseIndirectObject(num);
      if (!ownLength && p.reach <= this.bytes.length) this.parses.set(at, { num: parsed.num, value: parsed.value, reach: p.reach });
      return parsed.value;
    } catch (e) {
      throw malformed(`object ${num ?? '?'} at offset ${offset} cannot be parsed`, e);
    }
  }

  /** Offset where an uncompressed object is written, if it is. */
  offsetOf(num: number): number | undefined {
    const e = this.entry(num);
    return e?.type === 1 ? e.offset + this.shift : undefined;
  }

  private objectStream(streamNum: number): Map<number, PdfObject> {
    const cached = this.objStmCache.get(streamNum);
    if (cached) return cached;
    const e = this.entry(streamNum);
    if (!e || e.type !== 1) throw malformed(`object stream ${streamNum} is not an uncompressed object`);
    const s = this.parseAt(e.offset, streamNum);
    if (!(s instanceof PdfStream) || !isName(s.dict.get('Type'), 'ObjStm')) throw malformed(`object ${streamNum} is not an object stream`);
    const n = asInteger(s.dict.get('N'));
    const first = asInteger(s.dict.get('First'));
    if (n === undefined || first === undefined || n < 0 || first < 0) throw malformed(`object stream ${streamNum} lacks /N or /First`);
    const data = decodeStream(s, this.budget);
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
      const te = this.entry(objNum);
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
