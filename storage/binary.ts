/** A binary field as read back (Buffer or BSON Binary) as a standalone Uint8Array. */
export function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  const bin = value as { buffer?: unknown; position?: unknown } | null;
  if (bin && bin.buffer instanceof Uint8Array && typeof bin.position === 'number') return new Uint8Array(bin.buffer.subarray(0, bin.position));
  throw new TypeError('stored value is not binary');
}

/** A Uint8Array as a Buffer view (no copy), which the driver stores as BSON Binary. */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
