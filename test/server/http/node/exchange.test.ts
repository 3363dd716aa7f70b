import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { signPdf, verifyPdf } from '../../../../crypto/index.js';
import { buildEdocPackage, signPackage, type Bussiness } from '../../../../server/domain/edxml/index.js';
import { devIdentityToPkcs12 } from '../../../../server/node/provision.js';
import { createHostedAgencyRepository } from '../../../../storage/node/index.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { edxmlDay } from '../../../support/clock.js';
import { listOpenApiOperations, listRoutes } from '../../../support/routes.js';
import { G12, G22, H27, H49, UNSIGNED_PDF, api, eventually, inboxDocument, loginAs, metadataFor, personSignedPdf, postDocument, secretOf, startExchange, type Exchange } from './exchange-fixture.js';

describe('node clerk API: the exchange over real HTTP @db', function () {
  this.timeout(120_000);
  const db = useDatabase();
  let ex: Exchange;
  let g22: string;
  let h27: string;
  let h49: string;

  before(async () => {
    ex = await startExchange(db);
    [g22, h27, h49] = await Promise.all([loginAs(ex.baseUrl, G22, 'vanthu'), loginAs(ex.baseUrl, H27, 'vanthu'), loginAs(ex.baseUrl, H49, 'vanthu')]);
  });
  after(async () => ex?.close());

  const outboxDoc = async (id: string) => readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${id}`));
  const statusesFrom = (doc: Record<string, any>, code: string) => (doc.recipients.find((r: any) => r.code === code)?.timeline ?? []).map((t: any) => `${t.code}:${t.from}`);

  it('when a clerk sends a person-signed PDF to two agencies, then both verify everything, answer 01, and every status flows back to the sender', async () => {
    const pdf = await personSignedPdf(ex.agency(G22));
    const sent = await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27, H49]));
    const created = await readJson(sent);
    expect(sent.status, JSON.stringify(created)).to.equal(202);

    for (const [token, code] of [
      [h27, H27],
      [h49, H49],
    ] as const) {
      const doc = await inboxDocument(ex.baseUrl, token, created.documentId);
      expect(doc.from).to.equal(G22);
      expect(doc.validation.verdict).to.equal('accepted');
      expect(doc.validation.signatureLevel).to.equal('signed');
      const sigs = doc.validation.signatures as Array<Record<string, any>>;
      expect(sigs.map((s) => s.kind)).to.deep.equal(['package', 'pdf', 'pdf']);
      expect(sigs.every((s) => s.indication === 'TOTAL_PASSED')).to.equal(true);
      expect(sigs[0]!.boundToSender).to.equal(true);
      expect(sigs[2]!.boundToSender).to.equal(true); // the seal
      expect(doc.recipients[0].timeline.map((t: any) => t.code)).to.deep.equal(['01']);
      // re-parse the received file: two signatures, the last by the sender's seal
      const file = new Uint8Array(await (await api(ex.baseUrl, token, 'GET', `/documents/${doc.id}/file`)).arrayBuffer());
      const report = await verifyPdf(file, { trustAnchors: [ex.pki.root.certificate], crls: [ex.pki.crl, ex.pki.rootCrl], now: ex.clock() });
      expect(report.indication).to.equal('TOTAL_PASSED');
      expect(report.signatures).to.have.length(2);
      expect(report.signatures[1]!.cms?.signer?.sha256).to.equal(sigs[2]!.signerSha256);
      expect(code).to.be.a('string');
    }
    const back = await eventually('01 from both', async () => {
      const d = await outboxDoc(created.id);
      return statusesFrom(d, H27).includes(`01:${H27}`) && statusesFrom(d, H49).includes(`01:${H49}`) ? d : undefined;
    });
    expect(back.messages[0].state).to.equal('sent');

    const inH27 = await inboxDocument(ex.baseUrl, h27, created.documentId);
    for (const code of ['03', '04', '05', '06']) {
      const r = await api(ex.baseUrl, h27, 'POST', `/documents/${inH27.id}/status`, { code, description: `bước ${code}` });
      expect(r.status, JSON.stringify(await readJson(r.clone()))).to.equal(200);
    }
    const again = await api(ex.baseUrl, h27, 'POST', `/documents/${inH27.id}/status`, { code: '03' });
    expect(again.status).to.equal(409);
    expect((await readJson(again)).code).to.equal('ERR_STATUS_TRANSITION');
    await eventually('03–06 at the sender', async () => {
      const d = await outboxDoc(created.id);
      return statusesFrom(d, H27).join() === [`01:${H27}`, `03:${H27}`, `04:${H27}`, `05:${H27}`, `06:${H27}`].join() ? d : undefined;
    });

    // recall: H49 agrees (document marked recalled, file removed), H27 (completed) refuses
    const recall = await api(ex.baseUrl, g22, 'POST', `/documents/${created.id}/recall`, { reason: 'Sai sót số liệu' });
    expect(recall.status).to.equal(200);
    const inH49 = await eventually('13 at H49', async () => {
      const d = await inboxDocument(ex.baseUrl, h49, created.documentId);
      return d.recipients[0].recall === 'requested' ? d : undefined;
    });
    expect((await api(ex.baseUrl, h49, 'POST', `/documents/${inH49.id}/status`, { code: '15' })).status).to.equal(200);
    const withdrawn = await readJson(await api(ex.baseUrl, h49, 'GET', `/documents/${inH49.id}`));
    expect(withdrawn.recalled).to.equal(true);
    expect(withdrawn.file.available).to.equal(false);
    const gone = await api(ex.baseUrl, h49, 'GET', `/documents/${inH49.id}/file`);
    expect(gone.status).to.equal(404);
    await eventually('13 at H27', async () => ((await inboxDocument(ex.baseUrl, h27, created.documentId)).recipients[0].recall === 'requested' ? true : undefined));
    expect((await api(ex.baseUrl, h27, 'POST', `/documents/${inH27.id}/status`, { code: '16', description: 'Đã hoàn thành xử lý' })).status).to.equal(200);
    const final = await eventually('15 and 16 at the sender', async () => {
      const d = await outboxDoc(created.id);
      return statusesFrom(d, H49).includes(`15:${H49}`) && statusesFrom(d, H27).includes(`16:${H27}`) ? d : undefined;
    });
    expect(final.recipients.find((r: any) => r.code === H49).recall).to.equal('agreed');
    expect(final.recipients.find((r: any) => r.code === H27).recall).to.equal('refused');
  });

  it('when a leader asks the node to apply the person signature, then the receiver finds two valid signatures (person, then seal)', async () => {
    const leader = await loginAs(ex.baseUrl, G22, 'lanhdao');
    const r = await postDocument(ex.baseUrl, leader, UNSIGNED_PDF, metadataFor([H27], { personSignature: 'apply' }));
    const created = await readJson(r);
    expect(r.status, JSON.stringify(created)).to.equal(202);
    const doc = await inboxDocument(ex.baseUrl, h27, created.documentId);
    expect(doc.validation.verdict).to.equal('accepted');
    expect(doc.validation.signatureLevel).to.equal('signed');
    const pdfSigs = (doc.validation.signatures as any[]).filter((s) => s.kind === 'pdf');
    expect(pdfSigs.map((s) => s.indication)).to.deep.equal(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(pdfSigs[0].signerSha256).to.not.equal(pdfSigs[1].signerSha256);
  });

  it('when a sender replaces a document (BussinessDocType 3), then the receiver marks the earlier one superseded', async () => {
    const pdf = await personSignedPdf(ex.agency(G22));
    const first = await readJson(await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27])));
    const earlier = await inboxDocument(ex.baseUrl, h27, first.documentId);
    const r = await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27], { bussiness: { docType: 'replace', targetDocumentId: first.documentId, reason: 'Thay thế do sai sót' } }));
    const second = await readJson(r);
    expect(r.status, JSON.stringify(second)).to.equal(202);
    const replacement = await inboxDocument(ex.baseUrl, h27, second.documentId);
    expect(replacement.metadata.bussinessDocType).to.equal(3);
    expect(replacement.metadata.targetDocumentId).to.equal(first.documentId);
    const marked = await readJson(await api(ex.baseUrl, h27, 'GET', `/documents/${earlier.id}`));
    expect(marked.supersededBy).to.include({ documentId: second.documentId, kind: 'replace' });
  });

  it('when a document and its replacement wait together at the axis, then the receiver stores the earlier one first and marks it superseded', async () => {
    const sender = ex.agency(G12);
    const pdf = (await signPdf(await personSignedPdf(sender), { identity: sender.seal.identity, role: 'seal', signingTime: ex.clock(), appearance: false })).pdf;
    const tokenR = await fetch(`${ex.baseUrl}/axis/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId: G12, secret: secretOf(G12) }) });
    const axisToken = (await readJson(tokenR)).accessToken as string;
    const submit = async (number: string, bussiness: Omit<Bussiness, 'Paper'>): Promise<string> => {
      const documentId = `000.00.00.G12,${edxmlDay(ex.clock)},${number}/BTC-VP`;
      const pkg = buildEdocPackage({
        MessageHeader: {
          From: { OrganId: G12, OrganName: 'Bộ Tài chính' },
          To: [{ OrganId: H27, OrganName: 'UBND Hà Tĩnh' }],
          DocumentId: documentId,
          Code: { CodeNumber: number, CodeNotation: 'BTC-VP' },
          PromulgationInfo: { Place: 'Hà Nội', PromulgationDate: edxmlDay(ex.clock) },
          DocumentType: { Type: 1, TypeName: 'Công văn' },
          Subject: `Văn bản ${number}`,
          SignerInfo: { FullName: 'Trần B' },
          ToPlaces: [],
          OtherInfo: { Priority: 0 },
          ResponseFor: [],
        },
        TraceHeaderList: { TraceHeader: [{ OrganId: G12, Timestamp: `${edxmlDay(ex.clock)} 09:00:00` }], Bussiness: { Paper: 0, ...bussiness } },
        Attachments: [{ ContentId: 'cid:1', AttachmentName: `${number}.pdf`, ContentType: 'application/pdf', Content: pdf, Zipped: false }],
      });
      const form = new FormData();
      form.set('type', 'edoc');
      form.set('package', new Blob([pkg]), 'p.edxml');
      form.set('signature', new Blob([await signPackage(pkg, sender.seal.identity, ex.clock())]), 'p.p7s');
      const r = await fetch(`${ex.baseUrl}/axis/v1/edocs`, { method: 'POST', headers: { authorization: `Bearer ${axisToken}` }, body: form });
      expect(r.status, JSON.stringify(await readJson(r.clone()))).to.equal(201);
      return documentId;
    };
    // Hold Hà Tĩnh's poll lease so both packages wait at the axis and reach the node in one poll.
    const hosted = createHostedAgencyRepository(db.connection());
    await eventually('the poll lease of H27', async () => (await hosted.claimPoll(H27, 'test-holder', ex.clock(), 60_000)) || undefined);
    let earlierId: string;
    let laterId: string;
    try {
      earlierId = await submit('81', { BussinessDocType: 0 });
      laterId = await submit('82', { BussinessDocType: 3, DocumentId: earlierId, BussinessDocReason: 'Thay thế do sai sót' });
    } finally {
      await hosted.releasePoll(H27, 'test-holder', ex.clock());
    }
    const replacement = await inboxDocument(ex.baseUrl, h27, laterId);
    expect(replacement.metadata.targetDocumentId).to.equal(earlierId);
    const earlier = await inboxDocument(ex.baseUrl, h27, earlierId);
    expect(earlier.supersededBy).to.include({ documentId: laterId, kind: 'replace' });
  });

  it('when a clerk sends an unsigned PDF, then ERR_DOCUMENT_UNSIGNED, unless marked informational; a clerk may not ask for "apply"', async () => {
    const refused = await postDocument(ex.baseUrl, g22, UNSIGNED_PDF, metadataFor([H27]));
    expect(refused.status).to.equal(422);
    expect((await readJson(refused)).code).to.equal('ERR_DOCUMENT_UNSIGNED');
    const apply = await postDocument(ex.baseUrl, g22, UNSIGNED_PDF, metadataFor([H27], { personSignature: 'apply' }));
    expect(apply.status).to.equal(403);
    expect((await readJson(apply)).code).to.equal('ERR_FORBIDDEN');
    const info = await postDocument(ex.baseUrl, g22, UNSIGNED_PDF, metadataFor([H27], { personSignature: 'none' }));
    const created = await readJson(info);
    expect(info.status).to.equal(202);
    const doc = await inboxDocument(ex.baseUrl, h27, created.documentId);
    expect(doc.validation.verdict).to.equal('accepted');
    expect(doc.validation.signatureLevel).to.equal('unsigned');
  });

  it('when the metadata has an unknown key or a bad field, then ERR_VALIDATION names the path and nothing is stored', async () => {
    const before = (await readJson(await api(ex.baseUrl, g22, 'GET', '/documents?box=outbox'))).total;
    const unknown = await postDocument(ex.baseUrl, g22, UNSIGNED_PDF, metadataFor([H27], { colour: 'red' }));
    expect(unknown.status).to.equal(400);
    const body = await readJson(unknown);
    expect(body.code).to.equal('ERR_VALIDATION');
    const bad = await postDocument(ex.baseUrl, g22, UNSIGNED_PDF, metadataFor(['000.00.00.g22'], { promulgationDate: '2026-02-30' }));
    const badBody = await readJson(bad);
    expect(badBody.code).to.equal('ERR_VALIDATION');
    expect((badBody.details.issues as any[]).map((i) => i.path)).to.include.members(['metadata.to.0', 'metadata.promulgationDate']);
    expect((await readJson(await api(ex.baseUrl, g22, 'GET', '/documents?box=outbox'))).total).to.equal(before);
  });

  it('when the same send is repeated with the same Idempotency-Key, then one document; with another body, ERR_IDEMPOTENCY_MISMATCH', async () => {
    const pdf = await personSignedPdf(ex.agency(G22));
    const meta = metadataFor([H49]);
    const key = `idem-${randomUUID()}`;
    const first = await readJson(await postDocument(ex.baseUrl, g22, pdf, meta, key));
    const second = await postDocument(ex.baseUrl, g22, pdf, meta, key);
    const secondBody = await readJson(second);
    expect(second.status).to.equal(202);
    expect(secondBody.id).to.equal(first.id);
    expect(secondBody.replayed).to.equal(true);
    const list = await readJson(await api(ex.baseUrl, g22, 'GET', '/documents?box=outbox&pageSize=100'));
    expect((list.items as any[]).filter((d) => d.documentId === first.documentId)).to.have.length(1);
    const other = await postDocument(ex.baseUrl, g22, pdf, { ...meta, subject: 'khác' }, key);
    expect(other.status).to.equal(409);
    expect((await readJson(other)).code).to.equal('ERR_IDEMPOTENCY_MISMATCH');
    // a refused request leaves the key free for the corrected one
    const key2 = `idem-refused-${randomUUID()}`;
    const meta2 = metadataFor([H49]);
    const refused = await postDocument(ex.baseUrl, g22, UNSIGNED_PDF, meta2, key2);
    expect((await readJson(refused)).code).to.equal('ERR_DOCUMENT_UNSIGNED');
    const corrected = await postDocument(ex.baseUrl, g22, pdf, meta2, key2);
    expect(corrected.status).to.equal(202);
    expect((await readJson(corrected)).replayed).to.equal(false);
  });

  it('when a PDF is altered after signing, then the receiver refuses it with 02 and the reason, and the 02 reaches the sender through the axis', async () => {
    const sender = ex.agency(G12);
    const signed = (await signPdf(await personSignedPdf(sender), { identity: sender.seal.identity, role: 'seal', signingTime: ex.clock(), appearance: false })).pdf;
    const altered = new Uint8Array(signed);
    altered[7] = altered[7] === 0x37 ? 0x36 : 0x37; // %PDF-1.7 → %PDF-1.6: inside the signed byte ranges
    const documentId = `000.00.00.G12,${edxmlDay(ex.clock)},77/BTC-VP`;
    const pkg = buildEdocPackage({
      MessageHeader: {
        From: { OrganId: G12, OrganName: 'Bộ Tài chính' },
        To: [{ OrganId: H27, OrganName: 'UBND Hà Tĩnh' }],
        DocumentId: documentId,
        Code: { CodeNumber: '77', CodeNotation: 'BTC-VP' },
        PromulgationInfo: { Place: 'Hà Nội', PromulgationDate: edxmlDay(ex.clock) },
        DocumentType: { Type: 1, TypeName: 'Công văn' },
        Subject: 'Văn bản bị sửa sau khi ký',
        SignerInfo: { FullName: 'Trần B' },
        ToPlaces: [],
        OtherInfo: { Priority: 0 },
        ResponseFor: [],
      },
      TraceHeaderList: { TraceHeader: [{ OrganId: G12, Timestamp: `${edxmlDay(ex.clock)} 09:00:00` }], Bussiness: { BussinessDocType: 0, Paper: 0 } },
      Attachments: [{ ContentId: 'cid:1', AttachmentName: 'altered.pdf', ContentType: 'application/pdf', Content: altered, Zipped: false }],
    });
    const signature = await signPackage(pkg, sender.seal.identity, ex.clock());
    const tokenR = await fetch(`${ex.baseUrl}/axis/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId: G12, secret: secretOf(G12) }) });
    const axisToken = (await readJson(tokenR)).accessToken as string;
    const form = new FormData();
    form.set('type', 'edoc');
    form.set('package', new Blob([pkg]), 'p.edxml');
    form.set('signature', new Blob([signature]), 'p.p7s');
    const submit = await fetch(`${ex.baseUrl}/axis/v1/edocs`, { method: 'POST', headers: { authorization: `Bearer ${axisToken}` }, body: form });
    expect(submit.status, JSON.stringify(await readJson(submit.clone()))).to.equal(201);

    const doc = await inboxDocument(ex.baseUrl, h27, documentId);
    expect(doc.validation.verdict).to.equal('refused');
    expect(doc.validation.reasonCode).to.equal('PDF_SIGNATURE_FAILED');
    expect(doc.recipients[0].timeline.map((t: any) => t.code)).to.deep.equal(['02']);
    const failed = (doc.validation.signatures as any[]).filter((s) => s.kind === 'pdf' && s.indication !== 'TOTAL_PASSED');
    expect(failed.length).to.be.greaterThan(0);
    const status = await eventually(
      '02 waiting for G12 at the axis',
      async () => {
        const list = await readJson(await fetch(`${ex.baseUrl}/axis/v1/edocs?status=pending&type=status`, { headers: { authorization: `Bearer ${axisToken}` } }));
        return (list.items as any[]).find((d) => d.documentId === documentId);
      },
      60_000,
    ); // as long as the inbox waits: on a loaded machine the 02's first hand-over may be answered try-later
    expect(status.statusCode).to.equal('02');
    expect(status.from).to.equal(H27);
  });

  it('when the node signs with a certificate not bound to the sender, then the axis refuses the package and the message fails at once, visibly', async () => {
    const wrong = devIdentityToPkcs12(ex.agency(G12).seal, 'wrong seal');
    const right = devIdentityToPkcs12(ex.agency(G22).seal, 'seal');
    await ex.node.deps.keys.putPkcs12({ agencyCode: G22, kind: 'seal' }, wrong.pkcs12, wrong.password);
    try {
      const created = await readJson(await postDocument(ex.baseUrl, g22, await personSignedPdf(ex.agency(G22)), metadataFor([H27])));
      const failed = await eventually('failed', async () => {
        const d = await outboxDoc(created.id);
        return d.messages[0].state === 'failed' ? d : undefined;
      });
      expect(failed.messages[0].attempts).to.equal(1); // a refusal is not retried
      expect(failed.messages[0].lastError).to.match(/^ERR_CERT_NOT_BOUND/);
    } finally {
      await ex.node.deps.keys.putPkcs12({ agencyCode: G22, kind: 'seal' }, right.pkcs12, right.password);
    }
  });

  it("when one agency tries to read, act on or recall another agency's documents, then every attempt is denied", async () => {
    const pdf = await personSignedPdf(ex.agency(G22));
    const created = await readJson(await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27])));
    const inH27 = await inboxDocument(ex.baseUrl, h27, created.documentId);
    const attempts: Array<[string, string, string, unknown?]> = [
      [h49, 'GET', `/documents/${created.id}`],
      [h49, 'GET', `/documents/${created.id}/file`],
      [h49, 'POST', `/documents/${created.id}/recall`, { reason: 'x' }],
      [h49, 'POST', `/documents/${created.id}/retry`],
      [h49, 'GET', `/documents/${inH27.id}`],
      [h49, 'GET', `/documents/${inH27.id}/file`],
      [h49, 'POST', `/documents/${inH27.id}/status`, { code: '03' }],
      [h27, 'GET', `/documents/${created.id}`],
      [h27, 'POST', `/documents/${created.id}/recall`, { reason: 'x' }],
      [g22, 'GET', `/documents/${inH27.id}`],
      [g22, 'POST', `/documents/${inH27.id}/status`, { code: '03' }],
    ];
    for (const [token, method, path, body] of attempts) {
      const r = await api(ex.baseUrl, token, method, path, body);
      expect(r.status, `${method} ${path}`).to.equal(404);
      expect((await readJson(r)).code).to.equal('ERR_NOT_FOUND');
    }
    const h49Inbox = await readJson(await api(ex.baseUrl, h49, 'GET', '/documents?box=inbox&pageSize=100'));
    expect((h49Inbox.items as any[]).some((d) => d.documentId === created.documentId)).to.equal(false);
    // a forged token (agency changed, MAC kept) and no token
    const [v, payload, mac] = g22.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${v}.${Buffer.from(JSON.stringify({ ...claims, agencyCode: H27 })).toString('base64url')}.${mac}`;
    const f = await api(ex.baseUrl, forged, 'GET', `/documents/${inH27.id}`);
    expect(f.status).to.equal(401);
    expect((await readJson(f)).code).to.equal('ERR_UNAUTHENTICATED');
    const none = await fetch(`${ex.baseUrl}/api/v1/documents?box=inbox`);
    expect(none.status).to.equal(401);
    // a node token is not an axis token
    const axisWithNodeToken = await fetch(`${ex.baseUrl}/axis/v1/edocs?status=pending`, { headers: { authorization: `Bearer ${h27}` } });
    expect(axisWithNodeToken.status).to.equal(401);
    const wrongPassword = await fetch(`${ex.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode: H27, username: 'vanthu', password: 'wrong-password' }) });
    expect(wrongPassword.status).to.equal(401);
  });

  it('when the node router is listed, then every route is in the OpenAPI fragment and vice versa', () => {
    expect(listRoutes(ex.node.router, '/api/v1')).to.deep.equal(listOpenApiOperations(ex.node.openapi.paths, '/api/v1'));
  });

  it('when documents were sent and received, then the monthly counters show them without a scan', async () => {
    const r = await readJson(await api(ex.baseUrl, g22, 'GET', `/reports/monthly?month=${ex.clock.month()}`));
    expect(r.outgoing).to.be.greaterThan(3);
    expect(r.signed).to.be.greaterThan(2);
    expect(r.unsigned).to.equal(1);
    const h = await readJson(await api(ex.baseUrl, h27, 'GET', '/reports/monthly'));
    expect(h.month, 'the node reports the month of its own clock by default').to.equal(ex.clock.month());
    expect(h.inbound).to.be.greaterThan(2);
    expect(h.inboundRefused).to.be.greaterThan(0);
  });
});
