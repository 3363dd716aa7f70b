import * as asn1js from 'asn1js';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signDetached, verifyDetached, verifyTimestampToken } from '../../../crypto/cms/index.js';
import { encodePem, parseCertificate } from '../../../crypto/pki/index.js';
import { signPdf, verifyPdf } from '../../../crypto/pdf/index.js';
import { addSignatureTimestamp, createTimestampRequest, readTimestampReply, respondToTimestampRequest, signatureValueOf, timestampSignature } from '../../../crypto/tsp/index.js';
import { isCryptoError } from '../../../crypto/errors.js';
import { cmsFixture, cmsFixtureAt, revokingCrl, TEST_TSA_POLICY, type CmsFixture } from '../cms/fixtures.js';
import { issueCrl } from '../../../crypto/pki/index.js';
import { opensslNow } from '../../support/openssl-clock.js';
import { pdfLibDocument } from '../pdf/support/inputs.js';

const content = new TextEncoder().encode('Công văn số 12/UBND-VP\n'.repeat(30));
const minute = 60_000;

/** `openssl ts -reply` stamps genTime from its own clock: these tests use a PKI made at that clock. */

describe('crypto/tsp RFC 3161 timestamps, cross-checked with openssl ts', function () {
  this.timeout(120_000);
  let f: CmsFixture;
  /** A fixture on OpenSSL's clock, with its TSA's certificate and key as files. */
  let o: CmsFixture;
  let oTsaCert: string;
  let oTsaKey: string;
  let rootPem: string;
  let chainPem: string;

  before(async () => {
    f = await cmsFixture();
    o = await cmsFixtureAt(opensslNow());
    oTsaCert = o.write('tsa.pem', encodePem('CERTIFICATE', o.pki.tsa.identity.certificate));
    oTsaKey = o.write('tsa.key', o.pki.tsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    f.write('tsa.pem', encodePem('CERTIFICATE', f.pki.tsa.identity.certificate));
    f.write('tsa.key', f.pki.tsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    rootPem = f.rootPem;
    chainPem = f.chainPem;
    f.write('tsaserial', '01\n');
    f.write(
      'tsa.cnf',
      [
        '[ tsa ]',
        'default_tsa = dev',
        '[ dev ]',
        `serial = ${join(f.dir, 'tsaserial')}`,
        'crypto_device = builtin',
        'signer_digest = sha256',
        `default_policy = ${TEST_TSA_POLICY}`,
        'digests = sha256, sha384, sha512',
        'accuracy = secs:1',
        'ordering = no',
        'tsa_name = no',
        'ess_cert_id_chain = no',
        'ess_cert_id_alg = sha256',
        '',
      ].join('\n'),
    );
  });

  it('when our TSA answers our request, then openssl ts -verify accepts the reply for the data (imprint, nonce, chain, EKU)', async () => {
    const data = randomBytes(256);
    const req = createTimestampRequest(data);
    const reply = await respondToTimestampRequest(req.der, { tsa: { identity: f.pki.tsa.identity, policy: TEST_TSA_POLICY }, now: f.now, serialNumber: randomBytes(16) });
    const dataPath = f.write('ts-data.bin', data);
    const replyPath = f.write('ts-reply.tsr', reply);
    const queryPath = f.write('ts-query.tsq', req.der);
    const attime = String(Math.floor(f.now.getTime() / 1000));
    const out = f.openssl(['ts', '-verify', '-data', dataPath, '-in', replyPath, '-CAfile', rootPem, '-untrusted', chainPem, '-attime', attime]);
    expect(out).to.contain('Verification: OK');
    expect(f.openssl(['ts', '-verify', '-queryfile', queryPath, '-in', replyPath, '-CAfile', rootPem, '-untrusted', chainPem, '-attime', attime])).to.contain('Verification: OK');
    const text = f.openssl(['ts', '-reply', '-in', replyPath, '-text']);
    expect(text).to.contain('Status: Granted');
    expect(text).to.contain(TEST_TSA_POLICY);
    // And our own verifier, through the reply reader (nonce and imprint of this request).
    const r = readTimestampReply(reply, req, data, { trustAnchors: [f.pki.root.certificate], crls: [f.pki.crl], at: f.now, now: f.now });
    expect(r.verification.genTime.toISOString()).to.equal(new Date(Math.floor(f.now.getTime() / 1000) * 1000).toISOString());
  });

  it('when openssl ts -verify checks a token over other data, then it refuses (the test can fail)', async () => {
    const req = createTimestampRequest(randomBytes(32));
    const reply = await respondToTimestampRequest(req.der, { tsa: { identity: f.pki.tsa.identity, policy: TEST_TSA_POLICY }, now: f.now, serialNumber: randomBytes(16) });
    const replyPath = f.write('ts-other.tsr', reply);
    const dataPath = f.write('ts-other.bin', randomBytes(32));
    expect(() => f.openssl(['ts', '-verify', '-data', dataPath, '-in', replyPath, '-CAfile', rootPem, '-untrusted', chainPem, '-attime', String(Math.floor(f.now.getTime() / 1000))])).to.throw();
  });

  it('when openssl ts -reply answers our request, then our verifier accepts its token and takes its genTime', () => {
    const data = randomBytes(300);
    const req = createTimestampRequest(data);
    const queryPath = o.write('ossl-query.tsq', req.der);
    const replyPath = join(o.dir, 'ossl-reply.tsr');
    const before = opensslNow();
    execFileSync('openssl', ['ts', '-reply', '-config', join(f.dir, 'tsa.cnf'), '-queryfile', queryPath, '-signer', oTsaCert, '-inkey', oTsaKey, '-chain', o.chainPem, '-out', replyPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const after = new Date(opensslNow().getTime() + 1000);
    const reply = new Uint8Array(readFileSync(replyPath));
    const options = { trustAnchors: [o.pki.root.certificate], crls: [o.pki.crl], at: after, now: after };
    const r = readTimestampReply(reply, req, data, options);
    expect(r.verification.genTime.getTime()).to.be.within(before.getTime(), after.getTime());
    expect(r.verification.summary.tsa).to.contain('DEV TSA');
    // A reply to another request (its nonce) is refused.
    const other = createTimestampRequest(data);
    try {
      readTimestampReply(reply, other, data, options);
      expect.fail('a reply with another nonce was accepted');
    } catch (e) {
      expect(isCryptoError(e) && e.code).to.equal('ERR_TSP_REJECTED');
    }
  });

  it('when an openssl token is the signature-time-stamp of a signature by a key revoked since, then it passes at the timestamp; without it, REVOKED_NO_POE', async () => {
    const revoked = await o.issue('tsp-revoked');
    const before = opensslNow();
    const signed = await signDetached({ content }, { identity: revoked.identity, signingTime: new Date(before.getTime() - minute) });
    const sigValue = signatureValueOf(signed);
    const req = createTimestampRequest(sigValue);
    const queryPath = o.write('rev-query.tsq', req.der);
    const replyPath = join(o.dir, 'rev-reply.tsr');
    execFileSync('openssl', ['ts', '-reply', '-config', join(f.dir, 'tsa.cnf'), '-queryfile', queryPath, '-signer', oTsaCert, '-inkey', oTsaKey, '-chain', o.chainPem, '-token_out', '-out', replyPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const after = new Date(opensslNow().getTime() + 1000);
    // The key is revoked after the token was made, and the signature is judged later still.
    const crl = issueCrl({
      issuer: o.pki.issuingCa,
      revoked: [{ serialNumber: parseCertificate(revoked.identity.certificate).serialNumber, revocationDate: new Date(after.getTime() + minute), reason: 'keyCompromise' }],
      thisUpdate: new Date(after.getTime() + 2 * minute),
      nextUpdate: new Date(after.getTime() + 86_400_000),
    });
    const stamped = addSignatureTimestamp(signed, new Uint8Array(readFileSync(replyPath)));
    const options = { trustAnchors: [o.pki.root.certificate], crls: [crl], now: new Date(after.getTime() + 3 * minute) };
    const withTs = await verifyDetached(stamped, { content }, options);
    expect(withTs.indication, withTs.reason).to.equal('TOTAL_PASSED');
    expect(withTs.poe).to.equal('timestamp');
    expect(new Date(withTs.validationTime).getTime()).to.be.within(before.getTime(), after.getTime());
    const without = await verifyDetached(signed, { content }, options);
    expect(without.indication).to.equal('INDETERMINATE');
    expect(without.subIndication).to.equal('REVOKED_NO_POE');
    expect(without.poe).to.equal('none');
    // openssl cms still reads the signature with its unsigned attribute.
    const p7s = o.write('stamped.p7s', stamped);
    expect(o.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', p7s])).to.contain('id-smime-aa-timeStampToken');
  });

  it('when a token names a TSA certificate without the timeStamping EKU, then it is ignored as a proof of existence', async () => {
    const plain = await f.issue('not-a-tsa');
    const signed = await signDetached({ content }, { identity: f.rsa.identity });
    const sigValue = signatureValueOf(signed);
    const req = createTimestampRequest(sigValue);
    const reply = await respondToTimestampRequest(req.der, { tsa: { identity: plain.identity, policy: TEST_TSA_POLICY }, now: new Date(f.now.getTime() - 10 * minute), serialNumber: randomBytes(8) });
    const token = new Uint8Array((asn1js.fromBER(reply).result as asn1js.Sequence).valueBlock.value[1]!.toBER(false)); // TimeStampResp.timeStampToken
    const v = verifyTimestampToken(token, sigValue, { trustAnchors: [f.pki.root.certificate], crls: [f.pki.crl], at: f.now, now: f.now });
    expect(v.ok).to.equal(false);
    const report = await verifyDetached(addSignatureTimestamp(signed, token), { content }, { trustAnchors: [f.pki.root.certificate], crls: [f.pki.crl], now: f.now });
    expect(report.indication).to.equal('TOTAL_PASSED');
    expect(report.poe).to.equal('none');
    expect(report.checks.find((c) => c.name === 'signature-timestamp')?.detail).to.match(/^ignored: .*extendedKeyUsage/);
  });

  it('when a PDF seal is timestamped (PAdES B-T), then verifyPdf validates at the timestamp; the same seal without it and revoked since is REVOKED_NO_POE', async () => {
    const revoked = await f.issue('pdf-revoked-seal');
    const crl = revokingCrl(f, parseCertificate(revoked.identity.certificate).serialNumber);
    const base = await pdfLibDocument(1);
    const signingTime = new Date(f.now.getTime() - 45 * minute);
    const bt = (await signPdf(base, { identity: revoked.identity, role: 'seal', signingTime, appearance: false, timestamp: f.stamp(new Date(f.now.getTime() - 44 * minute)) })).pdf;
    const bb = (await signPdf(base, { identity: revoked.identity, role: 'seal', signingTime, appearance: false })).pdf;
    const options = { trustAnchors: [f.pki.root.certificate], crls: [crl], now: f.now };
    const rt = await verifyPdf(bt, options);
    expect(rt.indication, rt.explanation).to.equal('TOTAL_PASSED');
    expect(rt.signatures[0]!.cms!.poe).to.equal('timestamp');
    const rb = await verifyPdf(bb, options);
    expect(rb.indication).to.equal('INDETERMINATE');
    expect(rb.subIndication).to.equal('REVOKED_NO_POE');
    writeFileSync(join(f.dir, 'bt.pdf'), bt);
  });

  it('when a timestamper fails, then signPdf and timestampSignature fail: no silent B-B', async () => {
    const down = async (): Promise<Uint8Array> => {
      throw new Error('TSA down');
    };
    let threw = false;
    try {
      await signPdf(await pdfLibDocument(1), { identity: f.rsa.identity, role: 'seal', signingTime: f.now, appearance: false, timestamp: down });
    } catch {
      threw = true;
    }
    expect(threw).to.equal(true);
    threw = false;
    await timestampSignature(await signDetached({ content }, { identity: f.rsa.identity }), down).catch(() => (threw = true));
    expect(threw).to.equal(true);
  });
});

describe('crypto/tsp PAdES B-T judged by pyHanko', function () {
  this.timeout(120_000);

  it('when pyHanko validates our B-T seal against the development root, then it is VALID and shows the timestamp', async () => {
    const f = await cmsFixture();
    const base = await pdfLibDocument(1);
    const stampAt = new Date(f.now.getTime() - 5 * minute);
    const bt = (await signPdf(base, { identity: f.rsa.identity, role: 'seal', signingTime: new Date(f.now.getTime() - 6 * minute), appearance: false, timestamp: f.stamp(stampAt) })).pdf;
    const pdfPath = f.write('pyhanko-bt.pdf', bt);
    const run = (file: string): string => {
      try {
        return execFileSync('pyhanko', ['sign', 'validate', '--trust', f.rootPem, '--other-certs', f.chainPem, '--validation-time', f.now.toISOString(), '--pretty-print', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        return `FAILED ${err.stdout ?? ''} ${err.stderr ?? ''}`;
      }
    };
    const out = run(pdfPath);
    expect(out, out).to.not.contain('FAILED');
    expect(out, out).to.contain('The signature is judged VALID.');
    expect(out, out).to.contain(`Signature timestamp token: ${stampAt.toISOString().slice(0, 19)}+00:00`);
    expect(out, out).to.contain('The TSA certificate is trusted.');
    // The same file with one signed byte changed is not judged valid by pyHanko (the check can fail).
    const bad = Buffer.from(bt);
    const at = bad.indexOf('/MediaBox', 0, 'latin1') + 1; // inside the signed byte range
    bad[at] = 0x4e; // /MediaBox → /NediaBox
    const badOut = run(f.write('pyhanko-bad.pdf', bad));
    expect(badOut, badOut).to.not.contain('The signature is judged VALID.');
  });
});
