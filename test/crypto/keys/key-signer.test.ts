import { createHash, createPublicKey } from 'node:crypto';
import { expect } from 'chai';
import { createKeySigner, isCryptoError, type DevKeyType, type HashName } from '../../../crypto/index.js';
import { openssl, scratch, spareKey } from '../pki/fixtures.js';

describe('crypto/keys createKeySigner', function () {
  this.timeout(60_000);
  const tmp = scratch();
  after(() => tmp.cleanup());
  const data = new TextEncoder().encode('Công văn số 123/VPCP-KSTT — dữ liệu ký thử');
  const dataFile = tmp.file('data.bin', data);

  function opensslVerifies(pubPem: string, hash: HashName, sig: Uint8Array, pss: boolean): boolean {
    const args = ['dgst', `-${hash.toLowerCase().replace('-', '')}`, '-verify', tmp.file('pub.pem', pubPem), '-signature', tmp.file('sig.bin', sig)];
    if (pss) args.push('-sigopt', 'rsa_padding_mode:pss', '-sigopt', `rsa_pss_saltlen:${{ 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[hash]}`);
    args.push(dataFile);
    const r = openssl(args);
    return r.status === 0 && r.stdout.includes('Verified OK');
  }

  const cases: [DevKeyType, 'RSA' | 'ECDSA', number][] = [
    ['rsa2048', 'RSA', 2048],
    ['rsa3072', 'RSA', 3072],
    ['p256', 'ECDSA', 256],
  ];
  for (const [type, keyType, bits] of cases) {
    it(`when a ${type} key signs with every hash and scheme, then OpenSSL verifies each signature`, async () => {
      const { privateKey } = await spareKey('signer', type);
      const signer = createKeySigner(privateKey);
      expect(signer.keyType).to.equal(keyType);
      expect(signer.keyBits).to.equal(bits);
      const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
      expect(signer.keyId).to.equal(createHash('sha256').update(spki).digest('hex'));
      const pubPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
      for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as HashName[]) {
        for (const scheme of keyType === 'RSA' ? (['pkcs1', 'pss'] as const) : (['pkcs1'] as const)) {
          const sig = await signer.sign(data, { hash, scheme });
          expect(opensslVerifies(pubPem, hash, sig, scheme === 'pss'), `${type} ${hash} ${scheme}`).to.equal(true);
        }
      }
    });
  }

  it('when an ECDSA signature is made, then it is DER (a SEQUENCE of two INTEGERs)', async () => {
    const { privateKey } = await spareKey('signer', 'p256');
    const sig = await createKeySigner(privateKey).sign(data, { hash: 'SHA-256', scheme: 'pkcs1' });
    expect(sig[0]).to.equal(0x30);
    expect(sig[1]).to.equal(sig.length - 2);
    expect(sig[2]).to.equal(0x02);
  });

  it('when given PKCS#8 DER, then it signs like the KeyObject (RSA PKCS#1 v1.5 is deterministic)', async () => {
    const { privateKey } = await spareKey('signer', 'rsa2048');
    const fromDer = createKeySigner(new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })));
    const a = await fromDer.sign(data, { hash: 'SHA-256', scheme: 'pkcs1' });
    const b = await createKeySigner(privateKey).sign(data, { hash: 'SHA-256', scheme: 'pkcs1' });
    expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(true);
  });

  it('when the key bytes are garbage, then ERR_KEY_MALFORMED; when SHA-1 is asked, then ERR_ALGORITHM_REFUSED', async () => {
    let code: string | undefined;
    try {
      createKeySigner(new Uint8Array([1, 2, 3]));
    } catch (e) {
      code = isCryptoError(e) ? e.code : 'other';
    }
    expect(code).to.equal('ERR_KEY_MALFORMED');
    const { privateKey } = await spareKey('signer', 'p256');
    const err = await createKeySigner(privateKey)
      .sign(data, { hash: 'SHA-1' as HashName, scheme: 'pkcs1' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isCryptoError(err) ? err.code : err).to.equal('ERR_ALGORITHM_REFUSED');
  });

  it('when an Ed25519 key is given, then ERR_ALGORITHM_UNSUPPORTED', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ed25519');
    let code: string | undefined;
    try {
      createKeySigner(privateKey);
    } catch (e) {
      code = isCryptoError(e) ? e.code : 'other';
    }
    expect(code).to.equal('ERR_ALGORITHM_UNSUPPORTED');
  });
});
