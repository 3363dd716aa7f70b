import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { addValidationData, listRevocationSubjects, signPdf, verifyPdf } from '../../../crypto/pdf/index.js';
import { createOcspRequest, readOcspReply, respondToOcspRequest } from '../../../crypto/ocsp/index.js';
import { PdfFile } from '../../../crypto/pdf/pdf-file.js';
import { readDss } from '../../../crypto/pdf/dss.js';
import { asDict } from '../../../crypto/pdf/syntax/objects.js';
import { createDevelopmentPki, encodePem, parseCertificate } from '../../../crypto/pki/index.js';
import { createTimestampRequest, readTimestampReply, respondToTimestampRequest } from '../../../crypto/tsp/index.js';
import { cmsFixture, revokingCrl, TEST_TSA_POLICY, type CmsFixture } from '../cms/fixtures.js';
import { pdfLibDocument } from './support/inputs.js';

const minute = 60_000;
const day = 86_400_000;
const pyhankoLtv = fileURLToPath(new URL('../../../../test/support/pyhanko-ltv.py', import.meta.url));

interface PyhankoVerdict {
  readonly field: string;
  /** ades_with_time_validation (ETSI EN 319 102-1 §5.5) with the DSS as the only revocation data. */
  readonly withTime: string;
  readonly withTimeSubindication: string;
  readonly withTimeSignatureTime: string | null;
  /** pyHanko's diff analysis of what was appended after the signature. */
  readonly modification: string | null;
}

