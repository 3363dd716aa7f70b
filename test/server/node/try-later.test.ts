import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createDevelopmentPki, type DevelopmentPki } from '../../../crypto/index.js';
import { composeAxis, composeAxisRegistry, type AxisRole } from '../../../server/compose/axis.js';
import { composeNode, type NodeRole } from '../../../server/compose/node.js';
import { seedDevelopmentRegistry } from '../../../server/axis/index.js';
import { loadConfig } from '../../../server/config/config.js';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { createApp } from '../../../server/http/create-app.js';
import { createLogger } from '../../../server/logger.js';
import { createTestClock } from '../../support/clock.js';
import { useDatabase } from '../../support/database.js';
import { eventually } from '../../support/eventually.js';
import { loginAs, metadataFor, postDocument } from '../http/node/exchange-fixture.js';
import { listen, readJson } from '../../support/http.js';

const G22 = parseAgencyCode('000.00.00.G22');
const H27 = parseAgencyCode('000.00.00.H27');
const PASSWORD = 'demo-password-123';
const axisSecret = (code: string) => `axis-secret-${code}-0123456789abcdef`;
const PDF = new Uint8Array(readFileSync(fileURLToPath(new URL('../../../../test/vectors/pdf/no-signature.pdf', import.meta.url))));
const until = <T>(what: string, probe: () => Promise<T | undefined>) => eventually(what, probe, 30_000, 100);

describe('server/node receive: stale revocation data means "verify again later", never a final 02 @db', function () {
  this.timeout(90_000);
  const db = useDatabase();
  const clock = createTestClock();
  let pki: DevelopmentPki;
  let axis: AxisRole;
  let node: NodeRole;
  let baseUrl = '';
  let close: () => Promise<void> = async () => undefined;
  /** The receiving side's revocation data: absent while `stale`, as after a CRL past its nextUpdate. */
  let stale = false;
  let staleReads = 0;

  before(async () => {
    pki = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [G22, H27].map((code) => ({ code, name: code })) });
    const config = loadConfig({ LIENTHONG_TOKEN_SECRET: 'try-later-token-secret-0123456789abcdef', LIENTHONG_LOG_LEVEL: 'silent', LIENTHONG_POLL_INTERVAL_MS: '150' });
    const logger = createLogger({ level: 'silent' });
    const connection = db.connection();
    const crls = [pki.crl, pki.rootCrl];
    axis = await composeAxis({ config, logger, connection, trustAnchors: [pki.root.certificate], crls, now: clock });
    await seedDevelopmentRegistry(await composeAxisRegistry(connection, clock), {
      agencies: pki.agencies.map((a) => ({ code: a.code, name: a.name, certificates: [a.seal.identity.certificate], secret: axisSecret(a.code) })),
    });
    node = await composeNode({
      config,
      logger,
      connection,
      trustAnchors: [pki.root.certificate],
      now: clock,
      axisUrl: () => baseUrl,
      dispatchIntervalMs: 100,
      // A short backoff, and fewer attempts than the stale polls below: TRY_LATER is waited out, never parked.
      receive: { baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 3 },
      crls: () => {
        if (!stale) return crls;
        staleReads++;
        return [];
      },
    });
    const server = await listen(createApp({ logger, jsonBodyBytes: config.limits.jsonBodyBytes, openapi: [axis.openapi, node.openapi], ready: async () => true, axisRouter: axis.router, nodeRouter: node.router }));
    baseUrl = server.baseUrl;
    close = server.close;
    await node.seedDevelopment({ agencies: pki.agencies.map((a) => ({ code: parseAgencyCode(a.code), name: a.name, seal: a.seal, person: a.person, axisSecret: axisSecret(a.code) })), demoPassword: PASSWORD });
  });
  after(async () => {
    await node?.stop();
    await close();
  });

  const login = (agencyCode: string, username: string) => loginAs(baseUrl, agencyCode, username, PASSWORD);

  it('when the receiver has no fresh CRL, then the package stays at the axis unacknowledged and no 02 is sent; once refreshed, it arrives with 01', async () => {
    const leader = await login(G22, 'lanhdao');
    const h27 = await login(H27, 'vanthu');
    const sent = await postDocument(baseUrl, leader, PDF, metadataFor([H27], { subject: 'Về việc thử nghiệm', signer: { fullName: 'Nguyễn Văn A' }, personSignature: 'apply' }));
    const created = await readJson(sent);
    expect(sent.status, JSON.stringify(created)).to.equal(202);
    stale = true; // the sender has sealed; from now on the node's revocation data is stale

    const principal = { agencyCode: H27 };
    node.startWorkers();
    // Several polls verify it and find TRY_LATER (each verification reads the revocation data).
    await until('the receiver to try several times', async () => (staleReads >= 4 ? true : undefined));
    const pending = await axis.services.listDeliveries({ principal, state: 'pending', page: 1, pageSize: 10 });
    expect(pending.total, 'still pending at the axis').to.equal(1);
    expect((await axis.services.listDeliveries({ principal, state: 'fail', page: 1, pageSize: 10 })).total).to.equal(0);
    const inbox = await readJson(await fetch(`${baseUrl}/api/v1/documents?box=inbox`, { headers: { authorization: `Bearer ${h27}` } }));
    expect(inbox.total, 'nothing stored, so no 02').to.equal(0);
    const outbox = await readJson(await fetch(`${baseUrl}/api/v1/documents/${created.id}`, { headers: { authorization: `Bearer ${leader}` } }));
    expect(outbox.recipients[0].timeline.map((t: { code: string }) => t.code)).to.not.include('02');

    stale = false;
    const doc = await until('the document in the inbox', async () => {
      const list = await readJson(await fetch(`${baseUrl}/api/v1/documents?box=inbox`, { headers: { authorization: `Bearer ${h27}` } }));
      return list.total > 0 ? (list.items[0] as Record<string, unknown>) : undefined;
    });
    expect(doc.documentId).to.equal(created.documentId);
    const detail = await readJson(await fetch(`${baseUrl}/api/v1/documents/${doc.id}`, { headers: { authorization: `Bearer ${h27}` } }));
    expect(detail.validation.verdict).to.equal('accepted');
    expect(detail.recipients[0].timeline.map((t: { code: string }) => t.code)).to.deep.equal(['01']);
  });
});
