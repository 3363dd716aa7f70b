import { expect } from 'chai';
import { signPdf } from '../../../../crypto/index.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { edxmlDay } from '../../../support/clock.js';
import { buildHandPackage, handDocumentId, receivedByVdxp, sendEdocByVdxp } from './axis-by-hand.js';
import { G12, G22, H27, api, eventually, inboxDocument, loginAs, metadataFor, personSignedPdf, postDocument, secretOf, startExchange, type Exchange } from './exchange-fixture.js';

/**
 * The core exchange scenarios of exchange.test.ts, with the node pointed at the axis's VDXP facade
 * (LIENTHONG_AXIS_DIALECT=vdxp): send → 01 → 03, a recall (13 → 15), an update and a replace, a refusal (02)
 * of a package an SDK-style sender (G12, not hosted) sent through `sendEdoc`.
 */
describe('node clerk API: the exchange through the VDXP dialect (LIENTHONG_AXIS_DIALECT=vdxp) @db', function () {
  this.timeout(120_000);
  const db = useDatabase();
  let ex: Exchange;
  let g22: string;
  let h27: string;

  before(async () => {
    ex = await startExchange(db, { dialect: 'vdxp' });
    [g22, h27] = await Promise.all([loginAs(ex.baseUrl, G22, 'vanthu'), loginAs(ex.baseUrl, H27, 'vanthu')]);
  });
  after(async () => ex?.close());

  const outboxDoc = async (id: string) => readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${id}`));
  const timelineOf = (d: Record<string, any>) => (d.recipients.find((r: any) => r.code === H27)?.timeline ?? []).map((t: any) => t.code);

  it('when a clerk sends through the VDXP facade, then the receiver verifies the package by its XML signature alone; 01 and 03 flow back, and a recall is agreed', async () => {
    const sent = await postDocument(ex.baseUrl, g22, await personSignedPdf(ex.agency(G22)), metadataFor([H27]));
    const created = await readJson(sent);
    expect(sent.status, JSON.stringify(created)).to.equal(202);

    const doc = await inboxDocument(ex.baseUrl, h27, created.documentId);
    expect(doc.from).to.equal(G22);
    expect(doc.validation.verdict).to.equal('accepted');
    const sigs = doc.validation.signatures as Array<Record<string, any>>;
    expect(sigs.map((s) => s.kind)).to.deep.equal(['package', 'pdf', 'pdf']);
    expect(sigs.every((s) => s.indication === 'TOTAL_PASSED')).to.equal(true);
    expect(sigs[0]!.boundToSender).to.equal(true);

    // The axis moved the bare .edxml: no detached CMS was stored for this package.
    const stored = await db.connection().collection('axis_submissions').findOne({ documentId: created.documentId });
    expect(stored, 'the submission').to.not.equal(null);
    expect(Buffer.from(stored!.signature?.buffer ?? stored!.signature ?? []).length).to.equal(0);

    await eventually('01 back at the sender', async () => (timelineOf(await outboxDoc(created.id)).includes('01') ? true : undefined));
    const r03 = await api(ex.baseUrl, h27, 'POST', `/documents/${doc.id}/status`, { code: '03', description: 'Đã phân công xử lý' });
    expect(r03.status, JSON.stringify(await readJson(r03.clone()))).to.equal(200);
    await eventually('03 back at the sender', async () => (timelineOf(await outboxDoc(created.id)).join() === '01,03' ? true : undefined));

    expect((await api(ex.baseUrl, g22, 'POST', `/documents/${created.id}/recall`, { reason: 'Sai sót số liệu' })).status).to.equal(200);
    await eventually('13 at H27', async () => ((await inboxDocument(ex.baseUrl, h27, created.documentId)).recipients[0].recall === 'requested' ? true : undefined));
    expect((await api(ex.baseUrl, h27, 'POST', `/documents/${doc.id}/status`, { code: '15' })).status).to.equal(200);
    const agreed = await eventually('15 at the sender', async () => {
      const d = await outboxDoc(created.id);
      return timelineOf(d).includes('15') ? d : undefined;
    });
    expect(agreed.recipients[0].recall).to.equal('agreed');
    expect(agreed.recalled).to.equal(true);
  });

  it('when a clerk updates a document and then replaces the update, then the receiver marks each earlier one superseded', async () => {
    const pdf = await personSignedPdf(ex.agency(G22));
    const first = await readJson(await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27])));
    const earlier = await inboxDocument(ex.baseUrl, h27, first.documentId);
    const update = await readJson(await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27], { subject: 'Cập nhật trích yếu', bussiness: { docType: 'update', targetDocumentId: first.documentId, reason: 'Cập nhật' } })));
    const updated = await inboxDocument(ex.baseUrl, h27, update.documentId);
    expect(updated.metadata).to.include({ bussinessDocType: 2, targetDocumentId: first.documentId });
    const replace = await readJson(await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27], { bussiness: { docType: 'replace', targetDocumentId: update.documentId, reason: 'Thay thế do sai sót' } })));
    const replacement = await inboxDocument(ex.baseUrl, h27, replace.documentId);
    expect(replacement.metadata).to.include({ bussinessDocType: 3, targetDocumentId: update.documentId });
    // The node wrote the Bussiness blocks and the receiver read them: what changed, and whose copy is replaced.
    expect(updated.metadata.receiverChanges).to.deep.equal({ documentInfo: 1, documentReceiver: 0, receivers: [] });
    expect(replacement.metadata.replaces).to.deep.equal([{ documentId: update.documentId, organIds: [H27] }]);
    expect((await readJson(await api(ex.baseUrl, h27, 'GET', `/documents/${earlier.id}`))).supersededBy).to.include({ documentId: update.documentId, kind: 'update' });
    expect((await readJson(await api(ex.baseUrl, h27, 'GET', `/documents/${updated.id}`))).supersededBy).to.include({ documentId: replace.documentId, kind: 'replace' });

    // An update naming a document this agency never sent is refused before anything is made.
    const before = (await readJson(await api(ex.baseUrl, g22, 'GET', '/documents?box=outbox'))).total;
    const unknown = await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27], { bussiness: { docType: 'update', targetDocumentId: `${G22},${edxmlDay(ex.clock)},9999/VPCP-KSTT` } }));
    const body = await readJson(unknown);
    expect(unknown.status).to.equal(400);
    expect(body.code).to.equal('ERR_VALIDATION');
    expect(body.details.issues.map((i: any) => i.path)).to.deep.equal(['metadata.bussiness.targetDocumentId']);
    expect((await readJson(await api(ex.baseUrl, g22, 'GET', '/documents?box=outbox'))).total).to.equal(before);
  });

  it('when an SDK-style sender sends through sendEdoc a PDF altered after signing, or an update of a document the receiver never got, then each is refused with 02 and its reason, and the 02s reach the sender through getReceivedEdocList', async () => {
    const sender = ex.agency(G12);
    const signed = (await signPdf(await personSignedPdf(sender), { identity: sender.seal.identity, role: 'seal', signingTime: ex.clock(), appearance: false })).pdf;
    const altered = new Uint8Array(signed);
    altered[7] = altered[7] === 0x37 ? 0x36 : 0x37; // %PDF-1.7 → %PDF-1.6: inside the signed byte ranges
    const date = edxmlDay(ex.clock);
    const pdfOf = (content: Uint8Array) => [{ ContentId: 'cid:1', AttachmentName: 'vanban.pdf', ContentType: 'application/pdf', Content: content, Zipped: false }];
    const from = { code: G12, name: 'Bộ Tài chính' };
    const cases = [
      { hand: { from, to: H27, number: '771', date, bussiness: { BussinessDocType: 0 as const } }, pdf: altered, reasonCode: 'PDF_SIGNATURE_FAILED' },
      {
        hand: { from, to: H27, number: '772', date, bussiness: { BussinessDocType: 2 as const, DocumentId: `${G12},${date},770/HAND-VP`, BussinessDocumentInfo: { DocumentInfo: 1 as const, ReceiverList: [] } } },
        pdf: signed,
        reasonCode: 'UPDATE_TARGET_UNKNOWN',
      },
    ];
    for (const c of cases) {
      const sent = await sendEdocByVdxp(ex.baseUrl, G12, secretOf(G12), 'edoc', buildHandPackage({ ...c.hand, attachments: pdfOf(c.pdf) }), sender.seal, ex.clock());
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    }
    for (const c of cases) {
      const documentId = handDocumentId(c.hand);
      const doc = await inboxDocument(ex.baseUrl, h27, documentId);
      expect(doc.validation, c.reasonCode).to.include({ verdict: 'refused', reasonCode: c.reasonCode });
      expect(doc.recipients[0].timeline.map((t: any) => t.code)).to.deep.equal(['02']);
      const status = await eventually(`02 (${c.reasonCode}) waiting for G12 at the facade`, async () => (await receivedByVdxp(ex.baseUrl, G12, secretOf(G12), 'status', ex.clock())).find((d) => d.documentId === documentId));
      expect(status).to.include({ statusCode: '02', from: H27, to: G12 });
    }
  });
});
