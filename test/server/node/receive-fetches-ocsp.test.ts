import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createDevelopmentPki, parseCertificate, signPdf, type DevAgency, type DevelopmentPki, type OcspResponder } from '../../../crypto/index.js';
import { composeAxis, composeAxisRegistry, type AxisRole } from '../../../server/compose/axis.js';
import { composeNode, type NodeRole } from '../../../server/compose/node.js';
import { seedDevelopmentRegistry } from '../../../server/axis/index.js';
import { loadConfig } from '../../../server/config/config.js';
import { parseAgencyCode, type AgencyCode } from '../../../server/domain/agency/index.js';
import { createApp } from '../../../server/http/create-app.js';
import { createLogger } from '../../../server/logger.js';
import { createOcspCache, type OcspCache } from '../../../server/trust/ocsp-cache.js';
import { createTestClock, edxmlDay } from '../../support/clock.js';
import { useDatabase } from '../../support/database.js';
import { eventually } from '../../support/eventually.js';
import { listen, readJson } from '../../support/http.js';
import { axisToken, buildHandPackage, handDocumentId, submitByHand } from '../http/node/axis-by-hand.js';
import { inboxDocument, loginAs, metadataFor, postDocument, UNSIGNED_PDF } from '../http/node/exchange-fixture.js';

const G12 = parseAgencyCode('000.00.00.G12');
const G09 = parseAgencyCode('000.00.00.G09');
const H27 = parseAgencyCode('000.00.00.H27');
const PASSWORD = 'demo-password-123';
const axisSecret = (code: string) => `axis-secret-${code}-0123456789abcdef`;
const until = <T>(what: string, probe: () => Promise<T | undefined>) => eventually(what, probe, 30_000, 100);

/**
 * A receiving node whose only revocation source is OCSP (no CRL at all) gets a B-B document without a DSS from
 * an agency it never saw: its verification says TRY_LATER, so it asks the axis's OCSP responder (RFC 6960 over
 * real HTTP) for the certificates the worker's report names, and verifies again.
 */
