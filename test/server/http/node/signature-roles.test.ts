import { expect } from 'chai';
import { signPdf, type DevAgency } from '../../../../crypto/index.js';
import { formatEdxmlTimestamp } from '../../../../server/domain/edxml/index.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { axisToken, buildHandPackage, handDocumentId, submitByHand } from './axis-by-hand.js';
import { G12, G22, H27, UNSIGNED_PDF, api, inboxDocument, loginAs, metadataFor, personSignedPdf, postDocument, secretOf, startExchange, type Exchange } from './exchange-fixture.js';

/**
 * Issue 11 §3, negative corpus: every PDF signature bound to its role and its sender through the registry.
 * G12 sends by hand (its person and seal certificates are registered); H27 receives on the node under test.
 */
describe('node: every signature bound to its role and its sender @db', function () {
  this.timeout(180_000);
  const db = useDatabase();
  let ex: Exchange;
  let g22: string;
  let h27: string;
  let g12Axis: string;
  let n = 7000;

  before(async () => {
    ex = await startExchange(db);
    [g22, h27] = await Promise.all([loginAs(ex.baseUrl, G22, 'vanthu'), loginAs(ex.baseUrl, H27, 'vanthu')]);
    g12Axis = await axisToken(ex.baseUrl, G12, secretOf(G12));
  });
  after(async () => ex?.close());

  const seal = async (pdf: Uint8Array, agency: DevAgency) => (await signPdf(pdf, { identity: agency.seal.identity, role: 'seal', signingTime: ex.clock(), appearance: false })).pdf;
  async function sendFromG12(pdf: Uint8Array): Promise<Record<string, any>> {
    const p = { from: { code: G12, name: 'Bộ Tài chính' }, to: H27, number: String(++n), date: formatEdxmlTimestamp(ex.clock()).slice(0, 10), bussiness: { BussinessDocType: 0 as const } };
    const attachments = [{ ContentId: 'cid:1', AttachmentName: `${n}.pdf`, ContentType: 'application/pdf', Content: pdf, Zipped: false }];
    const r = await submitByHand(ex.baseUrl, g12Axis, 'edoc', buildHandPackage({ ...p, attachments }), ex.agency(G12).seal, ex.clock());
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return inboxDocument(ex.baseUrl, h27, handDocumentId(p), 60_000);
  }

  it('when a PDF signed and sealed by another agency is then sealed by the sender, then FOREIGN_SIGNATURE names that agency and the receiver answers 02', async () => {
    const byG22 = await seal(await personSignedPdf(ex.agency(G22)), ex.agency(G22));
    const doc = await sendFromG12(await seal(byG22, ex.agency(G12)));
    expect(doc.validation).to.include({ verdict: 'refused', reasonCode: 'FOREIGN_SIGNATURE' });
    const pdfs = (doc.validation.signatures as any[]).filter((s) => s.kind === 'pdf');
    expect(pdfs.map((s) => s.role)).to.deep.equal(['foreign', 'foreign', 'seal']);
    expect(pdfs[0].boundTo).to.equal(G22);
    expect(doc.recipients[0].timeline.map((t: any) => t.code)).to.deep.equal(['02']);
  });

  it("when the sender's seal stands in the person's place, then the document is accepted as sealed, not signed", async () => {
    const doc = await sendFromG12(await seal(await seal(UNSIGNED_PDF, ex.agency(G12)), ex.agency(G12)));
    expect(doc.validation).to.include({ verdict: 'accepted', signatureLevel: 'sealed' });
    expect((doc.validation.signatures as any[]).filter((s) => s.kind === 'pdf').map((s) => s.role)).to.deep.equal(['seal', 'seal']);
  });

  it('when a registered person of the sender signed before its seal, then the document is signed', async () => {
    const doc = await sendFromG12(await seal(await personSignedPdf(ex.agency(G12)), ex.agency(G12)));
    expect(doc.validation).to.include({ verdict: 'accepted', signatureLevel: 'signed' });
    expect((doc.validation.signatures as any[]).filter((s) => s.kind === 'pdf').map((s) => s.role)).to.deep.equal(['person', 'seal']);
  });

  it("when a clerk uploads a PDF already sealed by its own agency, then it is sent and counted sealed on both sides; one signed by another agency's person is refused at once", async () => {
    const metadata = metadataFor([H27]);
    const month = String(metadata.promulgationDate).slice(0, 7);
    const before = await readJson(await api(ex.baseUrl, g22, 'GET', `/reports/monthly?month=${month}`));
    const r = await postDocument(ex.baseUrl, g22, await seal(UNSIGNED_PDF, ex.agency(G22)), metadata);
    const sent = await readJson(r);
    expect(r.status, JSON.stringify(sent)).to.equal(202);
    expect((await readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${sent.id}`))).signatureLevel).to.equal('sealed');
    expect((await inboxDocument(ex.baseUrl, h27, sent.documentId, 60_000)).validation.signatureLevel).to.equal('sealed');
    const after = await readJson(await api(ex.baseUrl, g22, 'GET', `/reports/monthly?month=${month}`));
    expect(after.outgoing - before.outgoing).to.equal(1);
    expect(after.signed - before.signed).to.equal(0);

    const foreign = await postDocument(ex.baseUrl, g22, await personSignedPdf(ex.agency(G12)), metadataFor([H27]));
    const problem = await readJson(foreign);
    expect(problem.code).to.equal('ERR_SIGNATURE_INVALID');
    expect(problem.details?.reason ?? problem.reason).to.equal('FOREIGN_SIGNATURE');
  });
});
