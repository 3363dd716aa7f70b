import { CryptoError } from '../errors.js';
import { decodeStream } from './filters.js';
import { limitExceeded, type PdfBudget } from './limits.js';
import { asArray, asDict, asInteger, isName, PdfDict, PdfStream, type PdfObject } from './syntax/objects.js';
import { PdfParser } from './syntax/parser.js';

/** One cross-reference entry (ISO 32000-1 §7.5.4 and §7.5.8.3). */
export type XrefEntry = { readonly type: 0 } | { readonly type: 1; readonly offset: number; readonly gen: number } | { readonly type: 2; readonly stream: number; readonly index: number };

/** One cross-reference section with its trailer: the structural part of one revision. */
export interface XrefSection {
  /** Offset of the section as written in the file (the value of startxref / Prev). */
  readonly offset: number;
  readonly kind: 'table' | 'stream';
  readonly trailer: PdfDict;
  readonly entries: Map<number, XrefEntry>;
  /** For a cross-reference stream, its object number. */
  readonly streamObject?: number;
  /** True for a table whose trailer has /XRefStm (a hybrid-reference file, §7.5.8.4). */
  readonly hybrid: boolean;
  /** Where reading the section stopped (after the trailer dictionary or the stream): it lies before this. */
  readonly end: number;
}

function malformed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_PDF_MALFORMED', message, cause === undefined ? undefined : { cause });
}

function parseTable(bytes: Uint8Array, at: number, budget?: PdfBudget): { entries: Map<number, XrefEntry>; trailer: PdfDict; end: number } {
  const p = new PdfParser(bytes, at);
  p.expectKeyword('xref');
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    const t = p.peekToken();
    if (t === 'trailer') break;
    const startText = p.readToken();
    const countText = p.readToken();
    const start = Number(startText);
    const count = Number(countText);
    if (!/^\d+$/.test(startText) || !/^\d+$/.test(countText) || !Number.isSafeInteger(start) || !Number.isSafeInteger(count) || count > 10_000_000) {
      throw malformed(`bad xref subsection header at offset ${p.pos}`);
    }
    budget?.takeEntries(count);
    for (let i = 0; i < count; i++) {
      const fixed = p.readXrefEntry();
      if (fixed) {
        if (fixed.kind === 'n') entries.set(start + i, { type: 1, offset: fixed.offset, gen: fixed.gen });
        else entries.set(start + i, { type: 0 });
        continue;
      }
      const offText = p.readToken();
      const genText = p.readToken();
      const kind = p.readToken();
      const off = Number(offText);
      const gen = Number(genText);
      if (!/^\d+$/.test(offText) || !/^\d+$/.test(genText) || !Number.isSafeInteger(off) || (kind !== 'n' && kind !== 'f')) {
        throw malformed(`bad xref entry for object ${start + i}`);
      }
      // Some writers start the first subsection at 1 while listing object 0: tolerate it as pdf readers do.
      const num = start + i;
      if (kind === 'n') entries.set(num, { type: 1, offset: off, gen });
      else entries.set(num, { type: 0 });
    }
  }
  p.expectKeyword('trailer');
  const trailer = p.parseObject(0);
  if (!(trailer instanceof PdfDict)) throw malformed('trailer is not a dictionary');
  return { entries, trailer, end: p.pos };
}

function readUint(data: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
  return v;
}

/** Decodes the entries of a cross-reference stream (§7.5.8.2). */
export function parseXrefStreamEntries(stream: PdfStream, budget?: PdfBudget): Map<number, XrefEntry> {
  const dict = stream.dict;
  const w = asArray(dict.get('W'))?.map((x) => asInteger(x ?? undefined));
  if (!w || w.length !== 3 || w.some((x) => x === undefined || x < 0 || x > 8)) throw malformed('xref stream has an invalid /W');
  const [w0, w1, w2] = w as [number, number, number];
  const size = asInteger(dict.get('Size'));
  if (size === undefined) throw malformed('xref stream has no /Size');
  const index = asArray(dict.get('Index'))?.map((x) => asInteger(x ?? undefined)) ?? [0, size];
  if (index.length % 2 !== 0 || index.some((x) => x === undefined || x < 0)) throw malformed('xref stream has an invalid /Index');
  const rowLen = w0 + w1 + w2;
  if (rowLen === 0) throw malformed('xref stream has an empty /W');
  let rows = 0;
  for (let k = 1; k < index.length; k += 2) rows += index[k]!;
  // Count the rows before inflating anything: a stream claiming millions of rows is refused unread.
  budget?.takeEntries(rows);
  const predictorBytes = (asInteger(asDict(dict.get('DecodeParms'))?.get('Predictor')) ?? 1) >= 10 ? rows : 0;
  const data = decodeStream(stream, budget, rows * rowLen + predictorBytes + 4096);
  const entries = new Map<number, XrefEntry>();
  let row = 0;
  for (let k = 0; k < index.length; k += 2) {
    const first = index[k]!;
    const count = index[k + 1]!;
    for (let i = 0; i < count; i++, row++) {
      const at = row * rowLen;
      if (at + rowLen > data.length) throw malformed('xref stream is shorter than its /Index says');
      const type = w0 === 0 ? 1 : readUint(data, at, w0);
      const f2 = readUint(data, at + w0, w1);
      const f3 = readUint(data, at + w0 + w1, w2);
      if (type === 0) entries.set(first + i, { type: 0 });
      else if (type === 1) entries.set(first + i, { type: 1, offset: f2, gen: f3 });
      else if (type === 2) entries.set(first + i, { type: 2, stream: f2, index: f3 });
      // Other types are reserved and mean null objects (§7.5.8.3): leave them out.
    }
  }
  return entries;
}

