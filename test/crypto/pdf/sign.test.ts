import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { signPdf, verifyPdf, type PdfReport } from '../../../crypto/index.js';
import { PdfFile } from '../../../crypto/pdf/pdf-file.js';
import { documentWithEmptySignatureFields, handWrittenDocument, hybridDocument, pdfLibDocument, qpdfLinearizedDocument, qpdfObjectStreamsDocument } from './support/inputs.js';
import { opensslSignedDocument } from './support/openssl-signed.js';
import { testPki } from './support/pki.js';
import { pdfsig, qpdfCheck, run, tempFile, vietnameseFont } from './support/tools.js';

const font = vietnameseFont();

async function verify(pdf: Uint8Array): Promise<PdfReport> {
  const pki = testPki();
  return verifyPdf(pdf, { trustAnchors: [pki.rootDer], crls: [new Uint8Array(readFileSync(pki.crlPath))], now: pki.clock() });
}

async function personThenSeal(input: Uint8Array, certify = false): Promise<{ first: Uint8Array; second: Uint8Array }> {
  const pki = testPki();
  const t = pki.clock();
  const first = (await signPdf(input, { identity: pki.person, role: 'signer', signingTime: t, appearance: { font }, certify, reason: 'Phê duyệt' })).pdf;
  const second = (await signPdf(first, { identity: pki.seal, role: 'seal', signingTime: new Date(t.getTime() + 1000), appearance: { font } })).pdf;
  return { first, second };
}

/** Checks every property §7 of the issue asks of a twice-signed output. */
async function expectTwoGoodSignatures(input: Uint8Array, second: Uint8Array, already = 0): Promise<void> {
  // Append-only: the input is a byte-exact prefix of the output.
  expect(Buffer.from(second.subarray(0, input.length)).equals(Buffer.from(input))).to.equal(true);
  const s = pdfsig(second);
  expect(s.signatures).to.have.length(2 + already);
  expect(
    s.signatures.every((x) => x.valid),
    s.text,
  ).to.equal(true);
  expect(s.signatures.at(-1)!.total, s.text).to.equal(true);
  expect(s.signatures[already]!.total).to.equal(false);
  const q = qpdfCheck(second);
  expect(q.status, q.text).to.equal(0);
  expect(q.text).to.not.match(/WARNING/);
  const report = await verify(second);
  expect(report.indication, JSON.stringify(report.signatures.map((x) => x.explanation))).to.equal('TOTAL_PASSED');
  expect(report.signatures).to.have.length(2 + already);
  expect(report.signatures.at(-1)!.coversWholeDocument).to.equal(true);
  expect(report.signatures[already]!.modifications.level).to.equal('ALLOWED');
}

