import { expect } from 'chai';
import type { DevelopmentPki } from '../../../../crypto/index.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { G12, G22, H27, edocBytes, sealSign, secretOf, testPki } from '../../axis/fixtures.js';
import { client, startAxis, type AxisServer } from './support.js';

describe('axis API logs: who sent what and why it was refused, never secrets, tokens or bodies @db', () => {
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServer;
  const lines: string[] = [];

  before(async () => {
    pki = await testPki();
    axis = await startAxis(db.connection(), pki, lines);
  });
  after(() => axis.close());

  it('when a system logs in, sends one good and one refused package, then the log names both outcomes and holds none of the secrets', async () => {
    const api = client(axis.baseUrl);
    const token = (await readJson(await api.token(H27, secretOf(H27)))).accessToken as string;
    const good = edocBytes({ from: H27, to: [G22], subject: 'UNIQUE-SUBJECT-MARKER' });
    const sent = await readJson(await api.send(token, { package: good.bytes, signature: await sealSign(pki, H27, good.bytes), type: 'edoc' }));
    const bad = edocBytes({ from: H27, to: [G22] });
    await api.send(token, { package: bad.bytes, signature: await sealSign(pki, G12, bad.bytes), type: 'edoc' });
    await new Promise((r) => setTimeout(r, 50));

    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.event === 'axis.package.accepted')).to.include({ docId: sent.docId, sender: H27, duplicate: false });
    expect(events.find((e) => e.event === 'axis.package.refused')).to.include({ code: 'ERR_CERT_NOT_BOUND', sender: H27 });
    const all = lines.join('\n');
    expect(all).to.not.include(secretOf(H27));
    expect(all).to.not.include(token.split('.')[2]);
    expect(all).to.not.include('UNIQUE-SUBJECT-MARKER');
    expect(all).to.not.include(Buffer.from(good.bytes).toString('base64').slice(0, 40));
  });
});
