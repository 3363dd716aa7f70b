import { createHash, type Hash } from 'node:crypto';
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

/** Digests byte ranges of one file; gives exactly what {@link digestByteRange} gives. */
export type RangeDigester = (range: ByteRange, hash: HashName) => Uint8Array;

/**
 * A {@link RangeDigester} for the signatures of one file that hashes their common prefix once. Every signature's
 * first range is a prefix of the file, [0, b), and a later signature's prefix contains an earlier one's; so the
 * file is hashed from 0 once per hash algorithm, as far as the largest prefix asked for, with the hash state
 * copied (Hash.copy) at each of `prefixEnds` it passes, and each signature adds only its second range. Two
 * signatures of a 100 KB file hash about 130 KB instead of 230 KB. A range whose prefix end is not one of
 * `prefixEnds`, or that the running hash has already passed without a copy, is hashed on its own.
 */
export function createRangeDigester(bytes: Uint8Array, prefixEnds: readonly number[]): RangeDigester {
  const ends = [...new Set(prefixEnds.filter((e) => Number.isSafeInteger(e) && e > 0 && e <= bytes.length))].sort((x, y) => x - y);
  const known = new Set(ends);
  const running = new Map<HashName, { readonly hash: Hash; at: number; next: number; readonly states: Map<number, Hash> }>();
  return (range, hash) => {
    const [a, b, c, d] = range;
    if (a !== 0 || !known.has(b)) return digestByteRange(bytes, range, hash);
    let r = running.get(hash);
    if (!r) running.set(hash, (r = { hash: createHash(NODE_HASH[hash]), at: 0, next: 0, states: new Map() }));
    while (r.at < b && r.next < ends.length) {
      const e = ends[r.next++]!;
      r.hash.update(bytes.subarray(r.at, e));
      r.at = e;
      r.states.set(e, r.hash.copy());
    }
    const state = r.states.get(b);
    if (!state) return digestByteRange(bytes, range, hash);
    const h = state.copy();
    h.update(bytes.subarray(c, c + d));
    return new Uint8Array(h.digest());
  };
}
