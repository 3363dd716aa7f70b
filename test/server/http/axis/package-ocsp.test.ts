import { expect } from 'chai';
import { createDevelopmentPki, parseCertificate, signPdf, type DevelopmentPki, type OcspResponder } from '../../../../crypto/index.js';
import { composeAxis, composeAxisRegistry, type AxisRole } from '../../../../server/compose/axis.js';
import { seedDevelopmentRegistry } from '../../../../server/axis/index.js';
import { loadConfig } from '../../../../server/config/config.js';
import { parseAgencyCode, type AgencyCode } from '../../../../server/domain/agency/index.js';
import { createApp } from '../../../../server/http/create-app.js';
import { createLogger } from '../../../../server/logger.js';
import { createOcspCache, type OcspCache } from '../../../../server/trust/ocsp-cache.js';
import { createTestClock, edxmlDay } from '../../../support/clock.js';
import { useDatabase } from '../../../support/database.js';
import { listen } from '../../../support/http.js';
import { axisToken, buildHandPackage, submitByHand } from '../node/axis-by-hand.js';
import { UNSIGNED_PDF } from '../node/exchange-fixture.js';

const G12 = parseAgencyCode('000.00.00.G12');
const G09 = parseAgencyCode('000.00.00.G09');
const H27 = parseAgencyCode('000.00.00.H27');
const axisSecret = (code: string) => `axis-secret-${code}-0123456789abcdef`;

/** An axis whose only revocation source is OCSP (no CRL): it asks its own responder over real HTTP for a package signer it has no answer for. */
describe('server/http axis: package signatures checked with OCSP when no CRL answers @db', function () {
  this.timeout(60_000);
  const db = useDatabase();
  const clock = createTestClock();
  let pki: DevelopmentPki;
  let axis: AxisRole;
  let cache: OcspCache | undefined;
  let baseUrl = '';
  let close: () => Promise<void> = async () => undefined;
  let down = false;
  let asked = 0;
  const revoked = new Map<string, Date>();

  before(async () => {
    pki = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [G12, G09, H27].map((code) => ({ code, name: code })) });
    const config = loadConfig({ LIENTHONG_TOKEN_SECRET: 'axis-ocsp-token-secret-0123456789abcdef', LIENTHONG_LOG_LEVEL: 'silent' });
    const logger = createLogger({ level: 'silent' });
    const connection = db.connection();
    const responder: OcspResponder = {
      identity: pki.ocsp.identity,
      issuers: [pki.issuingCa.certificate],
      statusOf: (serial) => {
        asked++;
        if (down) throw new Error('responder in maintenance');
        const at = revoked.get(serial);
        return at ? { status: 'revoked', revocationTime: at, reason: 'keyCompromise' } : { status: 'good' };
      },
    };
    // The cache asks the axis's own route (its URL is known once listening): LIENTHONG_OCSP_URL in production.
    const ocsp = { ensure: (s: Parameters<OcspCache['ensure']>[0]) => cache!.ensure(s), current: () => cache?.current() ?? [] };
    axis = await composeAxis({ config, logger, connection, trustAnchors: [pki.root.certificate], crls: [], now: clock, ocspResponder: responder, ocsp });
    await seedDevelopmentRegistry(await composeAxisRegistry(connection, clock), {
      agencies: pki.agencies.map((a) => ({ code: a.code, name: a.name, certificates: [a.seal.identity.certificate], secret: axisSecret(a.code) })),
    });
    ({ baseUrl, close } = await listen(createApp({ logger, jsonBodyBytes: config.limits.jsonBodyBytes, openapi: [axis.openapi], ready: async () => true, axisRouter: axis.router })));
    cache = createOcspCache({ url: `${baseUrl}/axis/v1/ocsp`, now: clock, logger, timeoutMs: 3000, retryMs: 1000 });
  });
  after(async () => {
    await close();
    await axis?.stop();
  });

  /** What another agency's own software sends: a sealed PDF in a signed package, submitted over HTTP (test/server/http/node/axis-by-hand.ts). */
  async function submitFrom(code: AgencyCode, number: string): Promise<{ status: number; body: Record<string, any> }> {
    const sender = pki.agencies.find((a) => a.code === code)!;
    const sealed = (await signPdf(UNSIGNED_PDF, { identity: sender.seal.identity, role: 'seal', signingTime: clock(), appearance: false })).pdf;
    const pkg = buildHandPackage({
      from: { code, name: code },
      to: H27,
      number,
      date: edxmlDay(clock),
      bussiness: { BussinessDocType: 0 },
      attachments: [{ ContentId: 'cid:1', AttachmentName: 'cong-van.pdf', ContentType: 'application/pdf', Content: sealed, Zipped: false }],
    });
    return submitByHand(baseUrl, await axisToken(baseUrl, code, axisSecret(code)), 'edoc', pkg, sender.seal, clock());
  }

  const pending = async () => (await axis.services.listDeliveries({ principal: { agencyCode: H27 }, state: 'pending', page: 1, pageSize: 10 })).total;

  it('when the responder is down, then 503 ERR_REVOCATION_UNAVAILABLE naming it and nothing is queued; once it answers, a package is accepted', async () => {
    down = true;
    const refused = await submitFrom(G12, '41');
    const body = refused.body;
    expect(refused.status, JSON.stringify(body)).to.equal(503);
    expect(body.code).to.equal('ERR_REVOCATION_UNAVAILABLE');
    expect(body.detail).to.contain('TRY_LATER').and.to.contain(`OCSP responder ${baseUrl}/axis/v1/ocsp: `);
    expect(await pending()).to.equal(0);

    down = false;
    clock.advance(1000); // the cache asks a failed responder again after its retry delay
    const before = asked;
    const accepted = await submitFrom(G12, '42');
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
    expect(asked - before, 'the seal asked for once').to.equal(1);
    expect(await pending()).to.equal(1);
    expect(cache!.current()).to.have.length(1);
  });

  it("when the responder says the signer's seal was revoked before it signed, then 422 ERR_PACKAGE_SIGNATURE_INVALID with TOTAL_FAILED/REVOKED", async () => {
    revoked.set(parseCertificate(pki.agencies.find((a) => a.code === G09)!.seal.identity.certificate).serialNumber, new Date(clock().getTime() - 60_000));
    const r = await submitFrom(G09, '43');
    const body = r.body;
    expect(r.status, JSON.stringify(body)).to.equal(422);
    expect(body.code).to.equal('ERR_PACKAGE_SIGNATURE_INVALID');
    expect(body.details).to.include({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
    expect(body.detail).to.match(/keyCompromise.*per OCSP response/);
  });
});
