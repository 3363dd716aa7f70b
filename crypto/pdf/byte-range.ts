import { createHash } from 'node:crypto';
import type { HashName } from '../keys/signer.js';

export type ByteRange = readonly [number, number, number, number];

const NODE_HASH: Record<HashName, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/**
 * Digest of the two byte ranges of a signature (ISO 32000-1 §12.8.1), fed to the hash as views of the file:
 * no copy of the document is made.
 */
export function digestByteRange(bytes: Uint8Array, range: ByteRange, hash: HashName): Uint8Array {
  const h = createHash(NODE_HASH[hash]);
  h.update(bytes.subarray(range[0], range[0] + range[1]));
  h.update(bytes.subarray(range[2], range[2] + range[3]));
  return new Uint8Array(h.digest());
}
