import { expect } from 'chai';
import {
  isCryptoError,
  issueCertificate,
  issueCrl,
  parseCertificate,
  validateChain,
  type DevelopmentPki,
  type IssueCertificateOptions,
  type ValidateChainOptions,
} from '../../../crypto/index.js';
import { AT_NOW, certPem, DAY, devPki, HOUR, NOW, openssl, scratch, spareKey } from './fixtures.js';

const CRL_URL = 'http://pki.lienthong.invalid/crl/issuing-ca.crl';

describe('crypto/pki validateChain', function () {
  this.timeout(60_000);
  let pki: DevelopmentPki;
  const tmp = scratch();
  before(async () => {
    pki = await devPki('rsa2048');
  });
  after(() => tmp.cleanup());

  /** A leaf from the development issuing CA, valid now, with a CRL distribution point unless overridden. */
  async function leaf(overrides: Partial<IssueCertificateOptions> = {}, keyName = 'leaf'): Promise<Uint8Array> {
    const key = await spareKey(keyName);
    return issueCertificate({
      subject: { CN: `Test signer ${keyName} (DEV)`, O: 'Test (DEV)', C: 'VN' },
      publicKey: key.publicKey,
      issuer: pki.issuingCa,
      notBefore: new Date(NOW.getTime() - 20 * HOUR),
      notAfter: new Date(NOW.getTime() + 300 * DAY),
      crlDistributionPoint: CRL_URL,
      ...overrides,
    });
  }

  function validate(leafDer: Uint8Array, extra: Partial<ValidateChainOptions> = {}) {
    return validateChain({
      leaf: leafDer,
      intermediates: [pki.issuingCa.certificate],
      trustAnchors: [pki.root.certificate],
      crls: [pki.crl],
      at: NOW,
      purpose: 'signature',
      ...extra,
    });
  }

  function opensslVerify(leafDer: Uint8Array, untrusted: Uint8Array[] = [pki.issuingCa.certificate]): string {
    const r = openssl([
      'verify', ...AT_NOW,
      '-CAfile', tmp.file('root.pem', certPem(pki.root.certificate)),
      '-untrusted', tmp.file('untrusted.pem', untrusted.map(certPem).join('')),
      tmp.file('leaf.pem', certPem(leafDer)),
    ]);
    return r.status === 0 ? 'OK' : r.stdout + r.stderr;
  }

  describe('path building', () => {
    it('when the chain reaches the anchor with extra unrelated and duplicate certificates, then it passes', async () => {
      const other = await devPki('p256');
      const l = await leaf();
      const r = validate(l, { intermediates: [other.issuingCa.certificate, pki.issuingCa.certificate, other.root.certificate, pki.issuingCa.certificate, pki.root.certificate] });
      expect(r.ok, r.reason).to.equal(true);
      expect(r.path).to.have.length(3);
      expect(r.path[2]!.sha256).to.equal(parseCertificate(pki.root.certificate).sha256);
    });

    it('when the trust anchor is another root, then NO_CERTIFICATE_CHAIN_FOUND', async () => {
      const other = await devPki('p256');
      const r = validate(await leaf(), { trustAnchors: [other.root.certificate] });
      expect(r.ok).to.equal(false);
      expect(r.indication).to.equal('INDETERMINATE');
      expect(r.subIndication).to.equal('NO_CERTIFICATE_CHAIN_FOUND');
    });

    it('when no trust anchor is supplied, then NO_CERTIFICATE_CHAIN_FOUND', async () => {
      expect(validate(await leaf(), { trustAnchors: [] }).subIndication).to.equal('NO_CERTIFICATE_CHAIN_FOUND');
    });

    it('when the intermediate is missing, then NO_CERTIFICATE_CHAIN_FOUND', async () => {
      expect(validate(await leaf(), { intermediates: [] }).subIndication).to.equal('NO_CERTIFICATE_CHAIN_FOUND');
    });

    it('when a signature byte of the leaf is changed, then NO_CERTIFICATE_CHAIN_FOUND (and OpenSSL refuses it too)', async () => {
      const good = await leaf();
      expect(validate(good).ok).to.equal(true); // warm the signature cache with the good certificate first
      const bad = good.slice();
      bad[bad.length - 5] = (bad[bad.length - 5]! ^ 0x01) & 0xff;
      const r = validate(bad);
      expect(r.subIndication).to.equal('NO_CERTIFICATE_CHAIN_FOUND');
      expect(r.checks[0]!.detail).to.contain('does not verify');
      expect(opensslVerify(bad)).to.contain('signature failure');
    });

    it('when two CAs certify each other in a loop, then path building stops with NO_CERTIFICATE_CHAIN_FOUND', async () => {
      const a = await spareKey('loop-a');
      const b = await spareKey('loop-b');
      const window = { notBefore: new Date(NOW.getTime() - HOUR), notAfter: new Date(NOW.getTime() + DAY), basicConstraints: { ca: true } };
      const selfA = issueCertificate({ subject: { CN: 'Loop A (DEV)' }, publicKey: a.publicKey, selfSignKey: a.privateKey, ...window });
      const selfB = issueCertificate({ subject: { CN: 'Loop B (DEV)' }, publicKey: b.publicKey, selfSignKey: b.privateKey, ...window });
      const aByB = issueCertificate({ subject: { CN: 'Loop A (DEV)' }, publicKey: a.publicKey, issuer: { certificate: selfB, privateKey: b.privateKey }, ...window });
      const bByA = issueCertificate({ subject: { CN: 'Loop B (DEV)' }, publicKey: b.publicKey, issuer: { certificate: selfA, privateKey: a.privateKey }, ...window });
      const l = await leaf({ issuer: { certificate: aByB, privateKey: a.privateKey } });
      const r = validate(l, { intermediates: [aByB, bByA] });
      expect(r.subIndication).to.equal('NO_CERTIFICATE_CHAIN_FOUND');
    });

    it('when the leaf cannot be parsed, then it throws ERR_CERT_MALFORMED, and a bad intermediate is only skipped', async () => {
      let code: string | undefined;
      try {
        validate(new Uint8Array([0x30, 0x03, 0x02, 0x01]));
      } catch (e) {
        code = isCryptoError(e) ? e.code : 'other';
      }
      expect(code).to.equal('ERR_CERT_MALFORMED');
      const r = validate(await leaf(), { intermediates: [new Uint8Array([1, 2, 3]), pki.issuingCa.certificate] });
      expect(r.ok, r.reason).to.equal(true);
      expect(r.checks[0]!.detail).to.contain('skipped unparseable certificate #0');
    });

    it('when the certificate is signed with RSASSA-PSS, then it passes (and OpenSSL agrees)', async () => {
      const l = await leaf({ signature: { hash: 'sha256', rsaScheme: 'pss' } });
      expect(parseCertificate(l).signatureAlgorithm.name).to.equal('RSASSA-PSS/SHA-256');
      expect(validate(l).ok).to.equal(true);
      expect(opensslVerify(l)).to.equal('OK');
    });
  });

  describe('validity at the validation time', () => {
    it('when the leaf expired before `at`, then TOTAL_FAILED/EXPIRED (OpenSSL: expired)', async () => {
      const l = await leaf({ notAfter: new Date(NOW.getTime() - HOUR) });
      const r = validate(l);
      expect(r.indication).to.equal('TOTAL_FAILED');
      expect(r.subIndication).to.equal('EXPIRED');
      expect(opensslVerify(l)).to.contain('certificate has expired');
      // The same certificate validated at a time inside its validity passes: time checks run per call.
      expect(validate(l, { at: new Date(NOW.getTime() - 2 * HOUR) }).ok).to.equal(true);
    });

    it('when the leaf is not yet valid at `at`, then TOTAL_FAILED/NOT_YET_VALID (OpenSSL: not yet valid)', async () => {
      const l = await leaf({ notBefore: new Date(NOW.getTime() + DAY) });
      const r = validate(l);
      expect(r.subIndication).to.equal('NOT_YET_VALID');
      expect(opensslVerify(l)).to.contain('not yet valid');
    });

    it('when the issuing CA is outside its validity at `at`, then CERTIFICATE_CHAIN_GENERAL_FAILURE', async () => {
      const l = await leaf({ notBefore: new Date(NOW.getTime() - 30 * DAY) });
      const r = validate(l, { at: new Date(NOW.getTime() - 20 * DAY) });
      expect(r.subIndication).to.equal('CERTIFICATE_CHAIN_GENERAL_FAILURE');
    });
  });

  describe('revocation', () => {
    it('when a certificate with a CRL distribution point comes without CRL, then TRY_LATER', async () => {
      const r = validate(await leaf(), { crls: [] });
      expect(r.indication).to.equal('INDETERMINATE');
      expect(r.subIndication).to.equal('TRY_LATER');
    });

    it('when a certificate declares no revocation source and no CRL is given, then it passes', async () => {
      const l = await leaf({ crlDistributionPoint: undefined });
      const r = validate(l, { crls: [] });
      expect(r.ok, r.reason).to.equal(true);
      expect(r.checks.at(-1)!.detail).to.contain('no revocation source declared');
    });

    it('when the only CRL expired before `at`, then TRY_LATER', async () => {
      const stale = issueCrl({ issuer: pki.issuingCa, revoked: [], thisUpdate: new Date(NOW.getTime() - 20 * HOUR), nextUpdate: new Date(NOW.getTime() - HOUR) });
      const r = validate(await leaf(), { crls: [stale] });
      expect(r.subIndication).to.equal('TRY_LATER');
      expect(r.reason).to.contain('CRL expired');
    });

    it('when the CRL is signed by another key under the issuer name, then it is not used: TRY_LATER', async () => {
      const forger = await spareKey('forger');
      const forged = issueCrl({ issuer: { certificate: pki.issuingCa.certificate, privateKey: forger.privateKey }, revoked: [], thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + DAY) });
      const r = validate(await leaf(), { crls: [forged] });
      expect(r.subIndication).to.equal('TRY_LATER');
      expect(r.reason).to.contain('CRL signature does not verify');
    });

    it('when the CRL is signed with SHA-1, then it is refused: TRY_LATER', async () => {
      const sha1 = issueCrl({ issuer: pki.issuingCa, revoked: [], thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + DAY), signature: { hash: 'sha1' } });
      expect(validate(await leaf(), { crls: [sha1] }).subIndication).to.equal('TRY_LATER');
    });

    it('when the leaf is revoked before `at`, then TOTAL_FAILED/REVOKED, and a newer CRL among several decides', async () => {
      const l = await leaf({}, 'revoked-2');
      const serialNumber = parseCertificate(l).serialNumber;
      const revokedCrl = issueCrl({ issuer: pki.issuingCa, revoked: [{ serialNumber, revocationDate: new Date(NOW.getTime() - 2 * HOUR) }], thisUpdate: new Date(NOW.getTime() - HOUR), nextUpdate: new Date(NOW.getTime() + DAY) });
      const r = validate(l, { crls: [pki.crl, revokedCrl] });
      expect(r.subIndication).to.equal('REVOKED');
      expect(r.indication).to.equal('TOTAL_FAILED');
    });

    it('when the issuing CA itself is revoked by the root, then REVOKED', async () => {
      const p = await devPki('p256');
      const ca = issueCertificate({
        subject: { CN: 'Revocable CA (DEV)', C: 'VN' },
        publicKey: (await spareKey('revocable-ca', 'p256')).publicKey,
        issuer: p.root,
        notBefore: new Date(NOW.getTime() - DAY),
        notAfter: new Date(NOW.getTime() + DAY),
        basicConstraints: { ca: true, pathLength: 0 },
        crlDistributionPoint: 'http://pki.lienthong.invalid/crl/root.crl',
        serialNumber: '0a0b0c',
      });
      const caKey = (await spareKey('revocable-ca', 'p256')).privateKey;
      const l = await leaf({ issuer: { certificate: ca, privateKey: caKey } });
      const leafCrl = issueCrl({ issuer: { certificate: ca, privateKey: caKey }, revoked: [], thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + DAY) });
      const rootCrl = issueCrl({ issuer: p.root, revoked: [{ serialNumber: '0a0b0c', revocationDate: new Date(NOW.getTime() - HOUR), reason: 'cACompromise' }], thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + DAY) });
      const r = validateChain({ leaf: l, intermediates: [ca], trustAnchors: [p.root.certificate], crls: [leafCrl, rootCrl], at: NOW, purpose: 'signature' });
      expect(r.subIndication).to.equal('REVOKED');
      expect(r.reason).to.contain('Revocable CA');
    });
  });

  describe('constraints', () => {
    it('when the issuer is not a CA (basicConstraints cA false), then CHAIN_CONSTRAINTS_FAILURE (OpenSSL: invalid CA)', async () => {
      const k = await spareKey('not-ca');
      const notCa = issueCertificate({
        subject: { CN: 'Not a CA (DEV)', C: 'VN' },
        publicKey: k.publicKey,
        issuer: pki.issuingCa,
        notBefore: new Date(NOW.getTime() - 20 * HOUR),
        notAfter: new Date(NOW.getTime() + DAY),
        basicConstraints: { ca: false },
        keyUsage: ['keyCertSign', 'digitalSignature'],
      });
      const l = await leaf({ issuer: { certificate: notCa, privateKey: k.privateKey }, crlDistributionPoint: undefined });
      const r = validate(l, { intermediates: [notCa, pki.issuingCa.certificate] });
      expect(r.subIndication).to.equal('CHAIN_CONSTRAINTS_FAILURE');
      expect(opensslVerify(l, [notCa, pki.issuingCa.certificate])).to.not.equal('OK');
    });

    it('when a CA lacks keyCertSign, then CHAIN_CONSTRAINTS_FAILURE', async () => {
      const k = await spareKey('no-certsign');
      const ca = issueCertificate({
        subject: { CN: 'CA without keyCertSign (DEV)', C: 'VN' },
        publicKey: k.publicKey,
        issuer: pki.root,
        notBefore: new Date(NOW.getTime() - 20 * HOUR),
        notAfter: new Date(NOW.getTime() + DAY),
        basicConstraints: { ca: true },
        keyUsage: ['cRLSign'],
      });
      const l = await leaf({ issuer: { certificate: ca, privateKey: k.privateKey }, crlDistributionPoint: undefined });
      expect(validate(l, { intermediates: [ca] }).subIndication).to.equal('CHAIN_CONSTRAINTS_FAILURE');
    });

    it('when the path is longer than the issuing CA pathLen 0 allows, then CHAIN_CONSTRAINTS_FAILURE (OpenSSL: path length exceeded)', async () => {
      const k = await spareKey('sub-ca');
      const sub = issueCertificate({
        subject: { CN: 'Sub CA (DEV)', C: 'VN' },
        publicKey: k.publicKey,
        issuer: pki.issuingCa,
        notBefore: new Date(NOW.getTime() - 20 * HOUR),
        notAfter: new Date(NOW.getTime() + DAY),
        basicConstraints: { ca: true },
      });
      const l = await leaf({ issuer: { certificate: sub, privateKey: k.privateKey }, crlDistributionPoint: undefined });
      const r = validate(l, { intermediates: [sub, pki.issuingCa.certificate] });
      expect(r.subIndication).to.equal('CHAIN_CONSTRAINTS_FAILURE');
      expect(r.reason).to.contain('allows 0');
      expect(opensslVerify(l, [sub, pki.issuingCa.certificate])).to.contain('path length constraint exceeded');
    });

    it('when the leaf has no keyUsage, then SIG_CONSTRAINTS_FAILURE', async () => {
      expect(validate(await leaf({ keyUsage: null })).subIndication).to.equal('SIG_CONSTRAINTS_FAILURE');
    });

    it('when the leaf key usage is keyEncipherment only, then SIG_CONSTRAINTS_FAILURE', async () => {
      expect(validate(await leaf({ keyUsage: ['keyEncipherment'] })).subIndication).to.equal('SIG_CONSTRAINTS_FAILURE');
    });

    it('when the leaf is a CA certificate, then SIG_CONSTRAINTS_FAILURE', async () => {
      const r = validate(pki.issuingCa.certificate, { intermediates: [] });
      expect(r.subIndication).to.equal('SIG_CONSTRAINTS_FAILURE');
      expect(r.reason).to.contain('is a CA certificate');
    });

    it('when the leaf carries an unknown critical extension, then CERTIFICATE_CHAIN_GENERAL_FAILURE', async () => {
      const l = await leaf({ extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: new Uint8Array([0x05, 0x00]) }] });
      expect(validate(l).subIndication).to.equal('CERTIFICATE_CHAIN_GENERAL_FAILURE');
      expect(opensslVerify(l)).to.contain('unhandled critical extension');
    });
  });

  describe('crypto constraints', () => {
    it('when the leaf is signed with SHA-1, then CRYPTO_CONSTRAINTS_FAILURE unless the policy allows SHA-1', async () => {
      const l = await leaf({ signature: { hash: 'sha1' } });
      expect(parseCertificate(l).signatureAlgorithm.name).to.equal('sha1WithRSAEncryption');
      expect(validate(l).subIndication).to.equal('CRYPTO_CONSTRAINTS_FAILURE');
      expect(validate(l, { policy: { allowSha1: true } }).ok).to.equal(true);
    });

    it('when the leaf key is RSA-1024, then CRYPTO_CONSTRAINTS_FAILURE unless minRsaBits allows it', async () => {
      const small = await spareKey('small', 'rsa1024');
      const l = await leaf({ publicKey: small.publicKey });
      const r = validate(l);
      expect(r.subIndication).to.equal('CRYPTO_CONSTRAINTS_FAILURE');
      expect(r.reason).to.contain('RSA-1024');
      expect(validate(l, { policy: { minRsaBits: 1024 } }).ok).to.equal(true);
    });
  });

  describe('caching', () => {
    it('when the same chain is validated again, then the result is the same and the time checks still run', async () => {
      const l = await leaf({ notAfter: new Date(NOW.getTime() + HOUR) }, 'cache');
      const first = validate(l);
      const second = validate(l);
      expect(second.ok).to.equal(true);
      expect(second.checks).to.deep.equal(first.checks);
      expect(validate(l, { at: new Date(NOW.getTime() + 2 * HOUR) }).subIndication).to.equal('EXPIRED');
    });
  });
});
