import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { isCryptoError, signPdf, verifyPdf } from '../../../crypto/index.js';
import { pdfLibDocument } from './support/inputs.js';
import { opensslSignedDocument } from './support/openssl-signed.js';
import { testPki } from './support/pki.js';

describe('crypto/pdf verifyPdf', function () {
  this.timeout(60_000);
  let two: Uint8Array;
  let t: Date;

  before(async () => {
    const pki = testPki();
    t = pki.clock();
    const one = (await signPdf(await pdfLibDocument(1), { identity: pki.person, role: 'signer', signingTime: t, appearance: false, reason: 'Ký duyệt', location: 'Hà Tĩnh' })).pdf;
    two = (await signPdf(one, { identity: pki.seal, role: 'seal', signingTime: new Date(t.getTime() + 5000), appearance: false })).pdf;
  });

  const options = () => {
    const pki = testPki();
    return { trustAnchors: [pki.rootDer], crls: [new Uint8Array(readFileSync(pki.crlPath))], now: new Date(t.getTime() + 60_000) };
  };

  it('when two signatures are verified, then each reports its revision, /M time, reason and coverage, in file order', async () => {
    const r = await verifyPdf(two, options());
    expect(r.indication).to.equal('TOTAL_PASSED');
    expect(r.revisions).to.equal(3);
    const [a, b] = r.signatures;
    expect([a!.revision, b!.revision]).to.deep.equal([2, 3]);
    expect([a!.coversWholeDocument, b!.coversWholeDocument]).to.deep.equal([false, true]);
    expect(a!.signingTime).to.equal(new Date(Math.floor(t.getTime() / 1000) * 1000).toISOString());
    expect(a!.reason).to.equal('Ký duyệt');
    expect(a!.location).to.equal('Hà Tĩnh');
    expect(a!.subFilter).to.equal('ETSI.CAdES.detached');
    expect(a!.cms!.signer!.subject).to.match(/Nguyễn Văn Ánh/);
    expect(b!.cms!.signer!.subject).to.match(/Ủy ban nhân dân tỉnh Hà Tĩnh/);
    expect(a!.checks.map((c) => c.name)).to.deep.equal(['signature-dictionary', 'byte-range', 'signed-revision', 'cms', 'modifications']);
    expect(b!.modifications.level).to.equal('NONE');
    expect(Object.isFrozen(r.signatures[0])).to.equal(true);
  });

  it('when the seal certificate is the one the registry binds to the sender, then the binding passes; another certificate makes it INDETERMINATE', async () => {
    const pki = testPki();
    const ok = await verifyPdf(two, { ...options(), expectedSigners: [pki.seal.certificate] });
    expect(ok.indication).to.equal('TOTAL_PASSED');
    const bad = await verifyPdf(two, { ...options(), expectedSigners: [pki.other.certificate] });
    expect(bad.indication).to.equal('INDETERMINATE');
    expect(bad.subIndication).to.equal('SIG_CONSTRAINTS_FAILURE');
    expect(bad.signatures[0]!.indication).to.equal('TOTAL_PASSED');
  });

  it('when no trust anchor matches, then the result is INDETERMINATE, not a failure', async () => {
    const r = await verifyPdf(two, { ...options(), trustAnchors: [testPki().other.certificate] });
    expect(r.indication).to.equal('INDETERMINATE');
  });

  it('when a signature made by openssl cms -sign covers the placeholder byte ranges, then ours verifies it (adbe.pkcs7.detached and ETSI.CAdES.detached)', async () => {
    const pki = testPki();
    for (const subFilter of ['adbe.pkcs7.detached', 'ETSI.CAdES.detached'] as const) {
      const pdf = opensslSignedDocument(await pdfLibDocument(1), pki, { subFilter, signingTime: t });
      const r = await verifyPdf(pdf, options());
      expect(r.indication, `${subFilter}: ${r.explanation}`).to.equal('TOTAL_PASSED');
      expect(r.signatures[0]!.subFilter).to.equal(subFilter);
    }
  });

  it('when the input is not a PDF, then verifyPdf throws ERR_PDF_MALFORMED', async () => {
    for (const bad of [new Uint8Array(0), new Uint8Array(Buffer.from('%PDF-1.7\nno xref here')), new Uint8Array(Buffer.from('hello'))]) {
      const e = await verifyPdf(bad, options()).catch((x: unknown) => x);
      expect(isCryptoError(e, 'ERR_PDF_MALFORMED'), String(e)).to.equal(true);
    }
  });

  it('when an argument has the wrong type, then verifyPdf throws TypeError', async () => {
    const e = await verifyPdf('x' as unknown as Uint8Array, options()).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(TypeError);
  });
});
