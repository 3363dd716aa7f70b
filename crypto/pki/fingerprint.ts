import { createHash } from 'node:crypto';

/** Hex SHA-256 of `bytes` (the fingerprint used as cache key everywhere in pki/). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Copies a view into a standalone ArrayBuffer (asn1js wants ArrayBuffer-backed input). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
