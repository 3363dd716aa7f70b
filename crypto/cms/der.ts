/**
 * A strict, allocation-free reader of BER/DER tag-length-value headers (X.690 §8.1). It only slices: it never
 * builds objects, so the hot verification path can locate the parts of a SignedData (each certificate's DER,
 * the signed attributes, the signature) without a full asn1js parse of every certificate on every call.
 * Structures are still built with pkijs/asn1js and certificates are parsed with pkijs (once, cached).
 */

/** One TLV inside a buffer. `start` is the tag offset, `value`..`end` the contents (excluding an EOC). */
export interface Tlv {
  /** The identifier octet (single-byte tags only; high tag numbers are rejected). */
  readonly tag: number;
  readonly constructed: boolean;
  readonly start: number;
  readonly value: number;
  /** End of the contents (for indefinite length: the offset of the end-of-contents octets). */
  readonly valueEnd: number;
  /** End of the whole TLV (after the end-of-contents octets when indefinite). */
  readonly end: number;
  readonly indefinite: boolean;
}

/** Thrown by the reader on malformed input; callers turn it into a coded CryptoError. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

const MAX_DEPTH = 64;

/** Reads the TLV starting at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  if (offset + 2 > limit) throw new DerError(`truncated header at ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag number at ${offset}`);
  const constructed = (tag & 0x20) !== 0;
  let p = offset + 1;
  const first = buf[p++]!;
  if (first === 0x80) {
    if (!constructed) throw new DerError(`indefinite length on a primitive at ${offset}`);
    let q = p;
    for (;;) {
      if (q + 2 > limit) throw new DerError(`missing end-of-contents for ${offset}`);
      if (buf[q] === 0 && buf[q + 1] === 0) break;
      q = readTlv(buf, q, limit, depth + 1).end;
    }
    return { tag, constructed, start: offset, value: p, valueEnd: q, end: q + 2, indefinite: true };
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4 || n === 0) throw new DerError(`unsupported length form at ${offset}`);
    if (p + n > limit) throw new DerError(`truncated length at ${offset}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
  }
  const end = p + length;
  if (end > limit) throw new DerError(`length of ${offset} runs past its container`);
  return { tag, constructed, start: offset, value: p, valueEnd: end, end, indefinite: false };
}

/** The children of a constructed TLV, in order. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  if (!parent.constructed) throw new DerError(`expected a constructed value at ${parent.start}`);
  const out: Tlv[] = [];
  let p = parent.value;
  while (p < parent.valueEnd) {
    const t = readTlv(buf, p, parent.valueEnd);
    out.push(t);
    p = t.end;
  }
  return out;
}

/** Requires `t` to carry `tag`. */
export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (t === undefined) throw new DerError(`missing ${what}`);
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** The whole TLV bytes (a view, not a copy). */
export function tlvBytes(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.start, t.end);
}

/** The contents bytes (a view). For a constructed BER string, concatenates the primitive segments. */
export function contentBytes(buf: Uint8Array, t: Tlv): Uint8Array {
  if (!t.constructed || t.tag === 0x30 || t.tag === 0x31) return buf.subarray(t.value, t.valueEnd);
  const parts = children(buf, t).map((c) => contentBytes(buf, c));
  return Buffer.concat(parts);
}

const oidMemo = new Map<string, string>();

/** Decodes an OBJECT IDENTIFIER's contents to dotted form (X.690 §8.19); the few OIDs CMS uses are memoized. */
export function decodeOid(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== 0x06 || t.valueEnd === t.value) throw new DerError(`expected an OBJECT IDENTIFIER at ${t.start}`);
  const key = Buffer.from(buf.buffer, buf.byteOffset + t.value, t.valueEnd - t.value).toString('latin1');
  const hit = oidMemo.get(key);
  if (hit !== undefined) return hit;
  const oid = decodeOidSlow(buf, t);
  if (oidMemo.size < 1024) oidMemo.set(key, oid);
  return oid;
}

function decodeOidSlow(buf: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = t.value; i < t.valueEnd; i++) {
    const b = buf[i]!;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 40 ? 0 : v < 80 ? 1 : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  if ((buf[t.valueEnd - 1]! & 0x80) !== 0) throw new DerError(`truncated OBJECT IDENTIFIER at ${t.start}`);
  return parts.join('.');
}

/** Decodes a small non-negative INTEGER. */
export function decodeSmallInt(buf: Uint8Array, t: Tlv): number {
  if (t.tag !== 0x02 || t.valueEnd - t.value > 4 || t.valueEnd === t.value) throw new DerError(`expected a small INTEGER at ${t.start}`);
  let v = 0;
  for (let i = t.value; i < t.valueEnd; i++) v = v * 256 + buf[i]!;
  return v;
}

/** Parses a whole buffer as exactly one TLV (no trailing bytes). */
export function readRoot(buf: Uint8Array): Tlv {
  const t = readTlv(buf, 0, buf.length);
  if (t.end !== buf.length) throw new DerError(`${buf.length - t.end} trailing bytes after the structure`);
  return t;
}
