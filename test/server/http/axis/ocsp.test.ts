import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevelopmentPki, encodePem, parseOcspResponse, type DevelopmentPki } from '../../../../crypto/index.js';
import { createAxisServices, type AxisDeps } from '../../../../server/axis/index.js';
import { developmentOcspResponder } from '../../../../server/compose/dev-pki.js';
import { createApp } from '../../../../server/http/create-app.js';
import { createAxisRouter } from '../../../../server/http/routes/axis/router.js';
import { createLogger } from '../../../../server/logger.js';
import { createOcspCache } from '../../../../server/trust/ocsp-cache.js';
import { listen } from '../../../support/http.js';
import { opensslNow } from '../../../support/openssl-clock.js';

/** The OCSP route touches no store: these ports are never called (a call would throw). */
const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('the OCSP route must not touch the stores')) });
const HOUR = 3_600_000;

/** OpenSSL judges thisUpdate/nextUpdate on its own clock: the axis here answers on that clock, moved forward by hand. */
describe('server/http axis POST /axis/v1/ocsp (RFC 6960 over HTTP) and the node OCSP cache', function () {
  this.timeout(60_000);
  const start = opensslNow();
  let offset = 0;
  const clock = () => new Date(start.getTime() + offset);
  let pki: DevelopmentPki;
  let baseUrl: string;
  let close: () => Promise<void>;
  let dir: string;
  const warnings: unknown[] = [];
  const logger = { info: () => undefined, warn: (o: unknown) => void warnings.push(o) };

  before(async () => {
    pki = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [{ code: '000.00.00.H27', name: 'Ủy ban nhân dân tỉnh Hà Tĩnh' }] });
    const deps = {
      registry: unused,
      packages: unused,
      deliveries: unused,
      trace: unused,
      blobs: unused,
      now: clock,
      newId: () => 'x',
      tokenTtlSeconds: 60,
      trustAnchors: [pki.root.certificate],
      crls: [pki.crl],
      allowSha1: false,
      limits: { packageBytes: 1 << 20, signatureBytes: 1 << 16 },
      ocspResponder: developmentOcspResponder(pki),
    } as unknown as AxisDeps;
    const app = createApp({ logger: createLogger({ level: 'silent' }), jsonBodyBytes: 1 << 20, axisRouter: createAxisRouter(createAxisServices(deps)), openapi: [], ready: async () => true });
    ({ baseUrl, close } = await listen(app));
    dir = mkdtempSync(join(tmpdir(), 'axis-ocsp-'));
  });
  after(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when openssl ocsp asks the route over HTTP, then it accepts the answer: good, nonce checked, delegated responder chained to the root', async () => {
    const file = (name: string, der: Uint8Array) => {
      writeFileSync(join(dir, name), encodePem('CERTIFICATE', der));
      return join(dir, name);
    };
    const args = [
      'ocsp',
      '-issuer',
      file('ca.pem', pki.issuingCa.certificate),
      '-sha256',
      '-cert',
      file('seal.pem', pki.agencies[0]!.seal.identity.certificate),
      '-url',
      `${baseUrl}/axis/v1/ocsp`,
      '-CAfile',
      file('root.pem', pki.root.certificate),
      '-resp_text',
    ];
    // asynchronously: the server answering it runs on this event loop
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile('openssl', args, { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }));
    });
    const out = r.out;
    expect(r.code, out).to.equal(0);
    expect(out).to.contain('Response verify OK');
    expect(out).to.match(/seal\.pem: good/);
    expect(out).to.contain('OCSP Nonce');
  });

  it('when the body is not application/ocsp-request, then 415; when it is not an OCSPRequest, then an RFC 6960 malformedRequest answer', async () => {
    const wrong = await fetch(`${baseUrl}/axis/v1/ocsp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(wrong.status).to.equal(415);
    expect(((await wrong.json()) as { code: string }).code).to.equal('ERR_UNSUPPORTED_MEDIA_TYPE');
    const junk = await fetch(`${baseUrl}/axis/v1/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.from('hello') });
    expect(junk.status).to.equal(200);
    expect(junk.headers.get('content-type')).to.contain('application/ocsp-response');
    expect(Buffer.from(await junk.arrayBuffer()).toString('hex')).to.equal('30030a0101');
  });

  it('when the node cache is pointed at the route, then it fetches once, holds the response, and fetches again only once it is due before nextUpdate', async () => {
    warnings.length = 0;
    const cache = createOcspCache({ url: `${baseUrl}/axis/v1/ocsp`, now: clock, logger });
    const seal = { certificate: pki.agencies[0]!.seal.identity.certificate, issuer: pki.issuingCa.certificate, ocspUrls: [] };
    await cache.ensure([seal]);
    expect(warnings).to.deep.equal([]);
    const [first] = cache.current();
    expect(first, 'a response is held').to.not.equal(undefined);
    expect(parseOcspResponse(first!).responses[0]!.status).to.equal('good');
    offset += HOUR;
    await cache.ensure([seal]);
    expect(cache.current()[0]).to.equal(first); // not due yet: the same bytes
    offset += 22 * HOUR; // within a tenth of the 24 h validity of nextUpdate
    await cache.refreshDue();
    const [second] = cache.current();
    expect(Buffer.from(second!).equals(Buffer.from(first!))).to.equal(false);
    expect(parseOcspResponse(second!).producedAt.getTime()).to.be.greaterThan(parseOcspResponse(first!).producedAt.getTime());
    offset = 0;
  });

  it('when the certificate names no responder and no URL is configured, then nothing is fetched; when the responder is down, then it is logged and nothing held', async () => {
    const seal = { certificate: pki.agencies[0]!.seal.identity.certificate, issuer: pki.issuingCa.certificate, ocspUrls: [] };
    const none = createOcspCache({ now: clock, logger });
    await none.ensure([seal]);
    expect(none.current()).to.deep.equal([]);
    warnings.length = 0;
    const down = createOcspCache({ now: clock, logger, timeoutMs: 2000 });
    await down.ensure([{ ...seal, ocspUrls: ['http://127.0.0.1:9/axis/v1/ocsp'] }]);
    expect(down.current()).to.deep.equal([]);
    expect(warnings).to.have.length(1);
  });
});
