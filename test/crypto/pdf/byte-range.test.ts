import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { createRangeDigester, digestByteRange, type ByteRange } from '../../../crypto/pdf/byte-range.js';

/** The digest of a signature's two ranges computed the plain way: both ranges copied into one buffer. */
function plain(bytes: Uint8Array, [a, b, c, d]: ByteRange, hash: 'sha256' | 'sha384' | 'sha512'): string {
  return createHash(hash)
    .update(Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]))
    .digest('hex');
}

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

describe('crypto/pdf byte-range digests', () => {
  const bytes = new Uint8Array(randomBytes(64 * 1024));
  // Three signatures of one file: each gap inside its revision, each later revision containing the earlier one.
  const ranges: ByteRange[] = [
    [0, 10_000, 12_000, 3_000],
    [0, 30_000, 31_000, 9_000],
    [0, 50_000, 52_000, 12 * 1024],
  ];

  it('when the shared-prefix digester is asked latest first, then every digest is the plain one', () => {
    const digest = createRangeDigester(
      bytes,
      ranges.map((r) => r[1]),
    );
    for (const r of [...ranges].reverse()) expect(hex(digest(r, 'SHA-256'))).to.equal(plain(bytes, r, 'sha256'));
  });

  it('when it is asked earliest first, with several algorithms and twice for the same range, then every digest is the plain one', () => {
    const digest = createRangeDigester(
      bytes,
      ranges.map((r) => r[1]),
    );
    for (const r of [...ranges, ...ranges]) {
      expect(hex(digest(r, 'SHA-256'))).to.equal(plain(bytes, r, 'sha256'));
      expect(hex(digest(r, 'SHA-384'))).to.equal(plain(bytes, r, 'sha384'));
      expect(hex(digest(r, 'SHA-512'))).to.equal(plain(bytes, r, 'sha512'));
    }
  });

  it('when a range has a prefix end it was not told of, or does not start at 0, then it is hashed on its own and still right', () => {
    const digest = createRangeDigester(bytes, [30_000, 99_999_999, -1, 1.5]);
    expect(hex(digest(ranges[1]!, 'SHA-256'))).to.equal(plain(bytes, ranges[1]!, 'sha256'));
    const odd: ByteRange[] = [
      [0, 20_000, 21_000, 100],
      [5, 20_000, 21_000, 100],
      [0, 10_000, 12_000, 3_000],
    ];
    for (const r of odd) expect(hex(digest(r, 'SHA-256'))).to.equal(plain(bytes, r, 'sha256'));
    expect(hex(digestByteRange(bytes, odd[1]!, 'SHA-256'))).to.equal(plain(bytes, odd[1]!, 'sha256'));
  });
});