describe('crypto/pdf signPdf (interop with pdfsig and qpdf)', function () {
  this.timeout(60_000);
  before(() => testPki());

  it('when a pdf-lib document is signed by the person then sealed, then pdfsig and qpdf accept both signatures', async () => {
    const input = await pdfLibDocument(2, { form: true });
    const { first, second } = await personThenSeal(input);
    const s1 = pdfsig(first);
    expect(s1.signatures).to.have.length(1);
    expect(s1.signatures[0]!.valid && s1.signatures[0]!.total, s1.text).to.equal(true);
    await expectTwoGoodSignatures(input, second);
    // The form field survives and the fields list grew by two.
    const f = PdfFile.open(second);
    expect(f.sections).to.have.length(3);
    expect(f.sections[0]!.kind).to.equal('table');
  });

  it('when a qpdf document with object streams is signed twice, then the new sections are xref streams and both signatures are valid', async () => {
    const input = await qpdfObjectStreamsDocument();
    expect(PdfFile.open(input).sections[0]!.kind).to.equal('stream');
    const { second } = await personThenSeal(input);
    const f = PdfFile.open(second);
    expect(f.sections[0]!.kind).to.equal('stream');
    expect(f.sections[1]!.kind).to.equal('stream');
    await expectTwoGoodSignatures(input, second);
  });

  it('when a linearized document is signed twice, then both signatures are valid', async () => {
    const input = await qpdfLinearizedDocument();
    const { second } = await personThenSeal(input);
    await expectTwoGoodSignatures(input, second);
  });

  it('when a hand-written classic-xref file with a nested page tree and junk around it is signed, then the trailer /ID is carried over and both signatures are valid', async () => {
    const input = handWrittenDocument({ junkBefore: 'JUNK BEFORE HEADER\n', junkAfter: '\n%% trailing junk\n' });
    const { second } = await personThenSeal(input);
    const f = PdfFile.open(second);
    expect(f.pageRefs()).to.have.length(2);
    const id = f.trailer.get('ID');
    expect(Array.isArray(id) && id.length === 2).to.equal(true);
    await expectTwoGoodSignatures(input, second);
  });

  it('when a hybrid-reference file is signed twice, then its compressed objects stay reachable and both signatures are valid', async () => {
    const input = hybridDocument();
    const f0 = PdfFile.open(input);
    expect(f0.sections[0]!.hybrid).to.equal(true);
    expect((f0.getObject(5) as { get(k: string): unknown }).get('BaseFont')).to.deep.include({ value: 'Helvetica' });
    expect(run('qpdf', ['--check', tempFile(input)]).status).to.equal(0);
    const { second } = await personThenSeal(input);
    expect(PdfFile.open(second).sections[0]!.kind).to.equal('table');
    await expectTwoGoodSignatures(input, second);
  });

  it('when a document signed by OpenSSL is signed twice more, then all three signatures are valid', async () => {
    const pki = testPki();
    const input = opensslSignedDocument(await pdfLibDocument(1), pki, { subFilter: 'adbe.pkcs7.detached', signingTime: pki.clock() });
    const { second } = await personThenSeal(input);
    await expectTwoGoodSignatures(input, second, 1);
  });

  it('when signing, then the CMS is PAdES B-B: signing-certificate-v2 present, no signing-time attribute, /M in PDF date format', async () => {
    const pki = testPki();
    const t = pki.clock();
    const out = await signPdf(await pdfLibDocument(1), { identity: pki.person, role: 'signer', signingTime: t, appearance: false });
    const [, b, c] = out.byteRange;
    const hex = Buffer.from(out.pdf.subarray(b + 1, c - 1))
      .toString('latin1')
      .replace(/(00)+$/, '');
    const der = Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex');
    const printed = run('openssl', ['cms', '-inform', 'DER', '-in', tempFile(der, '.p7s'), '-cmsout', '-print']).stdout;
    expect(printed).to.match(/signingCertificateV2/i);
    expect(printed).to.not.match(/signingTime/i);
    expect(printed).to.match(/messageDigest/i);
    const sigDict = Buffer.from(out.pdf).toString('latin1', Buffer.from(out.pdf).lastIndexOf('/Type /Sig', b, 'latin1'), b);
    expect(sigDict).to.match(/\/SubFilter \/ETSI\.CAdES\.detached/);
    expect(sigDict).to.match(/\/M \(D:\d{14}\+07'00'\)/);
  });

  it('when the first signature certifies with DocMDP /P 2, then the seal is still allowed and the certification is reported', async () => {
    const input = await pdfLibDocument(1);
    const { second } = await personThenSeal(input, true);
    const report = await verify(second);
    expect(report.indication).to.equal('TOTAL_PASSED');
    expect(report.signatures[0]!.certification).to.deep.equal({ permission: 2 });
    expect(pdfsig(second).signatures.every((x) => x.valid)).to.equal(true);
  });

  it('when a document is certified with DocMDP /P 1, then signing it again is refused with ERR_PDF_UNSUPPORTED', async () => {
    const pki = testPki();
    const input = await pdfLibDocument(1);
    const first = (await signPdf(input, { identity: pki.person, role: 'signer', signingTime: pki.clock(), appearance: false, certify: { permission: 1 } })).pdf;
    const err = await signPdf(first, { identity: pki.seal, role: 'seal', signingTime: pki.clock(), appearance: false }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).to.equal('ERR_PDF_UNSUPPORTED');
  });

  it('when the input is encrypted, then signing is refused with ERR_PDF_ENCRYPTED', async () => {
    const input = await pdfLibDocument(1);
    const src = tempFile(input);
    const out = src.replace(/\.pdf$/, '-enc.pdf');
    run('qpdf', ['--encrypt', 'u', 'o', '256', '--', src, out]);
    const err = await signPdf(new Uint8Array(readFileSync(out)), { identity: testPki().person, role: 'signer', signingTime: testPki().clock(), appearance: false }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).to.equal('ERR_PDF_ENCRYPTED');
  });

  it('when an attachment is signed, then its text-only appearance sits at the top right of page 1', async () => {
    const pki = testPki();
    const input = await pdfLibDocument(2);
    const out = (await signPdf(input, { identity: pki.seal, role: 'attachment', signingTime: pki.clock(), appearance: { font, documentNumber: '123/UBND-VP' } })).pdf;
    const f = PdfFile.open(out);
    const { listSignatureFields } = await import('../../../crypto/pdf/signature-fields.js');
    const w = listSignatureFields(f)[0]!.widgets[0]!;
    const page1 = f.pageRefs()[0]!;
    expect((w.dict.get('P') as { num: number }).num).to.equal(page1.num);
    expect(w.rect![0]).to.be.greaterThan(595.28 / 2);
    expect(w.rect![3]).to.be.greaterThan(841.89 - 60);
    expect(pdfsig(out).signatures[0]!.valid).to.equal(true);
  });

  it('when the author placed empty signature fields, then signing by name fills them in place and both signatures stay valid', async () => {
    const pki = testPki();
    const input = await documentWithEmptySignatureFields(['ChuKyLanhDao', 'DauCoQuan']);
    const { listSignatureFields } = await import('../../../crypto/pdf/signature-fields.js');
    const before = listSignatureFields(PdfFile.open(input));
    const t = pki.clock();
    const first = (await signPdf(input, { identity: pki.person, role: 'signer', signingTime: t, fieldName: 'ChuKyLanhDao', appearance: { font } })).pdf;
    const second = (await signPdf(first, { identity: pki.seal, role: 'seal', signingTime: t, fieldName: 'DauCoQuan', appearance: { font } })).pdf;
    const after = listSignatureFields(PdfFile.open(second));
    expect(after.map((f) => f.name)).to.deep.equal(['ChuKyLanhDao', 'DauCoQuan']);
    expect(after.every((f) => f.value !== undefined)).to.equal(true);
    expect(after[0]!.widgets[0]!.rect).to.deep.equal(before[0]!.widgets[0]!.rect);
    await expectTwoGoodSignatures(input, second);
    const report = await verify(second);
    expect(report.signatures[0]!.modifications.changes.map((c) => c.what).join(';')).to.match(/empty signature field signed/);
    const again = await signPdf(second, { identity: pki.seal, role: 'seal', signingTime: t, fieldName: 'DauCoQuan', appearance: false }).catch((e: unknown) => e);
    expect((again as { code?: string }).code).to.equal('ERR_PDF_UNSUPPORTED');
  });

  it('when the CMS does not fit the estimate, then the placeholder is rebuilt larger and never truncated', async () => {
    const pki = testPki();
    const input = await pdfLibDocument(1);
    const { signPdfSized } = await import('../../../crypto/pdf/sign.js');
    const out = await signPdfSized(input, { identity: pki.person, role: 'signer', signingTime: pki.clock(), appearance: false }, 100);
    expect(out.byteRange[2] - out.byteRange[1]).to.be.greaterThan(2 * 3000);
    expect(pdfsig(out.pdf).signatures[0]!.valid).to.equal(true);
    expect((await verify(out.pdf)).indication).to.equal('TOTAL_PASSED');
  });
});
