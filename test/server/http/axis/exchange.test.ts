import { expect } from 'chai';
import type { DevelopmentPki } from '../../../../crypto/index.js';
import { parseEdocPackage, parseStatusPackage, signPackageXml, verifyPackageSignature } from '../../../../server/domain/edxml/index.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { listOpenApiOperations, listRoutes } from '../../../support/routes.js';
import { G12, G22, H27, H49, TAX, agencyOf, edocBytes, sealSign, secretOf, statusBytes, testPki } from '../../axis/fixtures.js';
import { client, problemOf, snapshot, startAxis, type AxisServer } from './support.js';
import { edxmlDay, testClock } from '../../../support/clock.js';

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

describe('axis API: send, pull, acknowledge, statuses and the trace @db', () => {
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServer;
  let api: ReturnType<typeof client>;
  const tokens: Record<string, string> = {};

  before(async () => {
    pki = await testPki();
    axis = await startAxis(db.connection(), pki);
    api = client(axis.baseUrl);
    for (const code of [G22, G12, H27, H49]) {
      const r = await api.token(code, secretOf(code));
      expect(r.status).to.equal(200);
      tokens[code] = (await readJson(r)).accessToken;
    }
  });
  after(() => axis.close());

  it('when every route of the router is listed, then the OpenAPI fragment has exactly those operations', () => {
    expect(listRoutes(axis.role.router, '/axis/v1')).to.deep.equal(listOpenApiOperations(axis.role.openapi.paths, '/axis/v1'));
  });

  it('when a signed package goes to two agencies, then each pulls the exact bytes, verifies them, and acknowledges once', async () => {
    const { bytes, documentId } = edocBytes({ from: H27, to: [G22, G12] });
    const signature = await sealSign(pki, H27, bytes);
    const sent = await api.send(tokens[H27], { package: bytes, signature, type: 'edoc' });
    const result = await readJson(sent);
    expect(sent.status, JSON.stringify(result)).to.equal(201);
    expect(result).to.include({ duplicate: false, type: 'edoc' });
    expect(result.recipients).to.deep.equal([G22, G12]);

    for (const me of [G22, G12]) {
      const list = await readJson(await api.list(tokens[me], '?status=pending&type=edoc'));
      expect(list.items.map((i: { docId: string }) => i.docId)).to.deep.equal([result.docId]);
      expect(list.items[0]).to.include({ from: H27, to: me, documentId, state: 'pending', type: 'edoc' });
      const got = await readJson(await api.download(tokens[me], result.docId));
      const pkg = fromB64(got.package);
      expect(Buffer.from(pkg).equals(Buffer.from(bytes))).to.equal(true);
      expect(parseEdocPackage(pkg).MessageHeader.DocumentId).to.equal(documentId);
      const report = await verifyPackageSignature(pkg, fromB64(got.signature), { trustAnchors: [pki.root.certificate], crls: [pki.crl], now: testClock() });
      expect(report.indication).to.equal('TOTAL_PASSED');

      const ack = await api.ack(tokens[me], result.docId, 'done');
      expect(await readJson(ack)).to.deep.equal({ docId: result.docId, state: 'done', changed: true });
      expect(await readJson(await api.ack(tokens[me], result.docId, 'done'))).to.deep.equal({ docId: result.docId, state: 'done', changed: false });
      expect(await problemOf(await api.ack(tokens[me], result.docId, 'fail'))).to.equal('409 ERR_CONFLICT');
      expect((await readJson(await api.list(tokens[me]))).total).to.equal(0);
      expect((await readJson(await api.list(tokens[me], '?status=done'))).items[0].docId).to.equal(result.docId);
    }
  });

  it('when a package carries only its enveloped XML signature (no detached CMS, as a real axis moves it), then it is accepted and delivered without a signature part', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const signed = await signPackageXml(bytes, agencyOf(pki, H27).seal.identity);
    const sent = await api.send(tokens[H27], { package: signed, type: 'edoc' });
    const result = await readJson(sent);
    expect(sent.status, JSON.stringify(result)).to.equal(201);
    const got = await readJson(await api.download(tokens[G22], result.docId));
    expect(got.signature).to.equal('');
    const pkg = fromB64(got.package);
    expect(Buffer.from(pkg).equals(Buffer.from(signed))).to.equal(true);
    const report = await verifyPackageSignature(pkg, undefined, { trustAnchors: [pki.root.certificate], crls: [pki.crl], now: testClock() });
    expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
    expect(report.checks.map((c) => c.name)).to.include.members(['reference-digest', 'signature-value']);
    expect((await readJson(await api.ack(tokens[G22], result.docId, 'done'))).state).to.equal('done');
  });

  it('when the same package is sent again, then the same docId answers (200, duplicate) and nothing is added', async () => {
    const { bytes } = edocBytes({ from: H49, to: [G22] });
    const signature = await sealSign(pki, H49, bytes);
    const first = await readJson(await api.send(tokens[H49], { package: bytes, signature, type: 'edoc' }));
    const counts = await snapshot(db.connection());
    const resignature = await sealSign(pki, H49, bytes);
    const again = await api.send(tokens[H49], { package: bytes, signature: resignature, type: 'edoc' });
    expect(again.status).to.equal(200);
    expect(await readJson(again)).to.include({ docId: first.docId, duplicate: true });
    expect(await snapshot(db.connection())).to.deep.equal(counts);
    const pending = await readJson(await api.list(tokens[G22]));
    expect(pending.items.filter((i: { docId: string }) => i.docId === first.docId)).to.have.length(1);
  });

  it('when a different package reuses a sent DocumentId, then 409 ERR_IDEMPOTENCY_MISMATCH', async () => {
    const a = edocBytes({ from: H49, to: [G22], number: '777', subject: 'first' });
    const b = edocBytes({ from: H49, to: [G22], number: '777', subject: 'second' });
    expect(a.documentId).to.equal(b.documentId);
    expect((await api.send(tokens[H49], { package: a.bytes, signature: await sealSign(pki, H49, a.bytes), type: 'edoc' })).status).to.equal(201);
    const counts = await snapshot(db.connection());
    expect(await problemOf(await api.send(tokens[H49], { package: b.bytes, signature: await sealSign(pki, H49, b.bytes), type: 'edoc' }))).to.equal('409 ERR_IDEMPOTENCY_MISMATCH');
    expect(await snapshot(db.connection())).to.deep.equal(counts);
  });

  it('when a recipient sends a status, then it goes to the original sender only; a stranger or a wrong-side code is refused', async () => {
    const { bytes, documentId } = edocBytes({ from: G12, to: [H27] });
    const doc = await readJson(await api.send(tokens[G12], { package: bytes, signature: await sealSign(pki, G12, bytes), type: 'edoc' }));
    const arrived = statusBytes({ from: H27, original: { sender: G12, documentId }, statusCode: '01' });
    const st = await api.send(tokens[H27], { package: arrived, signature: await sealSign(pki, H27, arrived), type: 'status' });
    const sr = await readJson(st);
    expect(st.status, JSON.stringify(sr)).to.equal(201);
    expect(sr.recipients).to.deep.equal([G12]);
    const inbox = await readJson(await api.list(tokens[G12], '?type=status'));
    expect(inbox.items).to.have.length(1);
    expect(inbox.items[0]).to.include({ docId: sr.docId, from: H27, documentId, statusCode: '01', type: 'status' });
    const got = await readJson(await api.download(tokens[G12], sr.docId));
    expect(parseStatusPackage(fromB64(got.package)).ResponseFor.DocumentId).to.equal(documentId);
    expect((await readJson(await api.list(tokens[H27], '?type=status'))).total).to.equal(0);

    const stranger = statusBytes({ from: H49, original: { sender: G12, documentId }, statusCode: '01' });
    expect(await problemOf(await api.send(tokens[H49], { package: stranger, signature: await sealSign(pki, H49, stranger), type: 'status' }))).to.equal('403 ERR_FORBIDDEN');
    const recallByReceiver = statusBytes({ from: H27, original: { sender: G12, documentId }, statusCode: '13' });
    expect(await problemOf(await api.send(tokens[H27], { package: recallByReceiver, signature: await sealSign(pki, H27, recallByReceiver), type: 'status' }))).to.equal('409 ERR_STATUS_TRANSITION');
    const unknownDoc = statusBytes({ from: H27, original: { sender: G12, documentId: `${G12},${edxmlDay()},99999/NONE` }, statusCode: '01' });
    expect(await problemOf(await api.send(tokens[H27], { package: unknownDoc, signature: await sealSign(pki, H27, unknownDoc), type: 'status' }))).to.equal('422 ERR_REFERENCE_UNKNOWN');

    const recall = statusBytes({ from: G12, original: { sender: G12, documentId }, statusCode: '13' });
    const rr = await readJson(await api.send(tokens[G12], { package: recall, signature: await sealSign(pki, G12, recall), type: 'status' }));
    expect(rr.recipients).to.deep.equal([H27]);
    expect(doc.docId).to.not.equal(rr.docId);
  });

  it('when a package travels, then the trace records submitted, queued, downloaded and acknowledged, hash-chained, and tampering is detected', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22, H49] });
    const sent = await readJson(await api.send(tokens[H27], { package: bytes, signature: await sealSign(pki, H27, bytes), type: 'edoc' }));
    await api.download(tokens[G22], sent.docId);
    await api.ack(tokens[G22], sent.docId, 'done');
    await api.ack(tokens[H49], sent.docId, 'fail');
    const trace = await readJson(await api.trace(tokens[H27], sent.docId));
    const hops = trace.items.map((e: { event: string; actor: string; recipient?: string }) => `${e.event} ${e.actor}${e.recipient ? ` → ${e.recipient}` : ''}`);
    expect(hops).to.deep.equal([`submitted ${H27}`, `queued ${H27} → ${G22}`, `queued ${H27} → ${H49}`, `downloaded ${G22} → ${G22}`, `acknowledged ${G22} → ${G22}`, `acknowledged ${H49} → ${H49}`]);
    expect(trace.items[0].details).to.include({ sha256: sent.sha256, type: 'edoc' });
    expect(trace.items.at(-1).details).to.deep.equal({ status: 'fail' });
    expect(await axis.role.services.verifyTrace()).to.include({ ok: true });

    const victim = trace.items[3];
    await db
      .connection()
      .collection('axis_trace')
      .updateOne({ seq: victim.seq }, { $set: { actor: H49 } });
    const check = await axis.role.services.verifyTrace();
    expect(check).to.include({ ok: false, brokenAt: victim.seq });
    await db
      .connection()
      .collection('axis_trace')
      .updateOne({ seq: victim.seq }, { $set: { actor: victim.actor } });
    expect(await axis.role.services.verifyTrace()).to.include({ ok: true });
  });

  it('when the registry is read, then agencies come with certificates and children, never secrets', async () => {
    const list = await readJson(await api.get(tokens[H27], '/agencies?pageSize=2'));
    expect(list).to.include({ total: 5, page: 1, pageSize: 2 });
    expect(list.items).to.have.length(2);
    const g12 = await readJson(await api.get(tokens[H27], `/agencies/${G12}`));
    expect(g12.children).to.deep.equal([{ code: TAX, name: 'Tổng cục Thuế (DEV)' }]);
    expect(g12.certificates).to.have.length(1);
    expect(g12.certificates[0]).to.include({ status: 'active' });
    expect(JSON.stringify(list) + JSON.stringify(g12)).to.not.match(/secret|scrypt/i);
    const children = await readJson(await api.get(tokens[H27], `/agencies?parentCode=${G12}`));
    expect(children.items.map((a: { code: string }) => a.code)).to.deep.equal([TAX]);
    expect(await problemOf(await api.get(tokens[H27], '/agencies/000.00.00.G17'))).to.equal('404 ERR_AGENCY_UNKNOWN');
    expect(await problemOf(await api.get(tokens[H27], '/agencies/000.00.00.g17'))).to.equal('400 ERR_AGENCY_CODE_INVALID');
    expect(await problemOf(await api.get(undefined, '/agencies'))).to.equal('401 ERR_UNAUTHENTICATED');
  });
});
