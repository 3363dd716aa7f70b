import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspectSignedData, signDetached, verifyDetached } from '../../../crypto/cms/index.js';
import { parseSignedData } from '../../../crypto/cms/parse-signed-data.js';
import { children, readRoot } from '../../../crypto/cms/der.js';
import { cmsFixture, type CmsFixture } from './fixtures.js';
import { expectCryptoCode } from '../../support/expect-code.js';

const content = new TextEncoder().encode('Công văn số 123/VP-TH — nội dung thử nghiệm\n'.repeat(20));

describe('crypto/cms signDetached', function () {
  this.timeout(60_000);
  let f: CmsFixture;
  let dataPath: string;

  before(async () => {
    f = await cmsFixture();
    dataPath = f.write('content.bin', content);
  });

  function opensslVerifies(sig: Uint8Array, name: string): void {
    const sigPath = f.write(name, sig);
    f.openssl(['cms', '-verify', '-binary', '-content', dataPath, '-inform', 'DER', '-in', sigPath, '-CAfile', f.rootPem, '-purpose', 'any', '-attime', String(Math.floor(f.now.getTime() / 1000)), '-out', '/dev/null']);
  }

  it('when signing with RSA-2048 and SHA-256, then openssl verifies it and shows the CAdES attributes without signing-time', async () => {
    const sig = await signDetached({ content }, { identity: f.rsa.identity });
    opensslVerifies(sig, 'rsa-sha256.p7s');
    const printed = f.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', f.write('rsa-print.p7s', sig)]);
    expect(printed).to.include('id-smime-aa-signingCertificateV2');
    expect(printed).to.include('messageDigest');
    expect(printed).to.include('contentType');
    expect(printed).not.to.include('signingTime');
    expect(printed).to.match(/eContent: <ABSENT>/);
  });

  it('when signingTime is given, then the signing-time attribute carries it and verification reports it', async () => {
    const at = new Date(f.now.getTime() + 5_000);
    const sig = await signDetached({ content }, { identity: f.rsa.identity, signingTime: at });
    const printed = f.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', f.write('rsa-time.p7s', sig)]);
    expect(printed).to.include('signingTime');
    const report = await verifyDetached(sig, { content }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now });
    expect(report.indication).to.equal('TOTAL_PASSED');
    expect(report.claimedSigningTime).to.equal(at.toISOString());
  });

  it('when signing with RSA-PSS, SHA-384, SHA-512 and ECDSA P-256, then openssl and our verifier accept each', async () => {
    const ec = await f.issue('ecdsa-signer', { keyType: 'p256' });
    const cases = [
      { identity: f.rsa.identity, hash: 'SHA-384' as const, scheme: 'pss' as const, name: 'pss-384' },
      { identity: f.rsa.identity, hash: 'SHA-512' as const, scheme: 'pkcs1' as const, name: 'rsa-512' },
      { identity: ec.identity, hash: 'SHA-256' as const, scheme: 'pkcs1' as const, name: 'ec-256' },
      { identity: ec.identity, hash: 'SHA-512' as const, scheme: 'pkcs1' as const, name: 'ec-512' },
    ];
    for (const c of cases) {
      const sig = await signDetached({ content }, { identity: c.identity, hash: c.hash, scheme: c.scheme });
      opensslVerifies(sig, `${c.name}.p7s`);
      expect(inspectSignedData(sig).digestAlgorithm).to.equal(c.hash);
      const report = await verifyDetached(sig, { content }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now });
      expect(report.indication, `${c.name}: ${report.reason}`).to.equal('TOTAL_PASSED');
      expect(report.digestAlgorithm).to.equal(c.hash);
    }
  });

  it('when a precomputed digest is signed, then the signature verifies against the content', async () => {
    const digest = createHash('sha512').update(content).digest();
    const sig = await signDetached({ digest, hash: 'SHA-512' }, { identity: f.rsa.identity });
    opensslVerifies(sig, 'digest-512.p7s');
  });

  it('when signing twice with PKCS#1 v1.5, then the outputs are identical and carry the whole chain once, in DER set order', async () => {
    const a = await signDetached({ content }, { identity: f.rsa.identity });
    const b = await signDetached({ content }, { identity: { ...f.rsa.identity, chain: [...f.rsa.identity.chain] } });
    expect(Buffer.from(a).equals(b)).to.equal(true);
    const info = inspectSignedData(a);
    expect(info.signerCount).to.equal(1);
    expect(info.certificates.map((c) => Buffer.from(c).toString('hex'))).to.have.deep.members([f.rsa.identity.certificate, ...f.rsa.identity.chain].map((c) => Buffer.from(c).toString('hex')));
    const sorted = [...info.certificates].map((c) => Buffer.from(c)).sort(Buffer.compare);
    expect(info.certificates.map((c) => Buffer.from(c).toString('hex'))).to.deep.equal(sorted.map((c) => c.toString('hex')));
    const none = await signDetached({ content }, { identity: f.rsa.identity, includeChain: false });
    expect(inspectSignedData(none).certificates).to.have.length(0);
  });

  it('when OpenSSL re-encodes our signature as DER, then the bytes do not change (our output is canonical DER)', async () => {
    const ec = await f.issue('der-check-ecdsa', { keyType: 'p256' });
    for (const [name, sig] of [
      ['der-rsa.p7s', await signDetached({ content }, { identity: f.rsa.identity, signingTime: f.now })],
      ['der-ec.p7s', await signDetached({ content }, { identity: ec.identity, hash: 'SHA-384' })],
      ['der-pss.p7s', await signDetached({ content }, { identity: f.rsa.identity, scheme: 'pss', hash: 'SHA-512' })],
    ] as const) {
      const reencoded = `${f.write(name, sig)}.re`;
      f.openssl(['cms', '-cmsout', '-inform', 'DER', '-in', `${f.dir}/${name}`, '-outform', 'DER', '-out', reencoded]);
      expect(readFileSync(reencoded).equals(sig), name).to.equal(true);
    }
  });

  it('when the signed attributes are encoded, then they are in DER SET OF order', async () => {
    const sig = await signDetached({ content }, { identity: f.rsa.identity, signingTime: f.now });
    const attrs = parseSignedData(sig).signerInfos[0]!.signedAttributesDer!;
    const items = children(attrs, readRoot(attrs)).map((t) => Buffer.from(attrs.subarray(t.start, t.end)));
    expect(items).to.have.length(4);
    for (let i = 1; i < items.length; i++) expect(Buffer.compare(items[i - 1]!, items[i]!)).to.be.lessThan(0);
  });

  it('when SHA-1 is asked for, then ERR_ALGORITHM_REFUSED', async () => {
    await expectCryptoCode(signDetached({ content }, { identity: f.rsa.identity, hash: 'SHA-1' as never }), 'ERR_ALGORITHM_REFUSED');
  });

  it('when the key is RSA-1024, then ERR_ALGORITHM_REFUSED', async () => {
    const weak = await f.issue('rsa1024-signer', { keyType: 'rsa1024' });
    await expectCryptoCode(signDetached({ content }, { identity: weak.identity }), 'ERR_ALGORITHM_REFUSED');
  });

  it('when the signer key does not belong to the certificate, then ERR_KEY_MISMATCH', async () => {
    const other = await f.issue('other-signer');
    await expectCryptoCode(signDetached({ content }, { identity: { ...f.rsa.identity, signer: other.identity.signer } }), 'ERR_KEY_MISMATCH');
  });

  it('when the input is not bytes, then TypeError', async () => {
    try {
      await signDetached({ content: 'text' as never }, { identity: f.rsa.identity });
      expect.fail('expected TypeError');
    } catch (e) {
      expect(e).to.be.instanceOf(TypeError);
    }
  });
});