describe('server/node: an OCSP-only node fetches OCSP for what the verifier names, then verifies again (receiving and sending) @db', function () {
  this.timeout(90_000);
  const db = useDatabase();
  const clock = createTestClock();
  let pki: DevelopmentPki;
  let axis: AxisRole;
  let node: NodeRole;
  let ocsp: OcspCache;
  let axisUrl = '';
  let nodeUrl = '';
  const closers: Array<() => Promise<void>> = [];
  /** The responder answers 500 while `down`; it says `revoked` for these serials. */
  let down = false;
  let asked = 0;
  const revoked = new Map<string, Date>();
  const lines: Array<Record<string, unknown>> = [];

  before(async () => {
    pki = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [G12, G09, H27].map((code) => ({ code, name: code })) });
    const config = loadConfig({ LIENTHONG_TOKEN_SECRET: 'ocsp-receive-token-secret-0123456789abcdef', LIENTHONG_LOG_LEVEL: 'silent', LIENTHONG_POLL_INTERVAL_MS: '150' });
    const silent = createLogger({ level: 'silent' });
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
    // The axis (CRLs: it accepts what the senders submit) and its development OCSP responder, on its own server.
    axis = await composeAxis({ config, logger: silent, connection, trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl], now: clock, ocspResponder: responder });
    await seedDevelopmentRegistry(await composeAxisRegistry(connection, clock), {
      agencies: pki.agencies.map((a) => ({ code: a.code, name: a.name, certificates: [a.seal.identity.certificate], personCertificates: [a.person.identity.certificate], secret: axisSecret(a.code) })),
    });
    const axisServer = await listen(createApp({ logger: silent, jsonBodyBytes: config.limits.jsonBodyBytes, openapi: [axis.openapi], ready: async () => true, axisRouter: axis.router }));
    axisUrl = axisServer.baseUrl;
    closers.push(() => axisServer.close());

    // The receiver: no CRL, OCSP at the axis (LIENTHONG_OCSP_URL), its warnings kept to read the reasons.
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ level: 'info' }, sink);
    ocsp = createOcspCache({ url: `${axisUrl}/axis/v1/ocsp`, now: clock, logger, timeoutMs: 3000, retryMs: 300 });
    node = await composeNode({
      config,
      logger,
      connection,
      trustAnchors: [pki.root.certificate],
      crls: [],
      ocsp,
      now: clock,
      axisUrl,
      dispatchIntervalMs: 100,
      receive: { baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 3 },
    });
    const nodeServer = await listen(createApp({ logger: silent, jsonBodyBytes: config.limits.jsonBodyBytes, openapi: [node.openapi], ready: async () => true, nodeRouter: node.router }));
    nodeUrl = nodeServer.baseUrl;
    closers.unshift(() => nodeServer.close());
    const h27 = pki.agencies.find((a) => a.code === H27)!;
    await node.seedDevelopment({ agencies: [{ code: H27, name: h27.name, seal: h27.seal, person: h27.person, axisSecret: axisSecret(H27) }], demoPassword: PASSWORD });
    node.startWorkers();
  });
  after(async () => {
    await node?.stop();
    ocsp?.stop();
    for (const close of closers) await close();
  });

  const agency = (code: AgencyCode): DevAgency => pki.agencies.find((a) => a.code === code)!;

  /** What another agency's own software sends: person-signed, sealed (B-B, no DSS), the package signed, submitted over HTTP. */
  async function submitFrom(code: AgencyCode, number: string): Promise<string> {
    const sender = agency(code);
    const personSigned = (await signPdf(UNSIGNED_PDF, { identity: sender.person.identity, role: 'signer', signingTime: clock(), appearance: false })).pdf;
    const sealed = (await signPdf(personSigned, { identity: sender.seal.identity, role: 'seal', signingTime: clock(), appearance: false })).pdf;
    const hand = {
      from: { code, name: code },
      to: H27,
      number,
      date: edxmlDay(clock),
      bussiness: { BussinessDocType: 0 },
      attachments: [{ ContentId: 'cid:1', AttachmentName: 'cong-van.pdf', ContentType: 'application/pdf', Content: sealed, Zipped: false }],
    } as const;
    const submit = await submitByHand(axisUrl, await axisToken(axisUrl, code, axisSecret(code)), 'edoc', buildHandPackage(hand), sender.seal, clock());
    expect(submit.status, JSON.stringify(submit.body)).to.equal(201);
    return handDocumentId(hand);
  }

  const waits = () => lines.filter((l) => l.msg === 'delivery cannot be judged yet; tried again after a backoff').map((l) => l.err as { code?: string; message?: string });

  it('when the responder is down, then the document waits unacknowledged with a TRY_LATER naming the responder; once it answers, the document is accepted (TOTAL_PASSED)', async () => {
    down = true;
    const documentId = await submitFrom(G12, '31');
    await until('two TRY_LATER waits', async () => (waits().length >= 2 ? true : undefined));
    const wait = waits()[0]!;
    expect(wait.code).to.equal('ERR_REVOCATION_UNAVAILABLE');
    expect(wait.message).to.match(/TRY_LATER/);
    expect(wait.message).to.contain(`OCSP responder ${axisUrl}/axis/v1/ocsp: `).and.to.contain('500');
    expect((await axis.services.listDeliveries({ principal: { agencyCode: H27 }, state: 'pending', page: 1, pageSize: 10 })).total, 'still pending at the axis').to.equal(1);
    expect(ocsp.current()).to.deep.equal([]);

    down = false;
    const before = asked;
    const h27 = await loginAs(nodeUrl, H27, 'vanthu');
    const doc = await inboxDocument(nodeUrl, h27, documentId, 30_000);
    expect(doc.validation.verdict, JSON.stringify(doc.validation)).to.equal('accepted');
    expect(doc.validation.signatureLevel).to.equal('signed');
    const indications = (doc.validation.signatures as Array<{ kind: string; indication: string }>).map((s) => `${s.kind}:${s.indication}`);
    expect(indications).to.deep.equal(['package:TOTAL_PASSED', 'pdf:TOTAL_PASSED', 'pdf:TOTAL_PASSED']);
    expect(doc.recipients[0].timeline.map((t: { code: string }) => t.code)).to.deep.equal(['01']);
    // The seal (package signature and PDF seal) and the person: two certificates asked for, two responses held.
    expect(asked - before).to.equal(2);
    expect(ocsp.current()).to.have.length(2);
  });

  it("when the responder says the sender's seal was revoked before it sealed, then the document is refused with 02: package signature TOTAL_FAILED/REVOKED", async () => {
    revoked.set(parseCertificate(agency(G09).seal.identity.certificate).serialNumber, new Date(clock().getTime() - 60_000));
    const documentId = await submitFrom(G09, '32');
    const h27 = await loginAs(nodeUrl, H27, 'vanthu');
    const doc = await inboxDocument(nodeUrl, h27, documentId, 30_000);
    expect(doc.validation.verdict).to.equal('refused');
    expect(doc.validation.reasonCode).to.equal('PACKAGE_SIGNATURE_FAILED');
    expect(doc.validation.reason).to.match(/^package signature TOTAL_FAILED\/REVOKED: .*revoked at .*keyCompromise.*per OCSP response/);
    expect(doc.recipients[0].timeline.map((t: { code: string }) => t.code)).to.deep.equal(['02']);
  });
  it('when the OCSP-only node itself sends a B-B document, then it fetches OCSP for its own person and seal certificates and the document leaves sealed', async () => {
    const before = asked;
    const leader = await loginAs(nodeUrl, H27, 'lanhdao');
    const sent = await postDocument(nodeUrl, leader, UNSIGNED_PDF, metadataFor([G12], { subject: 'Về việc gửi từ nút chỉ có OCSP', personSignature: 'apply' }));
    const created = await readJson(sent);
    expect(sent.status, JSON.stringify(created)).to.equal(202);
    const done = await until('the document sent', async () => {
      const d = await readJson(await fetch(`${nodeUrl}/api/v1/documents/${created.id}`, { headers: { authorization: `Bearer ${leader}` } }));
      return d.delivery === 'sent' ? d : undefined;
    });
    expect(done.validation.signatureLevel).to.equal('signed');
    expect(asked - before, "H27's person and seal").to.equal(2);
    const atAxis = await axis.services.listDeliveries({ principal: { agencyCode: G12 }, state: 'pending', page: 1, pageSize: 10 });
    expect(atAxis.items.map((d) => d.documentId)).to.include(created.documentId);
  });
});
