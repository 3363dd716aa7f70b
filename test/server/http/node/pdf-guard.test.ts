import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { verifyPdf } from '../../../../crypto/index.js';
import type { TestClock } from '../../../support/clock.js';
import { buildEdocPackage, signPackage } from '../../../../server/domain/edxml/index.js';
import { appendRevision, buildAfterSigningCorpus } from '../../../crypto/pdf/support/after-signing-corpus.js';
import { name, PdfDict, PdfStream } from '../../../../crypto/pdf/syntax/objects.js';
import { emptyRevisions } from '../../../crypto/pdf/support/hostile.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { G12, H27, api, inboxDocument, loginAs, secretOf, startExchange, type Exchange } from './exchange-fixture.js';

describe('node receiver: what the seal covers, changes after signing, hostile PDFs off the event loop @db', function () {
  this.timeout(120_000);
  const db = useDatabase();
  let ex: Exchange;
  let h27: string;
  let corpus: Map<string, Uint8Array>;
  let n = 900;
  // The fixture's clock (the PKI and the node use it).
  let clock: TestClock;

  before(async () => {
    ex = await startExchange(db);
    h27 = await loginAs(ex.baseUrl, H27, 'vanthu');
    const g12 = ex.agency(G12);
    clock = ex.clock;
    const entries = await buildAfterSigningCorpus({ person: g12.person.identity, seal: g12.seal.identity }, clock());
    corpus = new Map(entries.map((e) => [e.file, e.bytes]));
  });
  after(async () => ex?.close());

  /** G12 (driven by hand) sends `pdf` to H27 through the axis; returns the DocumentId. */
  async function sendFromG12(pdf: Uint8Array, subject: string): Promise<string> {
    const num = String(n++);
    const documentId = `000.00.00.G12,2026/11/20,${num}/BTC-VP`;
    const pkg = buildEdocPackage({
      MessageHeader: {
        From: { OrganId: G12, OrganName: 'Bộ Tài chính' },
        To: [{ OrganId: H27, OrganName: 'UBND Hà Tĩnh' }],
        DocumentId: documentId,
        Code: { CodeNumber: num, CodeNotation: 'BTC-VP' },
        PromulgationInfo: { Place: 'Hà Nội', PromulgationDate: '2026/11/20' },
        DocumentType: { Type: 1, TypeName: 'Công văn' },
        Subject: subject,
        SignerInfo: { FullName: 'Trần B' },
        ToPlaces: [],
        OtherInfo: { Priority: 0 },
        ResponseFor: [],
      },
      TraceHeaderList: { TraceHeader: [{ OrganId: G12, Timestamp: '2026/11/20 09:00:00' }], Bussiness: { BussinessDocType: 0, Paper: 0 } },
      Attachments: [{ ContentId: 'cid:1', AttachmentName: 'cong-van.pdf', ContentType: 'application/pdf', Content: pdf, Zipped: false }],
    });
    const signature = await signPackage(pkg, ex.agency(G12).seal.identity, clock());
    const tokenR = await fetch(`${ex.baseUrl}/axis/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId: G12, secret: secretOf(G12) }) });
    const token = (await readJson(tokenR)).accessToken as string;
    const form = new FormData();
    form.set('type', 'edoc');
    form.set('package', new Blob([pkg]), 'p.edxml');
    form.set('signature', new Blob([signature]), 'p.p7s');
    const submit = await fetch(`${ex.baseUrl}/axis/v1/edocs`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(submit.status, JSON.stringify(await readJson(submit.clone()))).to.equal(201);
    return documentId;
  }

  it('when only validation data (a DSS) was appended after the seal, then the receiver keeps it (PAdES B-LT) and serves the file whole', async () => {
    const pdf = corpus.get('valid-dss-added.pdf')!;
    const doc = await inboxDocument(ex.baseUrl, h27, await sendFromG12(pdf, 'DSS sau dấu'));
    expect(doc.validation.verdict, JSON.stringify(doc.validation)).to.equal('accepted');
    const file = new Uint8Array(await (await api(ex.baseUrl, h27, 'GET', `/documents/${doc.id}/file`)).arrayBuffer());
    expect(createHash('sha256').update(file).digest('hex')).to.equal(createHash('sha256').update(pdf).digest('hex'));
    expect((doc.validation.signatures as any[]).some((s) => s.checks.some((c: any) => c.name === 'stored-revision'))).to.equal(false);
  });

  it('when another allowed change (metadata) was appended after the seal, then the receiver accepts, stores and serves the sealed revision, and the report warns about it', async () => {
    const two = corpus.get('valid-two-signatures.pdf')!;
    const pdf = appendRevision(two, (f, w) => {
      const meta = w.allocate();
      w.set(meta, new PdfStream(new PdfDict().set('Type', name('Metadata')).set('Subtype', name('XML')), Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>')));
      w.set(f.rootRef, f.catalog.clone().set('Metadata', meta));
    });
    const doc = await inboxDocument(ex.baseUrl, h27, await sendFromG12(pdf, 'Metadata sau dấu'));
    expect(doc.validation.verdict, JSON.stringify(doc.validation)).to.equal('accepted');
    const file = new Uint8Array(await (await api(ex.baseUrl, h27, 'GET', `/documents/${doc.id}/file`)).arrayBuffer());
    const report = await verifyPdf(pdf, { trustAnchors: [ex.pki.root.certificate], crls: [ex.pki.crl, ex.pki.rootCrl], now: clock() });
    const seal = report.signatures.at(-1)!;
    expect(file.length).to.equal(seal.signedLength);
    expect(createHash('sha256').update(file).digest('hex')).to.equal(createHash('sha256').update(pdf.subarray(0, seal.signedLength)).digest('hex'));
    // What the clerk downloads is exactly what the seal covers: it verifies with nothing after the seal.
    const served = await verifyPdf(file, { trustAnchors: [ex.pki.root.certificate], crls: [ex.pki.crl, ex.pki.rootCrl], now: clock() });
    expect(served.indication).to.equal('TOTAL_PASSED');
    expect(served.signatures.at(-1)!.coversWholeDocument).to.equal(true);
    const warning = (doc.validation.signatures as any[]).find((s) => s.checks.some((c: any) => c.name === 'stored-revision'));
    expect(warning, JSON.stringify(doc.validation.signatures)).to.not.equal(undefined);
    expect(warning.explanation).to.match(/^warning: 1 revision\(s\) were appended after the seal/);
    expect(warning.checks[0].detail).to.match(/metadata/i);
  });

  it('when a reference left dangling by the signed revision is defined after the seal (an overlay with another amount), then the receiver refuses it with 02', async () => {
    const doc = await inboxDocument(ex.baseUrl, h27, await sendFromG12(corpus.get('dangling-reference-annotation-overlay.pdf')!, 'Chú thích phủ số tiền'));
    expect(doc.validation.verdict).to.equal('refused');
    expect(doc.validation.reasonCode).to.equal('PDF_SIGNATURE_FAILED');
    expect(doc.validation.reason)
      .to.match(/DISALLOWED_MODIFICATION/)
      .and.match(/not defined when signed/);
    expect(doc.recipients[0].timeline.map((t: any) => t.code)).to.deep.equal(['02']);
  });

  it('when a sealed PDF carries 2,000 empty revisions, then the receiver refuses it with 02 PDF_LIMIT (a coded refusal, the node keeps running)', async () => {
    const sealed = corpus.get('valid-two-signatures.pdf')!;
    const doc = await inboxDocument(ex.baseUrl, h27, await sendFromG12(emptyRevisions(sealed, 2000), 'Hai nghìn phiên bản'));
    expect(doc.validation.verdict).to.equal('refused');
    expect(doc.validation.reasonCode).to.equal('PDF_LIMIT');
    expect(doc.validation.reason).to.match(/ERR_PDF_LIMIT/);
  });

  it('when the node verifies a file that takes seconds, then it does so in a worker: /healthz is answered before the verification ends', async () => {
    const slow = emptyRevisions(corpus.get('valid-two-signatures.pdf')!, 20_000);
    let done = false;
    const verifying = ex.node.deps.pdf
      .verifyPdf(slow, { trustAnchors: [ex.pki.root.certificate], now: clock(), limits: { maxRevisions: 30_000 } })
      .catch((e: unknown) => e)
      .finally(() => (done = true));
    const health = await fetch(`${ex.baseUrl}/healthz`);
    expect(health.status).to.equal(200);
    expect(done, 'the verification had already finished: it did not run beside the event loop').to.equal(false);
    await verifying;
  });
});
