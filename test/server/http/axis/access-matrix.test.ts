import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { DevelopmentPki } from '../../../../crypto/index.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { G12, G22, H27, H49, edocBytes, sealSign, secretOf, testPki } from '../../axis/fixtures.js';
import { client, problemOf, startAxis, type AxisServer } from './support.js';

describe('axis API: one agency cannot list, download or acknowledge another’s packages @db', () => {
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServer;
  let api: ReturnType<typeof client>;
  const tokens: Record<string, string> = {};
  let docId = '';

  before(async () => {
    pki = await testPki();
    axis = await startAxis(db.connection(), pki);
    api = client(axis.baseUrl);
    for (const code of [G22, G12, H27, H49]) tokens[code] = (await readJson(await api.token(code, secretOf(code)))).accessToken;
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const sent = await api.send(tokens[H27], { package: bytes, signature: await sealSign(pki, H27, bytes), type: 'edoc' });
    expect(sent.status).to.equal(201);
    docId = (await readJson(sent)).docId;
  });
  after(() => axis.close());

  // The sender is not a recipient either: it sent the package, it does not pull it.
  const outsiders = [
    ['a stranger ministry', G12],
    ['a stranger province', H49],
    ['the sender itself', H27],
  ] as const;

  for (const [who, code] of outsiders) {
    for (const state of ['pending', 'done', 'fail']) {
      it(`when ${who} lists ${state} deliveries, then the package is not among them`, async () => {
        const list = await readJson(await api.list(tokens[code], `?status=${state}`));
        expect(list.items.map((i: { docId: string }) => i.docId)).to.not.include(docId);
      });
    }
    it(`when ${who} downloads the package, then 404 ERR_NOT_FOUND (as for an unknown id)`, async () => {
      expect(await problemOf(await api.download(tokens[code], docId))).to.equal('404 ERR_NOT_FOUND');
    });
    for (const status of ['done', 'fail']) {
      it(`when ${who} acknowledges it as ${status}, then 404 ERR_NOT_FOUND and the recipient's delivery stays pending`, async () => {
        expect(await problemOf(await api.ack(tokens[code], docId, status))).to.equal('404 ERR_NOT_FOUND');
        const mine = await readJson(await api.list(tokens[G22]));
        expect(mine.items.find((i: { docId: string }) => i.docId === docId)?.state).to.equal('pending');
      });
    }
  }

  for (const [who, code] of outsiders.slice(0, 2)) {
    it(`when ${who} asks for the trace, then 404 ERR_NOT_FOUND`, async () => {
      expect(await problemOf(await api.trace(tokens[code], docId))).to.equal('404 ERR_NOT_FOUND');
    });
  }

  it('when an unknown or malformed docId is asked for, then 404 / 400 without a hint of other agencies', async () => {
    expect(await problemOf(await api.download(tokens[G22], randomUUID()))).to.equal('404 ERR_NOT_FOUND');
    expect(await problemOf(await api.download(tokens[G22], 'not-a-uuid'))).to.equal('400 ERR_VALIDATION');
    expect(await problemOf(await api.list(tokens[G22], '?status=everything'))).to.equal('400 ERR_VALIDATION');
    expect(await problemOf(await api.list(tokens[G22], '?pageSize=1000'))).to.equal('400 ERR_VALIDATION');
  });

  it('when the recipient itself lists, downloads and acknowledges, then all three work (the matrix denies only outsiders)', async () => {
    expect((await readJson(await api.list(tokens[G22]))).items.map((i: { docId: string }) => i.docId)).to.include(docId);
    expect((await api.download(tokens[G22], docId)).status).to.equal(200);
    expect((await readJson(await api.ack(tokens[G22], docId, 'done'))).state).to.equal('done');
  });
});
