import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createDevelopmentPki, createPdfPool, issueCrl, parseCertificate, signDetached, signPdf, verifyDetached, type DevelopmentPki, type PdfPool } from '../../../crypto/index.js';
import { createTestClock } from '../../support/clock.js';

const UNSIGNED_PDF = new Uint8Array(readFileSync(fileURLToPath(new URL('../../../../test/vectors/pdf/no-signature.pdf', import.meta.url))));
const OCSP_URL = 'http://ocsp.lienthong.invalid/axis/v1/ocsp';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * TRY_LATER says which certificates lack revocation data (`revocationWanted`), so a node can fetch OCSP for
 * exactly those, from the report, without reading the untrusted file again on its event loop.
 */
describe('crypto revocationWanted: the certificates a TRY_LATER lacks revocation data for', function () {
  this.timeout(30_000);
  const clock = createTestClock();
  let pki: DevelopmentPki;
  let pool: PdfPool;

  before(async () => {
    // The issuing CA has a CRL distribution point too (rootCrlUrl): the path has two certificates to check.
    pki = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [{ code: '000.00.00.G12', name: 'Bộ Tài chính' }], ocspUrl: OCSP_URL, rootCrlUrl: 'http://pki.lienthong.invalid/crl/root.crl' });
    pool = createPdfPool({ size: 1 });
  });
  after(async () => pool?.close());

  const seal = () => pki.agencies[0]!.seal.identity;

  it('when no revocation data answers, then TRY_LATER names the seal and the issuing CA, each with its issuer and AIA; with the data, nothing is named', async () => {
    const content = new TextEncoder().encode('gói tin');
    const signature = await signDetached({ content }, { identity: seal(), signingTime: clock() });
    const bare = await verifyDetached(signature, { content }, { trustAnchors: [pki.root.certificate], crls: [], now: clock() });
    expect(`${bare.indication}/${bare.subIndication}`).to.equal('INDETERMINATE/TRY_LATER');
    const wanted = bare.revocationWanted ?? [];
    expect(wanted.map((w) => [hex(w.certificate), hex(w.issuer)])).to.deep.equal([
      [hex(seal().certificate), hex(pki.issuingCa.certificate)],
      [hex(pki.issuingCa.certificate), hex(pki.root.certificate)],
    ]);
    expect(wanted[0]!.ocspUrls).to.deep.equal([OCSP_URL]);
    expect(wanted[1]!.ocspUrls).to.deep.equal([]);
    expect(JSON.stringify(bare)).to.contain('revocationWanted');

    // Only the leaf lacks data: only it is named.
    const leafOnly = await verifyDetached(signature, { content }, { trustAnchors: [pki.root.certificate], crls: [pki.rootCrl], now: clock() });
    expect(leafOnly.subIndication).to.equal('TRY_LATER');
    expect(leafOnly.revocationWanted?.map((w) => hex(w.certificate))).to.deep.equal([hex(seal().certificate)]);

    const full = await verifyDetached(signature, { content }, { trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl], now: clock() });
    expect(full.indication).to.equal('TOTAL_PASSED');
    expect(full.revocationWanted).to.equal(undefined);
  });

  it('when the seal is revoked, then the answer is REVOKED and names nothing to fetch', async () => {
    const content = new TextEncoder().encode('gói tin');
    const signature = await signDetached({ content }, { identity: seal(), signingTime: clock() });
    const serialNumber = parseCertificate(seal().certificate).serialNumber;
    const crl = issueCrl({ issuer: pki.issuingCa, revoked: [{ serialNumber, revocationDate: new Date(clock().getTime() - 60_000), reason: 'keyCompromise' }], thisUpdate: new Date(clock().getTime() - 30_000), nextUpdate: new Date(clock().getTime() + 3_600_000) });
    const r = await verifyDetached(signature, { content }, { trustAnchors: [pki.root.certificate], crls: [crl, pki.rootCrl], now: clock() });
    expect(r.subIndication).to.equal('REVOKED');
    expect(r.revocationWanted).to.equal(undefined);
  });

  it('when a PDF is verified in the worker pool, then the PDF signature report carries revocationWanted across the worker boundary', async () => {
    const sealed = (await signPdf(UNSIGNED_PDF, { identity: seal(), role: 'seal', signingTime: clock(), appearance: false })).pdf;
    const report = await pool.verifyPdf(sealed, { trustAnchors: [pki.root.certificate], crls: [pki.rootCrl], now: clock() });
    const cms = report.signatures[0]!.cms!;
    expect(cms.subIndication).to.equal('TRY_LATER');
    expect(cms.revocationWanted?.map((w) => [hex(w.certificate), hex(w.issuer), w.ocspUrls])).to.deep.equal([[hex(seal().certificate), hex(pki.issuingCa.certificate), [OCSP_URL]]]);
  });
});
