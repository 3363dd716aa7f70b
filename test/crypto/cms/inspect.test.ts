import { expect } from 'chai';
import { inspectSignedData, signDetached, verifyDetached } from '../../../crypto/cms/index.js';
import { isCryptoError } from '../../../crypto/errors.js';
import { cmsFixture, type CmsFixture } from './fixtures.js';

const content = new TextEncoder().encode('Phụ lục kèm theo\n');

describe('crypto/cms inspectSignedData and argument checks', function () {
  this.timeout(60_000);
  let f: CmsFixture;

  before(async () => {
    f = await cmsFixture();
  });

  it('when a SHA-384 signature is inspected, then its digest algorithm, signer count and certificates are read without verifying', async () => {
    const sig = await signDetached({ content }, { identity: f.rsa.identity, hash: 'SHA-384' });
    const info = inspectSignedData(sig);
    expect(info.digestAlgorithm).to.equal('SHA-384');
    expect(info.signerCount).to.equal(1);
    expect(info.certificates).to.have.length(3);
    expect(info.certificates.some((c) => Buffer.from(c).equals(f.rsa.identity.certificate))).to.equal(true);
    expect(Object.isFrozen(info)).to.equal(true);
  });

  it('when the input is not CMS, then ERR_CMS_MALFORMED', () => {
    for (const bad of [new Uint8Array(0), new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), f.rsa.identity.certificate]) {
      expect(() => inspectSignedData(bad))
        .to.throw()
        .that.satisfies((e: unknown) => isCryptoError(e, 'ERR_CMS_MALFORMED'));
    }
  });

  it('when verifyDetached is called without a clock or with a digest of another hash, then TypeError', async () => {
    const sig = await signDetached({ content }, { identity: f.rsa.identity });
    const misuse = [
      () => verifyDetached(sig, { content }, { trustAnchors: [] } as never),
      () => verifyDetached(sig, { digest: new Uint8Array(48), hash: 'SHA-384' }, { trustAnchors: [], now: f.now }),
      () => verifyDetached('x' as never, { content }, { trustAnchors: [], now: f.now }),
    ];
    for (const call of misuse) {
      try {
        await call();
        expect.fail('expected TypeError');
      } catch (e) {
        expect(e).to.be.instanceOf(TypeError);
      }
    }
  });

  it('when no trust anchor is supplied, then INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND with intact and valid facts', async () => {
    const sig = await signDetached({ content }, { identity: f.rsa.identity });
    const report = await verifyDetached(sig, { content }, { trustAnchors: [], crls: f.crls, now: f.now });
    expect(report.indication).to.equal('INDETERMINATE');
    expect(report.subIndication).to.equal('NO_CERTIFICATE_CHAIN_FOUND');
    expect(report.intact).to.equal(true);
    expect(report.valid).to.equal(true);
    expect(report.trusted).to.equal(false);
  });
});
