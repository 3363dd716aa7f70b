import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevelopmentPki, createPdfPool, isCryptoError, verifyPdf, type PdfPool } from '../../../crypto/index.js';
import { createTestClock } from '../../support/clock.js';
import { emptyRevisions } from '../pdf/support/hostile.js';
import { pdfLibDocument } from '../pdf/support/inputs.js';
import { pdfsig } from '../pdf/support/tools.js';

const vectors = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'vectors', 'pdf');
const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(vectors, f)));
const trust = { trustAnchors: [read('root.pem')], crls: [read('ca.crl.pem')], now: new Date((JSON.parse(readFileSync(join(vectors, 'expected.json'), 'utf8')) as { verifyAt: string }).verifyAt) };

async function settled<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

describe('crypto/pool PDF pool: verification and signing in worker threads under a time limit', function () {
  this.timeout(60_000);
  let shared: PdfPool;
  let pool: PdfPool;
  // One worker for the tests that do not stop it (a worker loads the verifier once).
  before(() => (shared = createPdfPool({ size: 1 })));
  after(async () => shared?.close());
  afterEach(async () => (pool !== shared ? pool?.close() : undefined));

  it('when a PDF is verified in the pool, then the report equals the one made in this thread, frozen', async () => {
    pool = shared;
    const pdf = read('valid-two-signatures.pdf');
    const [inPool, here] = await Promise.all([pool.verifyPdf(pdf, trust), verifyPdf(pdf, trust)]);
    expect(inPool).to.deep.equal(JSON.parse(JSON.stringify(here)));
    expect(Object.isFrozen(inPool.signatures[0]!)).to.equal(true);
  });

  it('when a hostile file is verified in the pool, then its coded refusal comes back as the same CryptoError', async () => {
    pool = shared;
    const r = await settled(pool.verifyPdf(read('hostile-xref-bomb.pdf'), trust));
    expect(isCryptoError(r.error, 'ERR_PDF_LIMIT'), String(r.error)).to.equal(true);
  });

  it('when a verification runs past the time limit, then ERR_POOL_TIMEOUT, this thread kept running meanwhile, and the replaced worker verifies the next file', async () => {
    // The limit must leave a fresh worker time for its first (cold) verification below, about 0.3 s on an idle
    // machine and several times that under load, while the hostile file must outlast it on a fast machine:
    // 150,000 revisions took 2.0 s to verify on this machine once the reader got faster (1.5 s was too close),
    // so 300,000 (about 4 s) against 2 s.
    pool = createPdfPool({ size: 1, timeoutMs: 2000 });
    const slow = emptyRevisions(read('valid-two-signatures.pdf'), 300_000);
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    const r = await settled(pool.verifyPdf(slow, { ...trust, limits: { maxRevisions: 400_000 } }));
    clearInterval(interval);
    expect(isCryptoError(r.error, 'ERR_POOL_TIMEOUT'), String(r.error)).to.equal(true);
    // The event loop was free while the worker worked: timers of this thread fired during the verification.
    expect(ticks).to.be.greaterThan(10);
    const next = await pool.verifyPdf(read('valid-two-signatures.pdf'), trust);
    expect(next.indication).to.equal('TOTAL_PASSED');
  });

  it('when a PDF is signed in the pool, then the key stays in this thread (it signs on request) and the result verifies here and in pdfsig', async () => {
    pool = shared;
    const clock = createTestClock();
    const dev = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [{ code: '000.00.00.H27', name: 'Ủy ban nhân dân tỉnh Hà Tĩnh' }] });
    const person = dev.agencies[0]!.person.identity;
    let asked = 0;
    const identity = { ...person, signer: { keyId: person.signer.keyId, keyType: person.signer.keyType, keyBits: person.signer.keyBits, sign: (d: Uint8Array, o: Parameters<typeof person.signer.sign>[1]) => (asked++, person.signer.sign(d, o)) } };
    const signed = await pool.signPdf(await pdfLibDocument(1), { identity, role: 'signer', signingTime: clock(), appearance: false });
    expect(asked).to.equal(1);
    const report = await verifyPdf(signed.pdf, { trustAnchors: [dev.root.certificate], crls: [dev.crl, dev.rootCrl], now: clock() });
    expect(report.indication, report.explanation).to.equal('TOTAL_PASSED');
    const s = pdfsig(signed.pdf);
    expect(
      s.signatures.every((x) => x.valid),
      s.text,
    ).to.equal(true);
  });

  it('when the pool is closed, then later requests are refused with ERR_POOL_CLOSED', async () => {
    pool = createPdfPool({ size: 1 });
    await pool.close();
    const r = await settled(pool.verifyPdf(read('valid-two-signatures.pdf'), trust));
    expect(isCryptoError(r.error, 'ERR_POOL_CLOSED')).to.equal(true);
  });
});
