/** A minimal DER writer (X.690 §8, §10: definite lengths) for structures spliced or built byte by byte. */

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** One TLV with the given single-byte tag and the concatenated contents. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...lengthBytes(len)]), ...parts]));
}

/** An OBJECT IDENTIFIER TLV (X.690 §8.19). */
export function oidBytes(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** A non-negative INTEGER TLV from big-endian magnitude bytes (X.690 §8.3: minimal, sign bit clear). */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = bytes.subarray(i);
  return tlv(0x02, (b[0] ?? 0) & 0x80 ? Uint8Array.from([0, ...b]) : b.length === 0 ? Uint8Array.from([0]) : b);
}
