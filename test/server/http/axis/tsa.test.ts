import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevelopmentPki, encodePem, signDetached, timestampSignature, verifyDetached, type DevelopmentPki } from '../../../../crypto/index.js';
import { createAxisServices, type AxisDeps } from '../../../../server/axis/index.js';
import { createApp } from '../../../../server/http/create-app.js';
import { createAxisRouter } from '../../../../server/http/routes/axis/router.js';
import { createLogger } from '../../../../server/logger.js';
import { createHttpTimestamper } from '../../../../server/node/tsa/http-timestamper.js';
import { createTestClock } from '../../../support/clock.js';
import { listen, readJson } from '../../../support/http.js';

/** The TSA route touches no store: these ports are never called (a call would throw). */
const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('the TSA route must not touch the stores')) });

describe('server/http axis POST /axis/v1/tsa (RFC 3161 over HTTP)', function () {
  this.timeout(60_000);
  const clock = createTestClock();
  let pki: DevelopmentPki;
  let baseUrl: string;
  let close: () => Promise<void>;
  let dir: string;

  before(async () => {
    pki = await createDevelopmentPki({ now: clock(), agencies: [{ code: '000.00.00.H27', name: 'Ủy ban nhân dân tỉnh Hà Tĩnh' }] });
    const deps = {
      registry: unused,
      packages: unused,
      deliveries: unused,
      trace: unused,
      blobs: unused,
      now: clock,
      newId: () => 'x',
      tokenSecret: 'a'.repeat(32),
      tokenTtlSeconds: 60,
      trustAnchors: [pki.root.certificate],
      crls: [pki.crl],
      allowSha1: false,
      limits: { packageBytes: 1 << 20, signatureBytes: 1 << 16 },
      tsa: { identity: pki.tsa.identity, policy: '1.3.6.1.4.1.59999.3161.1' },
    } as unknown as AxisDeps;
    const logger = createLogger({ level: 'silent' });
    const app = createApp({ logger, jsonBodyBytes: 1 << 20, axisRouter: createAxisRouter(createAxisServices(deps)), openapi: [], ready: async () => true });
    ({ baseUrl, close } = await listen(app));
    dir = mkdtempSync(join(tmpdir(), 'axis-tsa-'));
  });
  after(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a node stamps its package signature through the route, then the token verifies (ours and openssl ts -verify) and is the POE', async () => {
    const seal = pki.agencies[0]!.seal.identity;
    const content = new TextEncoder().encode('gói tin edXML');
    const stamper = createHttpTimestamper({ url: `${baseUrl}/axis/v1/tsa`, trustAnchors: [pki.root.certificate], crls: [pki.crl], now: clock });
    const signed = await timestampSignature(await signDetached({ content }, { identity: seal, signingTime: clock() }), stamper);
    const report = await verifyDetached(signed, { content }, { trustAnchors: [pki.root.certificate], crls: [pki.crl], now: clock() });
    expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
    expect(report.poe).to.equal('timestamp');
    expect(report.timestamp?.tsa).to.contain('DEV TSA');
    // The raw reply, checked by OpenSSL.
    const data = new Uint8Array(32).fill(7);
    writeFileSync(join(dir, 'data.bin'), data);
    const query = execFileSync('openssl', ['ts', '-query', '-data', join(dir, 'data.bin'), '-sha256', '-cert'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const r = await fetch(`${baseUrl}/axis/v1/tsa`, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: query });
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-type')).to.contain('application/timestamp-reply');
    writeFileSync(join(dir, 'reply.tsr'), Buffer.from(await r.arrayBuffer()));
    writeFileSync(join(dir, 'root.pem'), encodePem('CERTIFICATE', pki.root.certificate));
    const out = execFileSync('openssl', ['ts', '-verify', '-data', join(dir, 'data.bin'), '-in', join(dir, 'reply.tsr'), '-CAfile', join(dir, 'root.pem'), '-attime', String(Math.floor(clock().getTime() / 1000))], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).to.contain('Verification: OK');
  });

  it('when the body is not a TimeStampReq, then 400 ERR_TSP_MALFORMED; with another media type, 415', async () => {
    const bad = await fetch(`${baseUrl}/axis/v1/tsa`, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: Buffer.from('not der') });
    expect(bad.status).to.equal(400);
    expect((await readJson(bad)).code).to.equal('ERR_TSP_MALFORMED');
    const json = await fetch(`${baseUrl}/axis/v1/tsa`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).to.equal(415);
    expect((await readJson(json)).code).to.equal('ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('when the TSA is unreachable, then the client says ERR_TSA_UNAVAILABLE (the outbox retries it)', async () => {
    const stamper = createHttpTimestamper({ url: 'http://127.0.0.1:9/axis/v1/tsa', trustAnchors: [pki.root.certificate], now: clock, timeoutMs: 2000 });
    try {
      await stamper(new Uint8Array(256));
      expect.fail('a timestamp without a TSA');
    } catch (e) {
      expect((e as { code?: string }).code).to.equal('ERR_TSA_UNAVAILABLE');
    }
  });
});