function parseStreamSection(bytes: Uint8Array, at: number, budget?: PdfBudget): { entries: Map<number, XrefEntry>; trailer: PdfDict; num: number; end: number } {
  const p = new PdfParser(bytes, at);
  const { num, value } = p.parseIndirectObject();
  if (!(value instanceof PdfStream) || !isName(value.dict.get('Type'), 'XRef')) throw malformed(`no cross-reference stream at offset ${at}`);
  return { entries: parseXrefStreamEntries(value, budget), trailer: value.dict, num, end: p.pos };
}

function startsWithAt(bytes: Uint8Array, at: number, s: string): boolean {
  if (at < 0) return false;
  for (let i = 0; i < s.length; i++) if (bytes[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads one section at `offset + shift`. Tables start with "xref"; streams with "N G obj".
 */
export function readSection(bytes: Uint8Array, offset: number, shift: number, budget?: PdfBudget): XrefSection {
  let at = offset + shift;
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x0a || bytes[at] === 0x0d || bytes[at] === 0x09)) at++;
  if (startsWithAt(bytes, at, 'xref')) {
    const { entries, trailer, end } = parseTable(bytes, at, budget);
    let sectionEnd = end;
    const xrefStm = asInteger(trailer.get('XRefStm'));
    if (xrefStm !== undefined) {
      // Hybrid file: the table's in-use entries win; objects it lists as free or omits come from the stream.
      try {
        const stm = parseStreamSection(bytes, xrefStm + shift, budget);
        sectionEnd = Math.max(sectionEnd, stm.end);
        for (const [n, e] of stm.entries) {
          const t = entries.get(n);
          if (t === undefined || t.type === 0) entries.set(n, e);
        }
      } catch (e) {
        if (e instanceof CryptoError && e.code === 'ERR_PDF_LIMIT') throw e;
        throw malformed('hybrid file: its /XRefStm cannot be read', e);
      }
    }
    return { offset, kind: 'table', trailer, entries, hybrid: xrefStm !== undefined, end: sectionEnd };
  }
  const { entries, trailer, num, end } = parseStreamSection(bytes, at, budget);
  return { offset, kind: 'stream', trailer, entries, streamObject: num, hybrid: false, end };
}

/** Finds the last `startxref` before `end` and returns its value and position. */
export function findStartXref(bytes: Uint8Array, end: number): { value: number; at: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buf.lastIndexOf('startxref', end, 'latin1');
  if (at < 0) throw malformed('no startxref: not a PDF file or truncated');
  const p = new PdfParser(bytes, at + 9);
  const value = Number(p.readToken());
  if (!Number.isSafeInteger(value) || value < 0) throw malformed('startxref is not an offset');
  return { value, at };
}

/**
 * Follows startxref and the /Prev chain once; returns the sections newest first. Every revision's table is
 * built from these sections (PdfFile), so reading a file is linear in its revisions. With a `budget`, more
 * sections than maxRevisions, or more entries than maxXrefEntries, throw ERR_PDF_LIMIT.
 */
export function readXrefChain(bytes: Uint8Array, startxref: number, shift: number, budget?: PdfBudget): XrefSection[] {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  const maxRevisions = budget?.limits.maxRevisions ?? 10_000;
  let next: number | undefined = startxref;
  while (next !== undefined) {
    if (seen.has(next)) throw malformed('cross-reference /Prev chain loops');
    seen.add(next);
    if (sections.length >= maxRevisions) throw limitExceeded(`more than ${maxRevisions} revisions (limit maxRevisions)`);
    const s = readSection(bytes, next, shift, budget);
    sections.push(s);
    const prev: PdfObject | undefined = s.trailer.get('Prev');
    next = prev === undefined ? undefined : asInteger(prev);
    if (prev !== undefined && next === undefined) throw malformed('trailer /Prev is not an offset');
  }
  return sections;
}

/** True when `obj` is an xref stream dictionary (kept out of change analysis: it is structure, not content). */
export function isXrefStreamDict(obj: PdfObject | undefined): boolean {
  return isName(asDict(obj)?.get('Type'), 'XRef');
}
