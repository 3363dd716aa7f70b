import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createDevelopmentPki, verifyPdf, type DevelopmentPki } from '../../../crypto/index.js';
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
const TSA_POLICY = '1.3.6.1.4.1.59999.3161.1';
const axisSecret = (code: string) => `axis-secret-${code}-0123456789abcdef`;
const PDF = new Uint8Array(readFileSync(fileURLToPath(new URL('../../../../test/vectors/pdf/no-signature.pdf', import.meta.url))));
const until = <T>(what: string, probe: () => Promise<T | undefined>) => eventually(what, probe, 30_000, 100);

describe('server/node send: a TSA that is down queues the seal, the dispatcher seals (B-LT) and sends when it is back @db', function () {
  this.timeout(90_000);
  const db = useDatabase();
  const clock = createTestClock();
  let pki: DevelopmentPki;
  let axis: AxisRole;
  let node: NodeRole;
  let baseUrl = '';
  let close: () => Promise<void> = async () => undefined;
  /** A real HTTP hop in front of the axis's TSA that answers 503 while `down`, as a TSA in maintenance. */
  let gate: Server;
  let down = true;
  let refused = 0;

  before(async () => {
    pki = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [G22, H27].map((code) => ({ code, name: code })) });
    const config = loadConfig({ LIENTHONG_TOKEN_SECRET: 'seal-waits-token-secret-0123456789abcdef', LIENTHONG_LOG_LEVEL: 'silent', LIENTHONG_POLL_INTERVAL_MS: '150' });
    const logger = createLogger({ level: 'silent' });
    const connection = db.connection();
    const crls = [pki.crl, pki.rootCrl];
    axis = await composeAxis({ config, logger, connection, trustAnchors: [pki.root.certificate], crls, now: clock, tsa: { identity: pki.tsa.identity, policy: TSA_POLICY } });
    await seedDevelopmentRegistry(await composeAxisRegistry(connection, clock), {
      agencies: pki.agencies.map((a) => ({ code: a.code, name: a.name, certificates: [a.seal.identity.certificate], secret: axisSecret(a.code) })),
    });
    gate = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (down) {
          refused++;
          res.writeHead(503).end();
          return;
        }
        fetch(`${baseUrl}/axis/v1/tsa`, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: Buffer.concat(chunks) })
          .then(async (r) => res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? '' }).end(Buffer.from(await r.arrayBuffer())))
          .catch(() => res.writeHead(502).end());
      });
    });
    await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
    const tsaUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/tsa`;
    node = await composeNode({
      config,
      logger,
      connection,
      trustAnchors: [pki.root.certificate],
      crls,
      now: clock,
      axisUrl: () => baseUrl,
      dispatchIntervalMs: 100,
      tsaUrl,
      dispatch: { baseDelayMs: 150, maxDelayMs: 300 },
    });
    const server = await listen(createApp({ logger, jsonBodyBytes: config.limits.jsonBodyBytes, openapi: [axis.openapi, node.openapi], ready: async () => true, axisRouter: axis.router, nodeRouter: node.router }));
    baseUrl = server.baseUrl;
    close = server.close;
    await node.seedDevelopment({ agencies: pki.agencies.map((a) => ({ code: parseAgencyCode(a.code), name: a.name, seal: a.seal, person: a.person, axisSecret: axisSecret(a.code) })), demoPassword: PASSWORD });
  });
  after(async () => {
    await node?.stop();
    await close();
    await new Promise((r) => gate?.close(r));
  });

  const login = (agencyCode: string, username: string) => loginAs(baseUrl, agencyCode, username, PASSWORD);

  it('when the TSA is down at send time, then the document is accepted and waits (awaiting-timestamp), is retried with backoff, and leaves sealed B-LT once the TSA answers', async () => {
    const leader = await login(G22, 'lanhdao');
    const h27 = await login(H27, 'vanthu');
    const sent = await postDocument(baseUrl, leader, PDF, metadataFor([H27], { subject: 'Về việc thử nghiệm dấu thời gian', signer: { fullName: 'Nguyễn Văn A' }, personSignature: 'apply' }));
    const created = await readJson(sent);
    expect(sent.status, JSON.stringify(created)).to.equal(202);
    const detailOf = async () => readJson(await fetch(`${baseUrl}/api/v1/documents/${created.id}`, { headers: { authorization: `Bearer ${leader}` } }));
    const waiting = await detailOf();
    expect(waiting.sealing).to.equal('awaiting-timestamp');
    expect(waiting.delivery).to.equal('pending');
    expect(waiting.messages[0].lastError).to.match(/^ERR_TSA_UNAVAILABLE/);
    expect(refused).to.equal(1);

    node.startWorkers();
    // The dispatcher tries again with backoff while the TSA still refuses; nothing reaches the axis.
    await until('two more refused attempts', async () => (refused >= 3 ? true : undefined));
    const still = await detailOf();
    expect(still.sealing).to.equal('awaiting-timestamp');
    expect(still.messages[0].attempts).to.be.greaterThan(1);
    expect((await axis.services.listDeliveries({ principal: { agencyCode: H27 }, state: 'pending', page: 1, pageSize: 10 })).total).to.equal(0);

    down = false;
    const done = await until('the document sealed and sent', async () => {
      const d = await detailOf();
      return d.delivery === 'sent' ? d : undefined;
    });
    expect(done.sealing).to.equal(undefined);
    expect(done.validation.padesLevel).to.equal('B-LT');
    expect(done.validation.signatures.map((s: { level: string }) => s.level)).to.deep.equal(['B-B', 'B-LT']);
    // The stored file is the sealed one, and it verifies from its own DSS with no CRL at hand.
    const file = new Uint8Array(await (await fetch(`${baseUrl}/api/v1/documents/${created.id}/file`, { headers: { authorization: `Bearer ${leader}` } })).arrayBuffer());
    const offline = await verifyPdf(file, { trustAnchors: [pki.root.certificate], now: clock() });
    expect(offline.indication, offline.explanation).to.equal('TOTAL_PASSED');
    expect(offline.level).to.equal('B-LT');

    // The receiver gets it and records the seal's level.
    const doc = await until('the document in the inbox', async () => {
      const list = await readJson(await fetch(`${baseUrl}/api/v1/documents?box=inbox`, { headers: { authorization: `Bearer ${h27}` } }));
      return list.total > 0 ? (list.items[0] as Record<string, unknown>) : undefined;
    });
    const inbound = await readJson(await fetch(`${baseUrl}/api/v1/documents/${doc.id}`, { headers: { authorization: `Bearer ${h27}` } }));
    expect(inbound.validation.verdict).to.equal('accepted');
    const seal = inbound.validation.signatures.find((s: { kind: string; level?: string }) => s.kind === 'pdf' && s.level === 'B-LT');
    expect(seal, JSON.stringify(inbound.validation.signatures)).to.not.equal(undefined);
  });
});
