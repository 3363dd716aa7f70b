import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCryptoError, verifyPdf } from '../../../crypto/index.js';
import { emptyRevisions, hostileFiles } from './support/hostile.js';

// dist/test/crypto/pdf → test/vectors/pdf in the source tree.
const vectors = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'vectors', 'pdf');
const dir = join(vectors, 'after-signing');
const manifest = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
  verifyAt: string;
  files: Record<string, { indication: string; subIndication?: string; codes: string[]; about: string }>;
};
const trust = { trustAnchors: [new Uint8Array(readFileSync(join(dir, 'root.pem')))], crls: [new Uint8Array(readFileSync(join(dir, 'ca.crl.pem')))], now: new Date(manifest.verifyAt) };
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

describe('crypto/pdf change analysis by what the final revision shows (test/vectors/pdf/after-signing)', () => {
  for (const [file, expected] of Object.entries(manifest.files)) {
    it(`when verifying ${file} (${expected.about}), then ${expected.indication}${expected.subIndication ? `/${expected.subIndication}` : ''} with ${expected.codes.join(', ')}`, async () => {
      const report = await verifyPdf(read(join(dir, file)), trust);
      const first = report.signatures[0]!;
      const detail = JSON.stringify({ explanation: report.explanation, changes: first.modifications.changes });
      expect(report.indication, detail).to.equal(expected.indication);
      if (expected.subIndication) expect(report.subIndication, detail).to.equal(expected.subIndication);
      const codes = first.modifications.changes.map((c) => c.code);
      for (const c of expected.codes) expect(codes, detail).to.include(c);
      // Every change is named and attributed to a revision after the one signed.
      for (const c of first.modifications.changes) {
        expect(c.what).to.be.a('string').and.not.equal('');
        expect(c.revision).to.be.greaterThan(first.revision!);
      }
      if (expected.indication === 'TOTAL_PASSED')
        expect(
          first.modifications.changes.every((c) => c.allowed),
          detail,
        ).to.equal(true);
      else
        expect(
          first.modifications.changes.filter((c) => !c.allowed).map((c) => c.code),
          detail,
        ).to.include(expected.codes[0]);
    });
  }

  it('when the dangling reference is defined, then the reason names the object and the place that referred to it', async () => {
    const report = await verifyPdf(read(join(dir, 'dangling-reference-annotation-overlay.pdf')), trust);
    const bad = report.signatures[0]!.modifications.changes.find((c) => c.code === 'DANGLING_REFERENCE_DEFINED')!;
    expect(bad.allowed).to.equal(false);
    expect(bad.what)
      .to.match(/\/Annot \/FreeText/)
      .and.match(/not defined when signed/);
    expect(bad.revision).to.equal(report.revisions);
    // The seal covers the revision before the attack: the report says which bytes it covers.
    const seal = report.signatures[1]!;
    expect(seal.coversWholeDocument).to.equal(false);
    expect(seal.signedLength).to.equal(seal.byteRange![2]! + seal.byteRange![3]!);
  });

  it('when a signed revision refers to an object it does not define, then it is not refused, and the check says so', async () => {
    // The dangling reference of the signed revisions is reported on the person signature (a later revision exists).
    const report = await verifyPdf(read(join(dir, 'dangling-reference-annotation-overlay.pdf')), trust);
    const check = report.signatures[0]!.checks.find((c) => c.name === 'signed-references');
    expect(check?.passed).to.equal(true);
    expect(check?.detail).to.match(/does not define/);
  });
});

describe('crypto/pdf cost caps on hostile files (test/vectors/pdf/hostile-*.pdf)', () => {
  const base = read(join(vectors, 'valid-two-signatures.pdf'));
  const root = { trustAnchors: [read(join(vectors, 'root.pem'))], crls: [read(join(vectors, 'ca.crl.pem'))], now: new Date((JSON.parse(readFileSync(join(vectors, 'expected.json'), 'utf8')) as { verifyAt: string }).verifyAt) };

  it('when the committed hostile files are regenerated from valid-two-signatures.pdf, then the revisions file is byte-identical (deterministic origin)', () => {
    const [revisions] = hostileFiles(base);
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
    expect(sha(revisions!.bytes)).to.equal(sha(read(join(vectors, 'hostile-2000-revisions.pdf'))));
  });

  for (const [file, code] of [
    ['hostile-2000-revisions.pdf', 'maxRevisions'],
    ['hostile-xref-bomb.pdf', 'maxXrefEntries'],
  ] as const) {
    it(`when ${file} is verified with the default caps, then ERR_PDF_LIMIT (${code}), not a crash`, async () => {
      let error: unknown;
      try {
        await verifyPdf(read(join(vectors, file)), root);
      } catch (e) {
        error = e;
      }
      expect(isCryptoError(error, 'ERR_PDF_LIMIT'), String(error)).to.equal(true);
      expect((error as Error).message).to.include(code);
    });
  }

  it('when the revision cap is raised above 2,000, then the same file verifies (each revision table is built from the chain read once)', async () => {
    const report = await verifyPdf(read(join(vectors, 'hostile-2000-revisions.pdf')), { ...root, limits: { maxRevisions: 2100 } });
    expect(report.indication).to.equal('TOTAL_PASSED');
    expect(report.revisions).to.equal(2003);
  });

  it('when the inflated-bytes cap is lower than what the xref streams inflate to, then ERR_PDF_LIMIT (maxInflatedBytes)', async () => {
    const { xrefStreamBomb } = await import('./support/hostile.js');
    const small = xrefStreamBomb(base, 2, 70_000); // 10,000 rows of 7 bytes each per stream
    let error: unknown;
    try {
      await verifyPdf(small, { ...root, limits: { maxInflatedBytes: 100_000 } });
    } catch (e) {
      error = e;
    }
    expect(isCryptoError(error, 'ERR_PDF_LIMIT'), String(error)).to.equal(true);
    expect((error as Error).message).to.include('maxInflatedBytes');
    // Within the caps the streams are read: they free every object, the catalog too, so the file is unreadable.
    let again: unknown;
    try {
      await verifyPdf(small, root);
    } catch (e) {
      again = e;
    }
    expect(isCryptoError(again, 'ERR_PDF_MALFORMED'), String(again)).to.equal(true);
  });

  it('when a cap is not a positive integer, then a TypeError (programmer error), not a refusal', async () => {
    let error: unknown;
    try {
      await verifyPdf(emptyRevisions(base, 1), { ...root, limits: { maxRevisions: 0 } });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
  });
});