/** pyHanko's PAdES long-term validation with online fetching off (see test/support/pyhanko-ltv.py). */
function pyhanko(f: CmsFixture, files: Record<string, Uint8Array>, at: Date, rootPem = f.rootPem): Record<string, PyhankoVerdict[]> {
  const paths = Object.entries(files).map(([name, pdf]) => [name, f.write(`${name}.pdf`, pdf)] as const);
  const out = execFileSync('python3', [pyhankoLtv, rootPem, at.toISOString(), ...paths.map((p) => p[1])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as PyhankoVerdict & { file: string });
  return Object.fromEntries(paths.map(([name, path]) => [name, lines.filter((l) => l.file === path)]));
}

describe('crypto/pdf PAdES B-LT: validation data in a DSS revision', function () {
  this.timeout(60_000);
  let f: CmsFixture;
  let bt: Uint8Array;
  let lt: Uint8Array;
  let root: Uint8Array;

  before(async () => {
    f = await cmsFixture();
    root = f.pki.root.certificate;
    const signer = await f.issue('lt-person');
    const base = await pdfLibDocument(1);
    // A person signature without a timestamp (B-B), then the agency seal with one (B-T), as the node does.
    const person = (await signPdf(base, { identity: signer.identity, role: 'signer', signingTime: new Date(f.now.getTime() - 8 * minute), appearance: false })).pdf;
    bt = (await signPdf(person, { identity: f.rsa.identity, role: 'seal', signingTime: new Date(f.now.getTime() - 6 * minute), appearance: false, timestamp: f.stamp(new Date(f.now.getTime() - 5 * minute)) })).pdf;
    // Without the root's CRL the issuing CA has no revocation data: named, and the rest is still added.
    expect(addValidationData(bt, { trustAnchors: [root], crls: f.crls, now: f.now }).missing).to.have.length(1);
    const added = addValidationData(bt, { trustAnchors: [root], crls: [f.pki.crl, f.pki.rootCrl], now: f.now });
    expect(added.missing).to.deep.equal([]);
    lt = added.pdf;
  });

  it('when the validation data is added, then one revision holds a DSS with the chains, the CRL and a VRI per signature, and the signed bytes are kept', () => {
    expect(Buffer.from(lt.subarray(0, bt.length)).equals(Buffer.from(bt))).to.equal(true);
    const file = PdfFile.open(lt);
    const dss = readDss(file)!;
    // seal, person, TSA, issuing CA, root: each once
    expect(dss.certificates).to.have.length(5);
    expect(dss.crls.map((c) => Buffer.from(c).toString('base64'))).to.have.members([f.pki.crl, f.pki.rootCrl].map((c) => Buffer.from(c).toString('base64')));
    const vri = asDict(file.resolve(asDict(file.resolve(file.catalog.get('DSS')))?.get('VRI')));
    expect(vri?.keys()).to.have.length(2);
    // qpdf reads the new revision
    const path = f.write('lt-qpdf.pdf', lt);
    execFileSync('qpdf', ['--check', path], { stdio: 'ignore' });
    // poppler still finds both signatures valid over their own revisions
    const sigs = execFileSync('pdfsig', ['-nocert', path], { encoding: 'utf8' });
    expect(sigs.match(/Signature Validation: Signature is Valid\./g), sigs).to.have.length(2);
  });

  it('when the CRL source is gone, then the B-LT document still verifies from its DSS and reports B-LT; the B-T one without DSS does not', async () => {
    const later = { trustAnchors: [root], now: new Date(f.now.getTime() + day) }; // no CRLs of its own
    const r = await verifyPdf(lt, later);
    expect(r.indication, r.explanation).to.equal('TOTAL_PASSED');
    expect(r.level).to.equal('B-LT');
    expect(r.dss).to.deep.equal({ certificates: 5, crls: 2, ocspResponses: 0 });
    expect(r.signatures.map((s) => s.level)).to.deep.equal(['B-B', 'B-LT']);
    for (const s of r.signatures) {
      expect(s.modifications.level).to.equal('ALLOWED');
      expect(s.modifications.changes.filter((c) => c.revision === r.revisions).map((c) => c.code)).to.deep.equal(['DSS_UPDATED']);
    }
    const without = await verifyPdf(bt, later);
    expect(without.indication).to.equal('INDETERMINATE');
    expect(without.subIndication).to.equal('TRY_LATER');
    // its timestamp cannot be verified either (no revocation data for the TSA): it counts as none
    expect(without.level).to.equal('B-B');
  });

  it('when verified two years on, after the CRL expired, then the seal validates at its timestamp from the DSS (TSA certificate at the arrival time)', async () => {
    const years = { trustAnchors: [root], now: new Date(f.now.getTime() + 730 * day), arrivalTime: f.now };
    const r = await verifyPdf(lt, years);
    const seal = r.signatures[1]!;
    expect(seal.indication, seal.explanation).to.equal('TOTAL_PASSED');
    expect(seal.level).to.equal('B-LT');
    expect(seal.cms?.poe).to.equal('timestamp');
    const without = await verifyPdf(bt, years);
    expect(without.signatures[1]!.indication).to.equal('INDETERMINATE');
  });

  it('when the verifier knows of a revocation before the timestamp, then the DSS does not hide it', async () => {
    const crl = revokingCrl(f, parseCertificate(f.rsa.identity.certificate).serialNumber);
    const r = await verifyPdf(lt, { trustAnchors: [root], crls: [crl], now: new Date(f.now.getTime() + day) });
    expect(r.signatures[1]!.indication).to.not.equal('TOTAL_PASSED');
  });

  it('when pyHanko validates with the DSS as its only revocation data (no fetching), then the B-LT seal PASSES at its timestamp; without the DSS it does not', () => {
    const at = new Date(f.now.getTime() + day);
    const { lt: ok, bt: no } = pyhanko(f, { lt, bt }, at) as { lt: PyhankoVerdict[]; bt: PyhankoVerdict[] };
    // The person signature is B-B: pyHanko's validation with time wants a signature timestamp of its own.
    expect(
      ok.map((v) => v.withTime),
      JSON.stringify(ok),
    ).to.deep.equal(['INDETERMINATE', 'PASSED']);
    expect(ok[1]!.modification, 'the DSS revision is signature maintenance to pyHanko').to.equal('LTA_UPDATES');
    expect(ok[1]!.withTimeSignatureTime).to.equal(`${new Date(f.now.getTime() - 5 * minute).toISOString().slice(0, 19)}+00:00`);
    expect(no[1]!.withTime, JSON.stringify(no)).to.equal('INDETERMINATE');
  });

  it("when the revocation data is OCSP (the development responder, named in the certificates' AIA) instead of the issuing CA's CRL, then the DSS carries the responses, the document verifies offline as B-LT, and pyHanko passes it", async () => {
    // pyHanko asks OCSP only about certificates whose AIA names a responder: a development PKI that names one (P-256: quick to make).
    const pki = await createDevelopmentPki({ now: f.now, keyType: 'p256', ocspUrl: 'http://ocsp.lienthong.invalid/axis/v1/ocsp', agencies: [{ code: '000.00.00.H02', name: 'Sở Thử nghiệm (DEV)' }] });
    const [agency] = pki.agencies;
    const stamp = async (signatureValue: Uint8Array) => {
      const request = createTimestampRequest(signatureValue);
      const reply = await respondToTimestampRequest(request.der, { tsa: { identity: pki.tsa.identity, policy: TEST_TSA_POLICY }, now: new Date(f.now.getTime() - 5 * minute), serialNumber: Uint8Array.from([7]) });
      return readTimestampReply(reply, request, signatureValue, { trustAnchors: [pki.root.certificate], crls: [pki.crl], at: f.now, now: f.now }).token;
    };
    const person = (await signPdf(await pdfLibDocument(1), { identity: agency!.person.identity, role: 'signer', signingTime: new Date(f.now.getTime() - 8 * minute), appearance: false })).pdf;
    const sealed = (await signPdf(person, { identity: agency!.seal.identity, role: 'seal', signingTime: new Date(f.now.getTime() - 6 * minute), appearance: false, timestamp: stamp })).pdf;
    const anchors = [pki.root.certificate];
    const subjects = listRevocationSubjects(sealed, { trustAnchors: anchors, now: f.now });
    // seal, person, TSA (their AIA names the responder), and the issuing CA (answered for by the root's CRL)
    expect(subjects).to.have.length(4);
    expect(subjects.filter((x) => x.ocspUrls.length > 0)).to.have.length(3);
    const responder = { identity: pki.ocsp.identity, issuers: [pki.issuingCa.certificate], statusOf: () => ({ status: 'good' as const }), validityMs: 30 * day };
    const ocspResponses: Uint8Array[] = [];
    for (const x of subjects.filter((y) => y.ocspUrls.length > 0)) {
      const request = createOcspRequest(x.certificate, x.issuer);
      // made before the timestamp: pyHanko, like ETSI EN 319 102-1 past validation, takes revocation data issued after the POE only when told to
      const der = await respondToOcspRequest(request.der, { responder, now: new Date(f.now.getTime() - 30 * minute) });
      ocspResponses.push(readOcspReply(der, request, { at: f.now }).der);
    }
    const added = addValidationData(sealed, { trustAnchors: anchors, crls: [pki.rootCrl], ocspResponses, now: f.now });
    expect(added.missing).to.deep.equal([]);
    expect(added.ocspResponses).to.equal(3);
    const r = await verifyPdf(added.pdf, { trustAnchors: anchors, now: new Date(f.now.getTime() + day) }); // no CRLs, no OCSP of its own
    expect(r.indication, r.explanation).to.equal('TOTAL_PASSED');
    expect(r.level).to.equal('B-LT');
    expect(r.dss).to.deep.equal({ certificates: 5, crls: 1, ocspResponses: 3 });
    const rootPem = f.write('ocsp-root.pem', encodePem('CERTIFICATE', pki.root.certificate));
    const { ocsp } = pyhanko(f, { ocsp: added.pdf }, new Date(f.now.getTime() + day), rootPem) as { ocsp: PyhankoVerdict[] };
    expect(
      ocsp.map((v) => v.withTime),
      JSON.stringify(ocsp),
    ).to.deep.equal(['INDETERMINATE', 'PASSED']);
  });
});
