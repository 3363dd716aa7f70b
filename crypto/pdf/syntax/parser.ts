import { CryptoError } from '../../errors.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';

/** Resolves an indirect /Length while parsing a stream (ISO 32000-1 §7.3.8.2). */
export type LengthResolver = (ref: PdfRef) => number | undefined;

const WS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
/** Value of a hex digit, 16 for any other byte. */
const HEX = new Uint8Array(256).fill(16);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
/** Value of two hex digits read as one little-endian 16-bit number, -1 for any other pair. */
const HEX_PAIR = new Int16Array(65536).fill(-1);
for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) if (HEX[a]! < 16 && HEX[c]! < 16) HEX_PAIR[a | (c << 8)] = (HEX[a]! << 4) | HEX[c]!;
/** Runs of "0" digits are compared this many at a time. */
const ZERO_RUN = 256;
const ZEROS = Buffer.alloc(16 * ZERO_RUN, 0x30);
/** Hex strings longer than this many digits are decoded natively (a string and Buffer#write cost more below). */
const HEX_NATIVE = 256;

export function isWhite(c: number | undefined): boolean {
  return c !== undefined && WS[c] === 1;
}

function malformed(message: string): CryptoError {
  return new CryptoError('ERR_PDF_MALFORMED', message);
}

const MAX_DEPTH = 200;

/** Strings of at most SHORT bytes are looked up in SHORT_STRINGS (by a hash of their bytes) before being made. */
const SHORT = 24;
const SHORT_STRINGS_MAX = 4096;
const SHORT_STRINGS = new Map<number, string>();

/**
 * A recursive-descent parser of PDF objects (ISO 32000-1 §7.3) over a byte buffer. `base` is added to
 * string offsets so that locations are absolute in the file even when `bytes` is a window of it.
 */
