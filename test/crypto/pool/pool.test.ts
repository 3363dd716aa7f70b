import { expect } from 'chai';
import { verifyDetached } from '../../../crypto/cms/index.js';
import { isCryptoError } from '../../../crypto/errors.js';
import { createSigningPool, type SigningPool } from '../../../crypto/pool/index.js';
import { cmsFixture, type CmsFixture } from '../cms/fixtures.js';
import { expectCryptoCode } from '../../support/expect-code.js';

const content = new TextEncoder().encode('Thông báo số 7/TB-VP\n'.repeat(30));

describe('crypto/pool createSigningPool', function () {
  this.timeout(60_000);
  let f: CmsFixture;
  let pool: SigningPool;
  let keyId: string;

  before(async () => {
    f = await cmsFixture();
    pool = createSigningPool({ size: 2 });
    const seal = f.pki.agencies[0]!.seal;
    keyId = pool.registerIdentity(seal.privateKeyPkcs8, seal.identity.certificate, seal.identity.chain);
  });

  after(async () => {
    await pool.close();
  });

  it('when many signatures are made concurrently in the workers, then each verifies and the key id is the SPKI hash', async () => {
    expect(keyId).to.equal(f.rsa.identity.signer.keyId);
    const sigs = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.signDetached(keyId, { content }, { signingTime: new Date(f.now.getTime() + i * 1000) })));
    for (const [i, sig] of sigs.entries()) {
      const report = await verifyDetached(sig, { content }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now });
      expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
      expect(report.claimedSigningTime).to.equal(new Date(f.now.getTime() + i * 1000).toISOString());
    }
  });

  it('when a worker refuses the request, then the error comes back as a CryptoError with its code', async () => {
    await expectCryptoCode(pool.signDetached(keyId, { content }, { hash: 'SHA-1' as never }), 'ERR_ALGORITHM_REFUSED');
  });

  it('when the key does not belong to the certificate, then registerIdentity throws ERR_KEY_MISMATCH', async () => {
    const other = await f.issue('pool-other');
    const seal = f.pki.agencies[0]!.seal;
    expect(() => pool.registerIdentity(seal.privateKeyPkcs8, other.identity.certificate, []))
      .to.throw()
      .that.satisfies((e: unknown) => isCryptoError(e, 'ERR_KEY_MISMATCH'));
  });

  it('when the queue bound is reached, then ERR_POOL_BUSY; when closed, then ERR_POOL_CLOSED', async () => {
    const small = createSigningPool({ size: 1, maxQueue: 2 });
    const seal = f.pki.agencies[0]!.seal;
    const id = small.registerIdentity(seal.privateKeyPkcs8, seal.identity.certificate, seal.identity.chain);
    const running = [small.signDetached(id, { content }), small.signDetached(id, { content })];
    await expectCryptoCode(small.signDetached(id, { content }), 'ERR_POOL_BUSY');
    await Promise.all(running);
    await small.close();
    await expectCryptoCode(small.signDetached(id, { content }), 'ERR_POOL_CLOSED');
  });
});
