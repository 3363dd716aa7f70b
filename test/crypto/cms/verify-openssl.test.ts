import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectSignedData, verifyDetached } from '../../../crypto/cms/index.js';
import { cmsFixture, type CmsFixture, type TestIdentity } from './fixtures.js';

const content = new TextEncoder().encode('Báo cáo tháng 6 — dữ liệu nhị phân \u0000\u0001\u00ff\n'.repeat(50));

describe('crypto/cms verifyDetached on signatures made by OpenSSL', function () {
  this.timeout(60_000);
  let f: CmsFixture;
  let dataPath: string;
  let ec: TestIdentity;

  before(async () => {
    f = await cmsFixture();
    dataPath = f.write('openssl-content.bin', content);
    ec = await f.issue('openssl-ecdsa', { keyType: 'p256' });
  });

  function opensslSign(name: string, id: TestIdentity, extra: readonly string[]): Uint8Array {
    const out = join(f.dir, name);
    f.openssl(['cms', '-sign', '-binary', '-in', dataPath, '-signer', id.certPem, '-inkey', id.keyPem, '-certfile', f.chainPem, '-outform', 'DER', '-out', out, ...extra]);
    return new Uint8Array(readFileSync(out));
  }

  const variants = [
    { key: 'rsa', md: 'sha256', cades: true },
    { key: 'rsa', md: 'sha512', cades: true },
    { key: 'rsa', md: 'sha256', cades: false },
    { key: 'rsa', md: 'sha512', cades: false },
    { key: 'ecdsa', md: 'sha256', cades: true },
    { key: 'ecdsa', md: 'sha512', cades: true },
    { key: 'ecdsa', md: 'sha256', cades: false },
    { key: 'ecdsa', md: 'sha512', cades: false },
  ] as const;

  for (const v of variants) {
    it(`when openssl signs ${v.key} ${v.md}${v.cades ? ' -cades' : ''}, then the report is TOTAL_PASSED`, async () => {
      const id = v.key === 'rsa' ? f.rsa : ec;
      const sig = opensslSign(`openssl-${v.key}-${v.md}-${v.cades}.p7s`, id, ['-md', v.md, ...(v.cades ? ['-cades'] : [])]);
      expect(inspectSignedData(sig).digestAlgorithm).to.equal(v.md === 'sha256' ? 'SHA-256' : 'SHA-512');
      const report = await verifyDetached(sig, { content }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now, at: f.now });
      expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
      expect(report.checks.find((c) => c.name === 'signing-certificate')?.detail).to.equal(v.cades ? 'signing-certificate-v2 matches' : 'absent (plain CMS, not CAdES)');
      expect(report.signer?.sha256).to.equal(Buffer.from(await crypto.subtle.digest('SHA-256', id.identity.certificate)).toString('hex'));
    });
  }

  it('when openssl signs without signed attributes (plain PKCS#7), then it verifies from the content', async () => {
    const sig = opensslSign('openssl-noattr.p7s', f.rsa, ['-md', 'sha256', '-noattr']);
    const report = await verifyDetached(sig, { content }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now });
    expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
    const tampered = new Uint8Array(content);
    tampered[3] = tampered[3]! ^ 1;
    const bad = await verifyDetached(sig, { content: tampered }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now });
    expect(bad.indication).to.equal('TOTAL_FAILED');
    expect(bad.subIndication).to.equal('SIG_CRYPTO_FAILURE');
  });

  it('when a plain RSA PKCS#7 signature is checked against a digest only, then it verifies through the DigestInfo', async () => {
    const sig = opensslSign('openssl-noattr-digest.p7s', f.rsa, ['-md', 'sha256', '-noattr']);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', content));
    const report = await verifyDetached(sig, { digest, hash: 'SHA-256' }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now });
    expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
  });

  it('when openssl makes an attached (non-detached) signature, then the encapsulated content is checked', async () => {
    const sig = opensslSign('openssl-attached.p7s', f.rsa, ['-md', 'sha256', '-nodetach']);
    // OpenSSL adds signing-time (the real clock): validate at the fixture's time instead.
    const ok = await verifyDetached(sig, { content }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now, at: f.now });
    expect(ok.indication, ok.reason).to.equal('TOTAL_PASSED');
    const other = await verifyDetached(sig, { content: new Uint8Array(10) }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now, at: f.now });
    expect(other.subIndication).to.equal('HASH_FAILURE');
  });

  it('when the encapsulated content is the SHA-1 of the document (adbe.pkcs7.sha1 style), then intact and valid but refused by the SHA-1 policy', async () => {
    const sha1 = new Uint8Array(await crypto.subtle.digest('SHA-1', content));
    const digestPath = f.write('adbe-sha1-content.bin', sha1);
    const out = join(f.dir, 'adbe-sha1.p7s');
    f.openssl(['cms', '-sign', '-binary', '-nodetach', '-in', digestPath, '-signer', f.rsa.certPem, '-inkey', f.rsa.keyPem, '-certfile', f.chainPem, '-outform', 'DER', '-out', out, '-md', 'sha256']);
    const sig = new Uint8Array(readFileSync(out));
    const options = { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now, at: f.now };
    const refused = await verifyDetached(sig, { content }, options);
    expect(refused.intact && refused.valid).to.equal(true);
    expect(refused.subIndication).to.equal('CRYPTO_CONSTRAINTS_FAILURE');
    const allowed = await verifyDetached(sig, { content }, { ...options, policy: { allowSha1: true } });
    expect(allowed.indication, allowed.reason).to.equal('TOTAL_PASSED');
    const changed = await verifyDetached(sig, { content: content.subarray(1) }, { ...options, policy: { allowSha1: true } });
    expect(changed.subIndication).to.equal('HASH_FAILURE');
  });

  it('when the CRL is missing for a certificate with a distribution point, then INDETERMINATE/TRY_LATER', async () => {
    const sig = opensslSign('openssl-nocrl.p7s', f.rsa, ['-md', 'sha256', '-cades']);
    const report = await verifyDetached(sig, { content }, { trustAnchors: [f.pki.root.certificate], now: f.now, at: f.now });
    expect(report.indication).to.equal('INDETERMINATE');
    expect(report.subIndication).to.equal('TRY_LATER');
    expect(report.intact && report.valid).to.equal(true);
    expect(report.trusted).to.equal(false);
  });
});