export class PdfParser {
  pos: number;
  /** `bytes` as a Buffer (one view per parser, made when first needed: most objects need none). */
  private view?: Buffer;
  /** The furthest position a look-ahead reached before it was undone (see {@link PdfParser.reach}). */
  private far = 0;
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
    private readonly base = 0,
    private readonly resolveLength?: LengthResolver,
  ) {
    this.pos = pos;
  }

  private get buf(): Buffer {
    return (this.view ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  /**
   * One past the last byte this parser may have looked at so far: the furthest position it reached, plus the
   * longest fixed look-ahead ("endstream"). A parse whose reach is within a shorter view of the same bytes
   * gives the same result there.
   */
  get reach(): number {
    return Math.max(this.far, this.pos) + 16;
  }

  /** Records the current position before a look-ahead is undone. */
  private undo(to: number): void {
    if (this.pos > this.far) this.far = this.pos;
    this.pos = to;
  }

  skipWhitespace(): void {
    const b = this.bytes;
    for (;;) {
      const c = b[this.pos];
      if (c === undefined) return;
      if (WS[c] === 1) {
        this.pos++;
      } else if (c === 0x25 /* % */) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else {
        return;
      }
    }
  }

  /** Reads a regular token (keyword or number) without consuming delimiters. */
  readToken(): string {
    this.skipWhitespace();
    const b = this.bytes;
    const start = this.pos;
    while (this.pos < b.length && WS[b[this.pos]!] !== 1 && DELIM[b[this.pos]!] !== 1) this.pos++;
    return this.latin1(start, this.pos);
  }

  /**
   * At a token of at most 15 decimal digits (so a safe integer) that ends where {@link readToken} would end
   * it, consumes it and returns its value; otherwise returns -1 and consumes nothing. Spares the string a
   * token costs for the numbers that make up most of a PDF's syntax.
   */
  private readDigits(): number {
    const b = this.bytes;
    let i = this.pos;
    let v = 0;
    for (; i < b.length; i++) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
    }
    const n = i - this.pos;
    if (n === 0 || n > 15 || (i < b.length && WS[b[i]!] !== 1 && DELIM[b[i]!] !== 1)) return -1;
    this.pos = i;
    return v;
  }

  /**
   * At a cross-reference entry in the fixed form of ISO 32000-1 §7.5.4 ("nnnnnnnnnn ggggg n", ten and five
   * digits, one space each), consumes it and returns its fields; otherwise (any other spacing, which the
   * token path reads) returns undefined and consumes nothing.
   */
  readXrefEntry(): { offset: number; gen: number; kind: 'n' | 'f' } | undefined {
    this.skipWhitespace();
    const b = this.bytes;
    const at = this.pos;
    if (at + 18 > b.length || b[at + 10] !== 0x20 || b[at + 16] !== 0x20) return undefined;
    const k = b[at + 17];
    if (k !== 0x6e && k !== 0x66) return undefined;
    if (at + 18 < b.length && WS[b[at + 18]!] !== 1 && DELIM[b[at + 18]!] !== 1) return undefined;
    let offset = 0;
    for (let i = at; i < at + 10; i++) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39) return undefined;
      offset = offset * 10 + (c - 0x30);
    }
    let gen = 0;
    for (let i = at + 11; i < at + 16; i++) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39) return undefined;
      gen = gen * 10 + (c - 0x30);
    }
    this.pos = at + 18;
    return { offset, gen, kind: k === 0x6e ? 'n' : 'f' };
  }

  peekToken(): string {
    const save = this.pos;
    const t = this.readToken();
    this.undo(save);
    return t;
  }

  /** "num gen" of an object header: plain digits read in place, anything else as the tokens it is. */
  private readObjectHeader(): { num: number; gen: number } {
    this.skipWhitespace();
    const n = this.readDigits();
    const num = n >= 0 ? n : Number(this.readToken());
    this.skipWhitespace();
    const g = this.readDigits();
    return { num, gen: g >= 0 ? g : Number(this.readToken()) };
  }

  expectKeyword(k: string): void {
    this.skipWhitespace();
    const at = this.pos;
    if (this.startsWith(k)) {
      const after = this.bytes[at + k.length];
      if (after === undefined || WS[after] === 1 || DELIM[after] === 1) {
        this.pos = at + k.length;
        return;
      }
    }
    const t = this.readToken();
    if (t !== k) throw malformed(`expected "${k}" at offset ${this.base + this.pos}, found "${t.slice(0, 20)}"`);
  }

  /** Parses "num gen obj <object> [stream…endstream] endobj" at the current position. */
  parseIndirectObject(expectedNum?: number): { num: number; gen: number; value: PdfObject } {
    const { num, gen } = this.readObjectHeader();
    if (!Number.isSafeInteger(num) || !Number.isSafeInteger(gen)) throw malformed(`no object header at offset ${this.base + this.pos}`);
    this.expectKeyword('obj');
    if (expectedNum !== undefined && num !== expectedNum) throw malformed(`object ${expectedNum} expected, found ${num}`);
    const value = this.parseObject(0);
    this.skipWhitespace();
    if (value instanceof PdfDict && this.startsWith('stream')) {
      return { num, gen, value: this.parseStreamBody(value) };
    }
    return { num, gen, value };
  }

  private startsWith(s: string): boolean {
    for (let i = 0; i < s.length; i++) if (this.bytes[this.pos + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  private parseStreamBody(dict: PdfDict): PdfStream {
    this.pos += 6;
    // "stream" is followed by CRLF or LF (§7.3.8.1); tolerate a lone CR.
    if (this.bytes[this.pos] === 0x0d) this.pos++;
    if (this.bytes[this.pos] === 0x0a) this.pos++;
    const start = this.pos;
    let length: number | undefined;
    const l = dict.get('Length');
    if (typeof l === 'number') length = l;
    else if (l instanceof PdfRef && this.resolveLength) length = this.resolveLength(l);
    if (length !== undefined && Number.isSafeInteger(length) && length >= 0 && start + length <= this.bytes.length) {
      const save = this.pos;
      this.pos = start + length;
      this.skipWhitespace();
      if (this.startsWith('endstream')) {
        this.pos += 9;
        return new PdfStream(dict, this.bytes.subarray(start, start + length));
      }
      this.undo(save);
    }
    // Wrong or missing /Length: fall back to the next "endstream" keyword.
    const idx = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).indexOf('endstream', start, 'latin1');
    if (idx < 0) throw malformed(`unterminated stream at offset ${this.base + start}`);
    let end = idx;
    if (this.bytes[end - 1] === 0x0a) end--;
    if (this.bytes[end - 1] === 0x0d) end--;
    this.pos = idx + 9;
    return new PdfStream(dict, this.bytes.subarray(start, Math.max(start, end)));
  }

  parseObject(depth: number): PdfObject {
    if (depth > MAX_DEPTH) throw malformed('objects nested too deeply');
    this.skipWhitespace();
    const b = this.bytes;
    const c = b[this.pos];
    if (c === undefined) throw malformed('unexpected end of data');
    switch (c) {
      case 0x2f /* / */:
        return this.parseName();
      case 0x28 /* ( */:
        return this.parseLiteralString();
      case 0x3c /* < */:
        if (b[this.pos + 1] === 0x3c) return this.parseDict(depth);
        return this.parseHexString();
      case 0x5b /* [ */: {
        this.pos++;
        const arr: PdfObject[] = [];
        for (;;) {
          this.skipWhitespace();
          if (b[this.pos] === 0x5d) {
            this.pos++;
            return arr;
          }
          if (this.pos >= b.length) throw malformed('unterminated array');
          arr.push(this.parseObject(depth + 1));
        }
      }
      default: {
        const tokStart = this.pos;
        const int = this.readDigits();
        if (int >= 0) {
          // Look ahead for "gen R" (the same tokens readToken would give).
          const save = this.pos;
          this.skipWhitespace();
          const g = this.readDigits();
          if (g >= 0) {
            this.skipWhitespace();
            if (b[this.pos] === 0x52 /* R */ && (this.pos + 1 >= b.length || WS[b[this.pos + 1]!] === 1 || DELIM[b[this.pos + 1]!] === 1)) {
              this.pos++;
              return new PdfRef(int, g);
            }
          } else if (b[this.pos]! >= 0x30 && b[this.pos]! <= 0x39) {
            // A generation of more than 15 digits: read as tokens, as always.
            const gt = this.readToken();
            if (/^\d+$/.test(gt) && this.readToken() === 'R') return new PdfRef(int, Number(gt));
          }
          this.undo(save);
          return int;
        }
        const t = this.readToken();
        if (t === '') throw malformed(`unexpected byte 0x${c.toString(16)} at offset ${this.base + tokStart}`);
        if (t === 'true') return true;
        if (t === 'false') return false;
        if (t === 'null') return null;
        const n = Number(t);
        if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) || !Number.isFinite(n)) {
          throw malformed(`unexpected token "${t.slice(0, 20)}" at offset ${this.base + tokStart}`);
        }
        if (/^\d+$/.test(t)) {
          // Look ahead for "gen R".
          const save = this.pos;
          const g = this.readToken();
          if (/^\d+$/.test(g)) {
            const r = this.readToken();
            if (r === 'R') return new PdfRef(n, Number(g));
          }
          this.undo(save);
        }
        return n;
      }
    }
  }

  /**
   * The bytes [start, end) as a Latin-1 string. Short ones (names, keywords) come from a small table of strings
   * already made, confirmed byte by byte: the same few names fill every dictionary of a file.
   */
  private latin1(start: number, end: number): string {
    const len = end - start;
    if (len > SHORT) return this.buf.toString('latin1', start, end);
    const b = this.bytes;
    let h = len;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
    const known = SHORT_STRINGS.get(h);
    if (known !== undefined && known.length === len) {
      let i = 0;
      while (i < len && known.charCodeAt(i) === b[start + i]) i++;
      if (i === len) return known;
    }
    const made = this.buf.toString('latin1', start, end);
    if (known === undefined && SHORT_STRINGS.size < SHORT_STRINGS_MAX) SHORT_STRINGS.set(h, made);
    return made;
  }

  private parseName(): PdfName {
    const b = this.bytes;
    this.pos++;
    const start = this.pos;
    let end = start;
    while (end < b.length && WS[b[end]!] !== 1 && DELIM[b[end]!] !== 1 && b[end] !== 0x23) end++;
    if (end >= b.length || b[end] !== 0x23) {
      // No #xx escape: the bytes are the name.
      this.pos = end;
      return new PdfName(this.latin1(start, end));
    }
    const out: number[] = [];
    while (this.pos < b.length && WS[b[this.pos]!] !== 1 && DELIM[b[this.pos]!] !== 1) {
      const ch = b[this.pos]!;
      if (ch === 0x23 /* # */ && this.pos + 2 < b.length) {
        const hx = Buffer.from(b.subarray(this.pos + 1, this.pos + 3)).toString('latin1');
        if (/^[0-9a-fA-F]{2}$/.test(hx)) {
          out.push(parseInt(hx, 16));
          this.pos += 3;
          continue;
        }
      }
      out.push(ch);
      this.pos++;
    }
    return new PdfName(Buffer.from(out).toString('latin1'));
  }

  private parseDict(depth: number): PdfDict {
    const b = this.bytes;
    this.pos += 2;
    const dict = new PdfDict();
    for (;;) {
      this.skipWhitespace();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return dict;
      }
      if (this.pos >= b.length) throw malformed('unterminated dictionary');
      const key = this.parseObject(depth + 1);
      if (!(key instanceof PdfName)) throw malformed(`dictionary key is not a name at offset ${this.base + this.pos}`);
      const value = this.parseObject(depth + 1);
      // A null value is equivalent to an absent entry (§7.3.7).
      if (value !== null) dict.set(key.value, value);
    }
  }

  /**
   * A hex string (§7.3.4.3). Decoded straight into a byte array sized from the closing ">" (found first): a
   * signature's /Contents is tens of kilobytes of hex, read once per revision that shows it.
   */
  private parseHexString(): PdfString {
    const b = this.bytes;
    const start = this.pos;
    const close = this.buf.indexOf(0x3e, start + 1);
    if (close < 0) throw malformed('unterminated hex string');
    const out = new Uint8Array((close - start) >> 1);
    let n = 0;
    let i = start + 1;
    if (close - i > HEX_NATIVE) {
      // A long one (a signature's /Contents): its trailing run of "0" (the placeholder's padding) is found by
      // comparing from the end, and the digits before it are decoded natively as far as they are pairs of hex
      // digits (Buffer#write stops at the first pair that is not); out is zero already for the padding.
      let z = close;
      for (const step of [ZEROS.length, ZERO_RUN]) while (z - step >= i && this.buf.compare(ZEROS, 0, step, z - step, z) === 0) z -= step;
      while (z > i && b[z - 1] === 0x30) z--;
      if ((z - i) % 2 === 1 && z < close) z++;
      const written = z > i ? Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(this.buf.toString('latin1', i, z), 0, 'hex') : 0;
      n = written;
      i += 2 * written;
      if (i === z) {
        const zeros = (close - z) & ~1;
        n += zeros >> 1;
        i += zeros;
      }
    }
    // Pairs of digits without whitespace (what writers produce), then the general case from the first other byte.
    while (i + 1 < close) {
      const v = HEX_PAIR[b[i]! | (b[i + 1]! << 8)]!;
      if (v < 0) break;
      if (v === 0 && b[i + 2] === 0x30 && b[i + 3] === 0x30 && b[i + 4] === 0x30 && b[i + 5] === 0x30 && i + ZERO_RUN <= close && this.buf.compare(ZEROS, 0, ZERO_RUN, i, i + ZERO_RUN) === 0) {
        // The zero padding of a signature's /Contents: skip runs of "0" by comparison (out is zero already).
        let run = ZERO_RUN;
        for (const step of [ZEROS.length, ZERO_RUN]) {
          while (i + run + step <= close && this.buf.compare(ZEROS, 0, step, i + run, i + run + step) === 0) run += step;
        }
        i += run;
        n += run >> 1;
        continue;
      }
      out[n++] = v;
      i += 2;
    }
    let hi = -1;
    for (; i < close; i++) {
      const ch = b[i]!;
      const v = HEX[ch]!;
      if (v < 16) {
        if (hi < 0) hi = v;
        else {
          out[n++] = (hi << 4) | v;
          hi = -1;
        }
      } else if (WS[ch] !== 1) throw malformed(`invalid hex digit at offset ${this.base + i}`);
    }
    if (hi >= 0) out[n++] = hi << 4;
    this.pos = close + 1;
    return new PdfString(n === out.length ? out : out.slice(0, n), true, this.base + start, this.base + this.pos);
  }

  private parseLiteralString(): PdfString {
    const b = this.bytes;
    const start = this.pos;
    this.pos++;
    // Most strings have no escape: their bytes are copied as they stand (balanced parentheses included).
    for (let i = this.pos, depth = 1; i < b.length; i++) {
      const ch = b[i]!;
      if (ch === 0x5c /* \ */) break;
      if (ch === 0x28) depth++;
      else if (ch === 0x29 && --depth === 0) {
        this.pos = i + 1;
        return new PdfString(new Uint8Array(b.subarray(start + 1, i)), false, this.base + start, this.base + this.pos);
      }
    }
    const out: number[] = [];
    let depth = 1;
    for (;;) {
      const ch = b[this.pos++];
      if (ch === undefined) throw malformed('unterminated literal string');
      if (ch === 0x5c /* \ */) {
        const e = b[this.pos++];
        if (e === undefined) throw malformed('unterminated literal string');
        const simple: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (simple[e] !== undefined) out.push(simple[e]!);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37; k++) v = v * 8 + (b[this.pos++]! - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(e);
        continue;
      }
      if (ch === 0x28) depth++;
      else if (ch === 0x29 && --depth === 0) break;
      out.push(ch);
    }
    return new PdfString(Uint8Array.from(out), false, this.base + start, this.base + this.pos);
  }
}
