import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCryptoError, verifyPdf } from '../../../crypto/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'vectors', 'pdf');

describe('crypto/pdf verifyPdf on mutated files', function () {
  this.timeout(60_000);

  it('when random bytes of a signed file change, then verification either fails or the change lies in an unsigned /Contents gap, and never throws anything but a coded error', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { verifyAt: string };
    const options = { trustAnchors: [new Uint8Array(readFileSync(join(dir, 'root.pem')))], crls: [new Uint8Array(readFileSync(join(dir, 'ca.crl.pem')))], now: new Date(manifest.verifyAt) };
    const base = readFileSync(join(dir, 'valid-two-signatures.pdf'));
    let seed = 20261123;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = Buffer.from(' 0<>/[]()R9\n');
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(base);
      const changed: number[] = [];
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
        const at = Math.floor(rnd() * b.length);
        const v = rnd() < 0.5 ? Math.floor(rnd() * 256) : alphabet[Math.floor(rnd() * alphabet.length)]!;
        if (b[at] !== v) changed.push(at);
        b[at] = v;
      }
      try {
        const r = await verifyPdf(new Uint8Array(b), options);
        if (r.indication === 'TOTAL_PASSED') {
          const gaps = r.signatures.map((s) => s.byteRange!);
          expect(
            changed.every((at) => gaps.some((g) => at > g[1]! && at < g[2]! - 1)),
            `mutation at ${changed.join(',')}`,
          ).to.equal(true);
        }
      } catch (e) {
        expect(isCryptoError(e), String(e)).to.equal(true);
      }
    }
  });
});
