import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { createPdfPool, type DevelopmentPki } from '../../../../crypto/index.js';
import { formatVdxpTimestamp } from '../../../../server/axis/index.js';
import { signPackageXml } from '../../../../server/domain/edxml/index.js';
import { vdxpSignedHeaders } from '../../../../server/node/axis-client/vdxp-axis-gateway.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { listOpenApiOperations, listRoutes } from '../../../support/routes.js';
import { testClock } from '../../../support/clock.js';
import { G12, G22, H27, TAX, agencyOf, edocBytes, secretOf, testPki } from '../../axis/fixtures.js';
import { snapshot, startAxis, type AxisServer } from './support.js';

/** The Java SDK's hash-file: each SHA-256 byte in hex without its leading zero (Integer.toHexString). */
const javaHashFile = (bytes: Uint8Array) => [...createHash('sha256').update(bytes).digest()].map((b) => b.toString(16)).join('');

describe('axis VDXP facade: the SDK-shaped API with its HMAC-signed headers @db', () => {
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServer;

  before(async () => {
    pki = await testPki();
    axis = await startAxis(db.connection(), pki);
  });
  after(() => axis.close());

  /** A request as the SDK makes it: `params` plus systemid and timestamp, signed with `secret`. */
  async function vdxp(op: string, system: string, params: Record<string, string>, over: { secret?: string; at?: Date; file?: Uint8Array; tamper?: Record<string, string>; headers?: Record<string, string>; json?: unknown } = {}) {
    const headers = over.headers ?? vdxpSignedHeaders({ systemid: system, timestamp: formatVdxpTimestamp(over.at ?? testClock()), ...params }, over.secret ?? secretOf(system));
    Object.assign(headers, over.tamper ?? {});
    let body: FormData | undefined;
    if (over.file) {
      body = new FormData();
      body.set('file_doc', new Blob([over.file], { type: 'application/octet-stream' }), 'edoc.edxml');
    }
    if (over.json !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${axis.baseUrl}/axis/vdxp/${op}`, { method: 'POST', headers, ...(body ? { body } : over.json !== undefined ? { body: JSON.stringify(over.json) } : {}) });
    return { status: r.status, body: await readJson(r) };
  }
  const failure = (r: { status: number; body: any }) => `${r.status} ${r.body.status} ${r.body.ErrorCode}`;
  const signedEdoc = async (from: typeof H27, to: (typeof H27)[]) => signPackageXml(edocBytes({ from, to }).bytes, agencyOf(pki, from).seal.identity);

  it('when every route of the facade is listed, then its OpenAPI fragment has exactly those operations', () => {
    expect(listRoutes(axis.role.vdxpRouter, '/axis/vdxp')).to.deep.equal(listOpenApiOperations(axis.role.vdxpOpenapi.paths, '/axis/vdxp'));
  });

  it("when a system sends with the Java SDK's hash-file, then the recipient lists, downloads the exact bytes and acknowledges once", async () => {
    const file = await signedEdoc(H27, [G22]);
    const sent = await vdxp('sendEdoc', H27, { from: H27, servicetype: 'eDoc', messagetype: 'edoc', 'hash-file': javaHashFile(file) }, { file });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    expect(sent.body).to.include({ status: 'OK', ErrorCode: '0', ErrorDesc: 'Success' });
    const docId = sent.body.DocId as string;

    const list = await vdxp('getReceivedEdocList', G22, { servicetype: 'eDoc', messagetype: 'edoc' });
    expect(list.body.ErrorCode).to.equal('0');
    expect(list.body.data.map((k: any) => k.docId)).to.deep.equal([docId]);
    expect(list.body.data[0]).to.include({ from: H27, to: G22, messageType: 'edoc', serviceType: 'eDoc', status: 'pending' });

    const got = await vdxp('getEdoc', G22, { docId });
    expect(Buffer.from(got.body.data, 'base64').equals(Buffer.from(file))).to.equal(true);
    expect(failure(await vdxp('getEdoc', H27, { docId }))).to.equal('404 FAIL ERR_NOT_FOUND');

    expect((await vdxp('updateStatus', G22, { docId, status: 'done' })).body).to.include({ status: 'OK', changed: true });
    expect((await vdxp('updateStatus', G22, { docId, status: 'done' })).body).to.include({ status: 'OK', changed: false });
    expect(failure(await vdxp('updateStatus', G22, { docId, status: 'fail' }))).to.equal('409 FAIL ERR_CONFLICT');
    expect((await vdxp('getReceivedEdocList', G22, { messagetype: 'edoc' })).body.data).to.deep.equal([]);
  });

  it("when a system sends to two recipients, then getSentEdocList shows each recipient's state, and only to the sender", async () => {
    const file = await signedEdoc(H27, [G22, G12]);
    const docId = (await vdxp('sendEdoc', H27, { from: H27, messagetype: 'edoc' }, { file })).body.DocId as string;
    expect((await vdxp('updateStatus', G12, { docId, status: 'fail', reason: 'not ours' })).body.status).to.equal('OK');
    const sent = await vdxp('getSentEdocList', H27, { docId });
    expect(sent.body.ErrorCode, JSON.stringify(sent.body)).to.equal('0');
    const byRecipient = Object.fromEntries(sent.body.data.map((s: any) => [s.toCode, s]));
    expect(Object.keys(byRecipient).sort()).to.deep.equal([G12, G22].sort());
    expect(byRecipient[G22]).to.include({ senderDocId: docId, receiverDocId: docId, fromCode: H27, sendStatus: 'done', receiveStatus: 'pending', messageType: 'edoc' });
    expect(byRecipient[G12]).to.include({ receiveStatus: 'fail', receiveStatusDesc: 'refused: not ours' });
    expect(byRecipient[G12].receivedTime).to.be.a('string');
    // Newest first over everything H27 sent: this package leads the unfiltered list.
    expect((await vdxp('getSentEdocList', H27, { messagetype: 'edoc' })).body.data[0].senderDocId).to.equal(docId);
    // Another system sees nothing of it, and may not list for H27.
    expect((await vdxp('getSentEdocList', G22, { docId })).body.data).to.deep.equal([]);
    expect(failure(await vdxp('getSentEdocList', G22, { from: H27 }))).to.equal('403 FAIL ERR_FORBIDDEN');
    expect(failure(await vdxp('getSentEdocList', H27, { docId: 'nope' }))).to.equal('400 FAIL ERR_VALIDATION');
  });

  it('when the HMAC, a signed header, an unsigned header, the timestamp or hash-file is wrong, then the request is refused and nothing is written', async () => {
    const file = await signedEdoc(H27, [G22]);
    const before = await snapshot(db.connection());
    const params = { from: H27, servicetype: 'eDoc', messagetype: 'edoc' };
    expect(failure(await vdxp('sendEdoc', H27, params, { file, secret: 'not-the-secret-of-this-system' }))).to.equal('401 FAIL ERR_UNAUTHENTICATED');
    expect(failure(await vdxp('sendEdoc', H27, params, { file, tamper: { 'XroadVnpt-messagetype': 'status' } }))).to.equal('401 FAIL ERR_UNAUTHENTICATED');
    expect(failure(await vdxp('sendEdoc', H27, params, { file, tamper: { 'XroadVnpt-to': G12 } }))).to.equal('401 FAIL ERR_UNAUTHENTICATED');
    expect(failure(await vdxp('sendEdoc', H27, params, { file, at: new Date(testClock().getTime() - 3600_000) }))).to.equal('401 FAIL ERR_UNAUTHENTICATED');
    expect(failure(await vdxp('sendEdoc', G22, params, { file, secret: secretOf(H27) }))).to.equal('401 FAIL ERR_UNAUTHENTICATED');
    expect(failure(await vdxp('sendEdoc', H27, { ...params, 'hash-file': '00'.repeat(32) }, { file }))).to.equal('400 FAIL ERR_VALIDATION');
    expect(await snapshot(db.connection())).to.deep.equal(before);
  });

  it('when a signed request is sent again inside its window, then it is refused as a replay and changes nothing', async () => {
    const file = await signedEdoc(H27, [G22]);
    const headers = vdxpSignedHeaders({ systemid: H27, timestamp: formatVdxpTimestamp(testClock()), from: H27, messagetype: 'edoc' }, secretOf(H27));
    const first = await vdxp('sendEdoc', H27, {}, { file, headers: { ...headers } });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    const seen = () => db.connection().collection('axis_vdxp_seen_requests').countDocuments();
    const before = { ...(await snapshot(db.connection())), seen: await seen() };
    expect(failure(await vdxp('sendEdoc', H27, {}, { file, headers: { ...headers } }))).to.equal('409 FAIL ERR_REPLAYED');
    // The same signed headers on another operation (the HMAC does not cover the path) are the same replay.
    expect(failure(await vdxp('getReceivedEdocList', H27, {}, { headers: { ...headers } }))).to.equal('409 FAIL ERR_REPLAYED');
    expect({ ...(await snapshot(db.connection())), seen: await seen() }).to.deep.equal(before);
    // A fresh timestamp is a new request: the resend is recognised as the same package (200, same DocId).
    const again = await vdxp('sendEdoc', H27, { from: H27, messagetype: 'edoc' }, { file });
    expect(again.body).to.include({ DocId: first.body.DocId, duplicate: true });
  });

  it('when a system acts for an agency registered under it, then it sends and receives for it; for any other agency it is forbidden', async () => {
    const file = await signedEdoc(TAX, [H27]);
    const params = { from: TAX, servicetype: 'eDoc', messagetype: 'edoc' };
    expect(failure(await vdxp('sendEdoc', H27, params, { file }))).to.equal('403 FAIL ERR_FORBIDDEN');
    const sent = await vdxp('sendEdoc', G12, params, { file });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);

    const back = await signedEdoc(H27, [TAX]);
    const docId = (await vdxp('sendEdoc', H27, { from: H27, messagetype: 'edoc' }, { file: back })).body.DocId as string;
    expect(failure(await vdxp('getReceivedEdocList', H27, { to: TAX }))).to.equal('403 FAIL ERR_FORBIDDEN');
    expect(failure(await vdxp('getReceivedEdocList', G22, { to: TAX }))).to.equal('403 FAIL ERR_FORBIDDEN');
    const list = await vdxp('getReceivedEdocList', G12, { to: TAX });
    expect(list.body.data.map((k: any) => k.docId)).to.include(docId);
    expect((await vdxp('getReceivedEdocList', G12, {})).body.data.map((k: any) => k.docId)).to.not.include(docId);
    expect((await vdxp('updateStatus', G12, { docId, status: 'done', to: TAX })).body.status).to.equal('OK');
  });

  it('when a system counts what waits (countReceiveEdoc, countReceiveStatus) and downloads a package as raw bytes (downloadEdoc), then as the SDK reads them, for itself or an agency under it', async () => {
    const get = async (op: string, system: string, params: Record<string, string>, secret = secretOf(system)) =>
      fetch(`${axis.baseUrl}/axis/vdxp/${op}`, { headers: vdxpSignedHeaders({ systemid: system, timestamp: formatVdxpTimestamp(testClock()), ...params }, secret) });
    const count = async (op: string, system: string, params: Record<string, string> = {}) => {
      const r = await get(op, system, { servicetype: 'eDoc', ...params });
      const body = await readJson(r);
      expect(r.status, JSON.stringify(body)).to.equal(200);
      expect(body).to.include({ status: 'OK', ErrorCode: '0' });
      return body.count as number;
    };
    const edocsBefore = await count('countReceiveEdoc', G22);
    const statusesBefore = await count('countReceiveStatus', G22);
    const file = await signedEdoc(H27, [G22]);
    const docId = (await vdxp('sendEdoc', H27, { from: H27, messagetype: 'edoc' }, { file })).body.DocId as string;
    expect(await count('countReceiveEdoc', G22)).to.equal(edocsBefore + 1);
    expect(await count('countReceiveStatus', G22)).to.equal(statusesBefore);

    const dl = await get('downloadEdoc', G22, { docId });
    expect(dl.status).to.equal(200);
    expect(dl.headers.get('content-type')).to.match(/^application\/xml/);
    expect(Buffer.from(await dl.arrayBuffer()).equals(Buffer.from(file))).to.equal(true);
    const notYours = await get('downloadEdoc', H27, { docId });
    expect([notYours.status, (await readJson(notYours)).ErrorCode]).to.deep.equal([404, 'ERR_NOT_FOUND']);
    const forged = await get('countReceiveEdoc', G22, { servicetype: 'eDoc' }, 'not-the-secret-of-G22-0123456789');
    expect([forged.status, (await readJson(forged)).ErrorCode]).to.deep.equal([401, 'ERR_UNAUTHENTICATED']);

    expect((await vdxp('updateStatus', G22, { docId, status: 'done' })).body.status).to.equal('OK');
    expect(await count('countReceiveEdoc', G22)).to.equal(edocsBefore);
    // acting for an agency under the system: G12 counts for TAX; another system may not
    const forTax = await count('countReceiveEdoc', G12, { to: TAX });
    expect(forTax).to.be.a('number');
    const other = await get('countReceiveEdoc', H27, { to: TAX });
    expect([other.status, (await readJson(other)).ErrorCode]).to.deep.equal([403, 'ERR_FORBIDDEN']);
  });

  it("when the axis checks a package's XML signature, then it does so in its worker pool: with that pool closed, sendEdoc is ERR_AXIS_UNAVAILABLE (503, try again) and nothing is written", async () => {
    const pool = createPdfPool({ size: 1 });
    await pool.close();
    const busy = await startAxis(db.connection(), pki, undefined, { pdfPool: pool });
    try {
      const file = await signedEdoc(H27, [G22]);
      const before = await snapshot(db.connection());
      const headers = vdxpSignedHeaders({ systemid: H27, timestamp: formatVdxpTimestamp(testClock()), from: H27, servicetype: 'eDoc', messagetype: 'edoc' }, secretOf(H27));
      const body = new FormData();
      body.set('file_doc', new Blob([file], { type: 'application/octet-stream' }), 'edoc.edxml');
      const r = await fetch(`${busy.baseUrl}/axis/vdxp/sendEdoc`, { method: 'POST', headers, body });
      expect([r.status, (await readJson(r)).ErrorCode]).to.deep.equal([503, 'ERR_AXIS_UNAVAILABLE']);
      expect(await snapshot(db.connection())).to.deep.equal(before);
    } finally {
      await busy.close();
    }
  });

  it('when a system registers and deletes agencies, then only under itself, never with agencies or mail below them', async () => {
    const DEPT = '000.00.19.G12';
    const UNIT = '000.01.18.G12';
    const codes = async () => (await vdxp('getAgenciesList', G12, { pageSize: '100' })).body.data.map((a: any) => a.code);
    const made = await vdxp('registerAgency', G12, {}, { json: { code: DEPT, name: 'Sở thử nghiệm', mail: 'x@example.vn' } });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    expect(made.body.data).to.deep.equal({ code: DEPT, pcode: G12, name: 'Sở thử nghiệm' });
    expect((await vdxp('registerAgency', G12, {}, { json: { code: UNIT, pcode: TAX, name: 'Chi cục' } })).body.data).to.include({ code: UNIT, pcode: TAX });
    expect(failure(await vdxp('registerAgency', G12, {}, { json: { code: DEPT, name: 'again' } }))).to.equal('409 FAIL ERR_AGENCY_EXISTS');
    expect(failure(await vdxp('registerAgency', H27, {}, { json: { code: '000.00.20.G12', pcode: G12, name: 'not yours' } }))).to.equal('403 FAIL ERR_FORBIDDEN');
    expect(failure(await vdxp('registerAgency', G12, {}, { json: { code: 'nope', name: 'x' } }))).to.equal('400 FAIL ERR_AGENCY_CODE_INVALID');
    expect(await codes()).to.include.members([DEPT, UNIT]);

    const before = await codes();
    expect(failure(await vdxp('deleteAgency', H27, { code: DEPT }))).to.equal('403 FAIL ERR_FORBIDDEN');
    expect(failure(await vdxp('deleteAgency', G12, { code: G12 }))).to.equal('403 FAIL ERR_FORBIDDEN');
    expect(failure(await vdxp('deleteAgency', G12, { code: TAX }))).to.equal('409 FAIL ERR_CONFLICT');
    expect(await codes()).to.deep.equal(before);
    expect((await vdxp('deleteAgency', G12, { code: UNIT })).body).to.include({ status: 'OK', code: UNIT });
    expect((await vdxp('deleteAgency', G12, { code: DEPT })).body).to.include({ status: 'OK', code: DEPT });
    expect(await codes()).to.not.include.members([DEPT, UNIT]);
    expect(failure(await vdxp('deleteAgency', G12, { code: DEPT }))).to.equal('403 FAIL ERR_FORBIDDEN');
  });
});
