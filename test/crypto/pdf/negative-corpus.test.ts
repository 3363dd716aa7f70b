import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyPdf } from '../../../crypto/index.js';
import { pdfsig } from './support/tools.js';

// dist/test/crypto/pdf → test/vectors/pdf in the source tree.
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'vectors', 'pdf');
const manifest = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
  verifyAt: string;
  files: Record<string, { indication: string; subIndication?: string; about: string }>;
};
const root = new Uint8Array(readFileSync(join(dir, 'root.pem')));
const crl = new Uint8Array(readFileSync(join(dir, 'ca.crl.pem')));

describe('crypto/pdf verifyPdf against the corpus of test/vectors/pdf', () => {
  for (const [file, expected] of Object.entries(manifest.files)) {
    it(`when verifying ${file} (${expected.about}), then the result is ${expected.indication}${expected.subIndication ? `/${expected.subIndication}` : ''}`, async () => {
      const report = await verifyPdf(new Uint8Array(readFileSync(join(dir, file))), { trustAnchors: [root], crls: [crl], now: new Date(manifest.verifyAt) });
      const detail = JSON.stringify({ explanation: report.explanation, sigs: report.signatures.map((s) => [s.indication, s.subIndication, s.explanation]) });
      expect(report.indication, detail).to.equal(expected.indication);
      if (expected.subIndication) expect(report.subIndication, detail).to.equal(expected.subIndication);
      expect(Object.isFrozen(report)).to.equal(true);
    });
  }

  it('when a page content stream was replaced after signing, then the reason names the page content and the revision', async () => {
    const report = await verifyPdf(new Uint8Array(readFileSync(join(dir, 'content-changed-after-signing.pdf'))), { trustAnchors: [root], crls: [crl], now: new Date(manifest.verifyAt) });
    const sig = report.signatures[0]!;
    expect(sig.modifications.level).to.equal('DISALLOWED');
    const bad = sig.modifications.changes.filter((c) => !c.allowed);
    expect(bad.map((c) => c.what).join(';')).to.match(/content stream of page 1/);
    expect(bad[0]!.revision).to.equal(3);
  });

  it('when pdfsig reads the two independently signed files, then it also finds them valid (the corpus positives are real)', () => {
    for (const f of ['valid-openssl-adbe-pkcs7.pdf', 'valid-openssl-cades.pdf', 'valid-two-signatures.pdf']) {
      const s = pdfsig(new Uint8Array(readFileSync(join(dir, f))));
      expect(s.signatures.length, f).to.be.greaterThan(0);
      expect(
        s.signatures.every((x) => x.valid),
        s.text,
      ).to.equal(true);
    }
  });
});
