import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signDetached, verifyDetached } from '../../../crypto/cms/index.js';
import { encodePem, parseCertificate, validateChain } from '../../../crypto/pki/index.js';
import { createOcspRequest, readOcspReply, respondToOcspRequest, type OcspCertStatus, type OcspResponder } from '../../../crypto/ocsp/index.js';
import { cmsFixture, type CmsFixture } from '../cms/fixtures.js';
import { expectCryptoCode } from '../../support/expect-code.js';
import { opensslNow } from '../../support/openssl-clock.js';

const content = new TextEncoder().encode('Công văn số 7/UBND-VP\n'.repeat(20));
const minute = 60_000;

/** `openssl ocsp` printing the response; it says "Response verify OK" on stderr. Both streams, and the exit status. */
function opensslOcsp(args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync('openssl', ['ocsp', ...args], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function opensslTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

/** OpenSSL checks thisUpdate/nextUpdate on its own clock, and stamps its own responses with it: responses here are made and judged at that clock. */
describe('crypto/ocsp RFC 6960 client, verifier and responder, cross-checked with openssl ocsp', function () {
  this.timeout(60_000);
  let o: CmsFixture;
  let now: Date;
  let responderCert: string;
  let responderKey: string;
  let caPem: string;
  const statuses = new Map<string, OcspCertStatus>();
  let responder: OcspResponder;

  before(async () => {
    now = opensslNow();
    o = await cmsFixture(); // certificates valid for years around `now`
    responderCert = o.write('responder.pem', encodePem('CERTIFICATE', o.pki.ocsp.identity.certificate));
    responderKey = o.write('responder.key', o.pki.ocsp.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    caPem = o.write('ca.pem', encodePem('CERTIFICATE', o.pki.issuingCa.certificate));
    responder = { identity: o.pki.ocsp.identity, issuers: [o.pki.issuingCa.certificate], statusOf: (serial) => statuses.get(serial) ?? { status: 'good' } };
  });

  it('the development responder certificate has id-kp-OCSPSigning and id-pkix-ocsp-nocheck', () => {
    const c = parseCertificate(o.pki.ocsp.identity.certificate);
    expect(c.extendedKeyUsage).to.deep.equal(['1.3.6.1.5.5.7.3.9']);
    expect(c.ocspNoCheck).to.equal(true);
  });

  it('when openssl ocsp asks our responder (SHA-256 CertID, nonce), then it accepts the answer: good, nonce checked, chain to the root', async () => {
    const signer = await o.issue('ocsp-good', { keyType: 'p256' });
    const reqPath = join(o.dir, 'good.req');
    o.openssl(['ocsp', '-issuer', caPem, '-sha256', '-cert', signer.certPem, '-reqout', reqPath]);
    const resp = await respondToOcspRequest(new Uint8Array(readFileSync(reqPath)), { responder, now });
    const respPath = o.write('good.resp', resp);
    const { status, out } = opensslOcsp(['-reqin', reqPath, '-respin', respPath, '-CAfile', o.rootPem, '-resp_text']);
    expect(status, out).to.equal(0);
    expect(out).to.match(/Cert Status: good/);
    expect(out).to.contain('Response verify OK');
    expect(out).to.contain('Responder Id:');
    expect(out).to.contain('OCSP Nonce');
    // openssl checks the nonce: the same answer to another request (another nonce) fails.
    const otherPath = join(o.dir, 'other.req');
    o.openssl(['ocsp', '-issuer', caPem, '-sha256', '-cert', signer.certPem, '-reqout', otherPath]);
    const replay = opensslOcsp(['-reqin', otherPath, '-respin', respPath, '-CAfile', o.rootPem]);
    expect(replay.status).to.not.equal(0);
    expect(replay.out).to.contain('Nonce Verify error');
  });

  it('when our responder says revoked, then openssl reads revoked with the reason', async () => {
    const signer = await o.issue('ocsp-revoked-ours', { keyType: 'p256' });
    statuses.set(parseCertificate(signer.identity.certificate).serialNumber, { status: 'revoked', revocationTime: new Date(now.getTime() - 10 * minute), reason: 'keyCompromise' });
    const reqPath = join(o.dir, 'rev.req');
    o.openssl(['ocsp', '-issuer', caPem, '-sha256', '-cert', signer.certPem, '-reqout', reqPath]);
    const respPath = o.write('rev.resp', await respondToOcspRequest(new Uint8Array(readFileSync(reqPath)), { responder, now }));
    const { status, out } = opensslOcsp(['-reqin', reqPath, '-respin', respPath, '-CAfile', o.rootPem, '-resp_text']);
    expect(status, out).to.equal(0);
    expect(out).to.match(/Cert Status: revoked/);
    expect(out).to.contain('Response verify OK');
    expect(out).to.match(/Reason: keyCompromise/i);
  });

  /** Has OpenSSL's responder (`openssl ocsp -index`, signed by the development delegated responder) answer our request. */
  function opensslAnswers(reqDer: Uint8Array, cert: Uint8Array, revokedAt?: Date): Uint8Array {
    const c = parseCertificate(cert);
    const serial = (c.serialNumber.length % 2 ? `0${c.serialNumber}` : c.serialNumber).toUpperCase();
    const line = revokedAt ? `R\t${opensslTime(c.notAfter)}\t${opensslTime(revokedAt)},keyCompromise\t${serial}\tunknown\t/CN=x\n` : `V\t${opensslTime(c.notAfter)}\t\t${serial}\tunknown\t/CN=x\n`;
    const index = o.write(`index-${serial}.txt`, line);
    const reqPath = o.write(`ours-${serial}.req`, reqDer);
    const respPath = join(o.dir, `openssl-${serial}.resp`);
    o.openssl(['ocsp', '-index', index, '-CA', caPem, '-rsigner', responderCert, '-rkey', responderKey, '-rmd', 'sha256', '-reqin', reqPath, '-respout', respPath, '-ndays', '1']);
    return new Uint8Array(readFileSync(respPath));
  }

  it('when openssl ocsp -index answers our request, then our verifier accepts it (nonce, SHA-256 CertID, delegated responder)', async () => {
    const signer = await o.issue('openssl-good', { keyType: 'p256' });
    const request = createOcspRequest(signer.identity.certificate, o.pki.issuingCa.certificate);
    const reply = readOcspReply(opensslAnswers(request.der, signer.identity.certificate), request, { at: now });
    expect(reply.status.status).to.equal('good');
    expect(reply.nextUpdate!.getTime()).to.be.greaterThan(now.getTime());
  });

  it('when openssl says revoked, then a signature by that key without a proof of existence is INDETERMINATE/REVOKED_NO_POE, OCSP its only revocation data', async () => {
    const signer = await o.issue('openssl-revoked', { keyType: 'p256' });
    const signed = await signDetached({ content }, { identity: signer.identity, signingTime: new Date(now.getTime() - 5 * minute) });
    const request = createOcspRequest(signer.identity.certificate, o.pki.issuingCa.certificate);
    const der = opensslAnswers(request.der, signer.identity.certificate, new Date(now.getTime() - 2 * minute));
    expect(readOcspReply(der, request, { at: now }).status.status).to.equal('revoked');
    const report = await verifyDetached(signed, { content }, { trustAnchors: [o.pki.root.certificate], crls: [], ocspResponses: [der], now });
    expect(report.indication).to.equal('INDETERMINATE');
    expect(report.subIndication).to.equal('REVOKED_NO_POE');
    expect(report.checks.map((c) => c.detail ?? '').join(' ')).to.contain('OCSP');
    // The same signature with a good answer passes on OCSP alone.
    const good = opensslAnswers(createOcspRequest(signer.identity.certificate, o.pki.issuingCa.certificate).der, signer.identity.certificate);
    const ok = await verifyDetached(signed, { content }, { trustAnchors: [o.pki.root.certificate], crls: [], ocspResponses: [good], now });
    expect(ok.indication, ok.reason).to.equal('TOTAL_PASSED');
  });

  it('when the response does not carry our nonce (replayed), then ERR_OCSP_REJECTED', async () => {
    const signer = await o.issue('replayed', { keyType: 'p256' });
    const first = createOcspRequest(signer.identity.certificate, o.pki.issuingCa.certificate);
    const resp = await respondToOcspRequest(first.der, { responder, now });
    expect(readOcspReply(resp, first, { at: now }).status.status).to.equal('good');
    const second = createOcspRequest(signer.identity.certificate, o.pki.issuingCa.certificate);
    await expectCryptoCode(
      Promise.resolve().then(() => readOcspReply(resp, second, { at: now })),
      'ERR_OCSP_REJECTED',
    );
  });

  it('when a response is for a SHA-1 CertID, then it is refused unless the policy allows SHA-1; our responder refuses SHA-1 requests', async () => {
    const signer = await o.issue('sha1-certid', { keyType: 'p256' });
    const reqPath = join(o.dir, 'sha1.req');
    o.openssl(['ocsp', '-issuer', caPem, '-cert', signer.certPem, '-no_nonce', '-reqout', reqPath]); // OpenSSL's default CertID hash: SHA-1
    const reqDer = new Uint8Array(readFileSync(reqPath));
    const der = opensslAnswers(reqDer, signer.identity.certificate);
    const base = { leaf: signer.identity.certificate, intermediates: [o.pki.issuingCa.certificate], trustAnchors: [o.pki.root.certificate], crls: [], ocspResponses: [der], at: now, purpose: 'signature' as const };
    const refused = validateChain(base);
    expect(refused.subIndication).to.equal('TRY_LATER');
    expect(refused.reason).to.contain('SHA-1');
    expect(validateChain({ ...base, policy: { allowSha1: true } }).ok).to.equal(true);
    const ours = await respondToOcspRequest(reqDer, { responder, now });
    expect(Buffer.from(ours).toString('hex')).to.equal('30030a0101'); // OCSPResponse { malformedRequest }
  });

  it('when the request is not an OCSPRequest, then our responder answers malformedRequest; a response that is not OCSP is ERR_OCSP_MALFORMED', async () => {
    expect(Buffer.from(await respondToOcspRequest(new TextEncoder().encode('hello'), { responder, now })).toString('hex')).to.equal('30030a0101');
    const signer = await o.issue('malformed', { keyType: 'p256' });
    const request = createOcspRequest(signer.identity.certificate, o.pki.issuingCa.certificate);
    await expectCryptoCode(
      Promise.resolve().then(() => readOcspReply(new TextEncoder().encode('not der'), request, { at: now })),
      'ERR_OCSP_MALFORMED',
    );
    await expectCryptoCode(
      Promise.resolve().then(() => readOcspReply(Uint8Array.from([0x30, 0x03, 0x0a, 0x01, 0x03]), request, { at: now })),
      'ERR_OCSP_REJECTED',
    ); // tryLater
  });
});
