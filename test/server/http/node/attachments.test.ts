import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { signDetached, signPdf } from '../../../../crypto/index.js';
import { formatEdxmlTimestamp, type Attachment } from '../../../../server/domain/edxml/index.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { axisToken, buildHandPackage, handDocumentId, submitByHand } from './axis-by-hand.js';
import { G12, H27, H49, UNSIGNED_PDF, api, eventually, inboxDocument, loginAs, secretOf, startExchange, type Exchange } from './exchange-fixture.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Issue 11 §3: every attachment kept, its detached CAdES signature (`X.p7s` beside `X`) verified, each shown.
 * G12 sends by hand; H27 receives on the node under test.
 */
describe('node: non-PDF attachments kept, detached signatures verified @db', function () {
  this.timeout(120_000);
  const db = useDatabase();
  let ex: Exchange;
  let h27: string;
  let h49: string;
  let g12Axis: string;
  let n = 8100;
  const docx = new TextEncoder().encode('PK\u0003\u0004 word/document.xml: Phụ lục kèm theo công văn');
  const csv = new TextEncoder().encode('stt,ten\n1,Hà Tĩnh\n');

  before(async () => {
    ex = await startExchange(db);
    [h27, h49] = await Promise.all([loginAs(ex.baseUrl, H27, 'vanthu'), loginAs(ex.baseUrl, H49, 'vanthu')]);
    g12Axis = await axisToken(ex.baseUrl, G12, secretOf(G12));
  });
  after(async () => ex?.close());

  const file = (i: number, AttachmentName: string, ContentType: string, Content: Uint8Array): Attachment => ({ ContentId: `cid:${i}`, AttachmentName, ContentType, Content, Zipped: false });
  async function sendFromG12(extra: (pdf: Uint8Array) => Promise<Attachment[]>): Promise<Record<string, any>> {
    const pdf = (await signPdf(UNSIGNED_PDF, { identity: ex.agency(G12).seal.identity, role: 'seal', signingTime: ex.clock(), appearance: false })).pdf;
    const p = { from: { code: G12, name: 'Bộ Tài chính' }, to: H27, number: String(++n), date: formatEdxmlTimestamp(ex.clock()).slice(0, 10), bussiness: { BussinessDocType: 0 as const } };
    const attachments = [file(1, `${n}.pdf`, 'application/pdf', pdf), ...(await extra(pdf))];
    const r = await submitByHand(ex.baseUrl, g12Axis, 'edoc', buildHandPackage({ ...p, attachments }), ex.agency(G12).seal, ex.clock());
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return inboxDocument(ex.baseUrl, h27, handDocumentId(p), 60_000);
  }
  const personSign = (content: Uint8Array) => signDetached({ content }, { identity: ex.agency(G12).person.identity, signingTime: ex.clock(), hash: 'SHA-256', includeChain: true });

  it('when a PDF comes with a signed .docx and an unsigned .csv, then all are kept, each has a finding, only the owner downloads them, and an agreed recall removes them', async () => {
    const sig = await personSign(docx);
    const doc = await sendFromG12(async () => [
      file(2, 'phu-luc.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', docx),
      file(3, 'phu-luc.docx.p7s', 'application/pkcs7-signature', sig),
      file(4, 'bang.csv', 'text/csv', csv),
    ]);
    expect(doc.validation, JSON.stringify(doc.validation)).to.include({ verdict: 'accepted', signatureLevel: 'sealed' });
    expect(doc.attachments).to.deep.equal([
      { index: 0, name: 'phu-luc.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: docx.length, sha256: sha256(docx), role: 'attachment', signedBy: 'phu-luc.docx.p7s', available: true },
      { index: 1, name: 'phu-luc.docx.p7s', contentType: 'application/pkcs7-signature', size: sig.length, sha256: sha256(sig), role: 'signature', signs: 'phu-luc.docx', available: true },
      { index: 2, name: 'bang.csv', contentType: 'text/csv', size: csv.length, sha256: sha256(csv), role: 'attachment', available: true },
    ]);
    const found = (doc.validation.signatures as any[]).filter((s) => s.kind === 'attachment');
    expect(found.map((f) => [f.attachment, f.indication, f.detachedSignature ?? null, f.role ?? null])).to.deep.equal([
      ['phu-luc.docx', 'TOTAL_PASSED', 'phu-luc.docx.p7s', 'person'],
      ['bang.csv', 'TOTAL_PASSED', null, null],
    ]);
    expect(found[0].poe).to.equal('axis-arrival');

    const got = await api(ex.baseUrl, h27, 'GET', `/documents/${doc.id}/attachments/0`);
    expect(got.status).to.equal(200);
    expect(got.headers.get('content-type')).to.match(/^application\/octet-stream/);
    expect(got.headers.get('content-disposition')).to.contain('phu-luc.docx');
    expect(sha256(new Uint8Array(await got.arrayBuffer()))).to.equal(sha256(docx));
    expect((await readJson(await api(ex.baseUrl, h27, 'GET', `/documents/${doc.id}/attachments/3`))).code).to.equal('ERR_NOT_FOUND');
    const other = await api(ex.baseUrl, h49, 'GET', `/documents/${doc.id}/attachments/0`);
    expect(other.status).to.equal(404);
    expect((await readJson(other)).code).to.equal('ERR_NOT_FOUND');

    // G12 recalls it (a revoke package); H27 agrees (15): the attachments go with the file.
    const revoke = {
      from: { code: G12, name: 'Bộ Tài chính' },
      to: H27,
      number: String(++n),
      date: formatEdxmlTimestamp(ex.clock()).slice(0, 10),
      bussiness: { BussinessDocType: 1 as const, DocumentId: doc.documentId as string, BussinessDocReason: 'Thu hồi' },
    };
    expect((await submitByHand(ex.baseUrl, g12Axis, 'edoc', buildHandPackage(revoke), ex.agency(G12).seal, ex.clock())).status).to.equal(201);
    await eventually('the recall applied', async () => ((await readJson(await api(ex.baseUrl, h27, 'GET', `/documents/${doc.id}`))).recipients[0].recall === 'requested' ? true : undefined), 60_000);
    const agreed = await api(ex.baseUrl, h27, 'POST', `/documents/${doc.id}/status`, { code: '15' });
    const after = await readJson(agreed);
    expect(agreed.status, JSON.stringify(after)).to.equal(200);
    expect((after.attachments as any[]).map((a) => a.available)).to.deep.equal([false, false, false]);
    const gone = await api(ex.baseUrl, h27, 'GET', `/documents/${doc.id}/attachments/0`);
    expect(gone.status).to.equal(404);
    expect((await readJson(gone)).details?.recalled).to.equal(true);
  });

  it('when the detached signature does not cover the attachment as sent, then the package is refused ATTACHMENT_SIGNATURE_FAILED with a 02 and nothing kept', async () => {
    const tampered = docx.slice();
    tampered[12] = (tampered[12] as number) ^ 1;
    const sig = await personSign(docx);
    const doc = await sendFromG12(async () => [file(2, 'phu-luc.docx', 'application/octet-stream', tampered), file(3, 'phu-luc.docx.p7s', 'application/pkcs7-signature', sig)]);
    expect(doc.validation).to.include({ verdict: 'refused', reasonCode: 'ATTACHMENT_SIGNATURE_FAILED' });
    const f = (doc.validation.signatures as any[]).find((s) => s.kind === 'attachment');
    expect(f).to.include({ attachment: 'phu-luc.docx', indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
    expect(doc.recipients[0].timeline.map((t: any) => t.code)).to.deep.equal(['02']);
    expect(doc.attachments).to.deep.equal([]);
  });
});
