/** Byte helpers shared by the certificate and CRL parsers. */

/** Equal length and content (memcmp, ~50× cheaper than hashing). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function hexOf(view: Uint8Array): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex');
}

/** An INTEGER's content as hex without leading zero bytes (how serial numbers are compared and shown). */
export function serialHex(view: Uint8Array): string {
  let i = 0;
  while (i < view.length - 1 && view[i] === 0) i++;
  return hexOf(view.subarray(i));
}
