/**
 * The PDF object model of the reader and the incremental writer (ISO 32000-1 §7.3). Deliberately small:
 * values are plain JS where possible, so that comparing two revisions of an object is a deep equality.
 */
export class PdfName {
  constructor(readonly value: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

/**
 * A string object: its bytes, whether it was written in hex form, and, when parsed directly from the file
 * (not from an object stream), the file offsets of its token — so a signature's /Contents can be located.
 */
export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly hex: boolean,
    readonly start?: number,
    readonly end?: number,
  ) {}
}

export class PdfDict {
  readonly map: Map<string, PdfObject>;
  constructor(entries?: Iterable<[string, PdfObject]>) {
    this.map = new Map(entries ?? []);
  }
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  set(key: string, value: PdfObject): this {
    this.map.set(key, value);
    return this;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
  clone(): PdfDict {
    return new PdfDict(this.map);
  }
}

/** A stream: its dictionary and its raw (still encoded) bytes. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly raw: Uint8Array,
  ) {}
}

export type PdfObject = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfStream | PdfObject[];

/** Where a value came from in the file, for the byte-range checks of a signature dictionary. */
export interface Located<T> {
  readonly value: T;
  readonly start: number;
  readonly end: number;
}

export function name(value: string): PdfName {
  return new PdfName(value);
}

export function isName(o: PdfObject | undefined, value?: string): o is PdfName {
  return o instanceof PdfName && (value === undefined || o.value === value);
}

export function asDict(o: PdfObject | undefined): PdfDict | undefined {
  if (o instanceof PdfDict) return o;
  if (o instanceof PdfStream) return o.dict;
  return undefined;
}

export function asArray(o: PdfObject | undefined): PdfObject[] | undefined {
  return Array.isArray(o) ? o : undefined;
}

export function asNumber(o: PdfObject | undefined): number | undefined {
  return typeof o === 'number' ? o : undefined;
}

export function asInteger(o: PdfObject | undefined): number | undefined {
  return typeof o === 'number' && Number.isSafeInteger(o) ? o : undefined;
}

/** Text string (ISO 32000-1 §7.9.2.2): UTF-16BE with BOM, UTF-8 with BOM (PDF 2.0), else PDFDocEncoding (≈ Latin-1). */
export function decodeTextString(s: PdfString): string {
  const b = s.bytes;
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    let out = '';
    for (let i = 2; i + 1 < b.length; i += 2) out += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
    return out;
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return new TextDecoder().decode(b.subarray(3));
  return Buffer.from(b).toString('latin1');
}

/** Encodes a text string: Latin-1 when it fits and is printable ASCII, UTF-16BE with BOM otherwise. */
export function encodeTextString(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'), false);
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = c >> 8;
    out[3 + 2 * i] = c & 0xff;
  }
  return new PdfString(out, true);
}

/** Structural equality of two objects, references compared by number (not followed). */
export function objectsEqual(a: PdfObject | undefined, b: PdfObject | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (a instanceof PdfName) return b instanceof PdfName && a.value === b.value;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && bytesEqual(a.bytes, b.bytes);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => objectsEqual(x, b[i]));
  // /Length may be written direct or indirect: the bytes decide (ISO 32000-1 §7.3.8.2).
  if (a instanceof PdfStream) return b instanceof PdfStream && bytesEqual(a.raw, b.raw) && dictsEqual(a.dict, b.dict, 'Length');
  if (a instanceof PdfDict) return b instanceof PdfDict && dictsEqual(a, b);
  return false;
}

function dictsEqual(a: PdfDict, b: PdfDict, ignore?: string): boolean {
  const keys = (d: PdfDict): string[] => d.keys().filter((k) => k !== ignore);
  const ka = keys(a);
  if (ka.length !== keys(b).length) return false;
  return ka.every((k) => b.has(k) && objectsEqual(a.get(k), b.get(k)));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
