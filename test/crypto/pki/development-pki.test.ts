import { expect } from 'chai';
import {
  issueCertificate,
  issueCrl,
  parseCertificate,
  validateChain,
  type DevKeyType,
} from '../../../crypto/index.js';
import { AT_NOW, certPem, crlPem, DAY, devPki, HOUR, NOW, openssl, scratch, spareKey } from './fixtures.js';

describe('crypto/pki development PKI', function () {
  this.timeout(60_000);
  const tmp = scratch();
  after(() => tmp.cleanup());

  for (const keyType of ['rsa2048', 'rsa3072', 'p256'] as DevKeyType[]) {
    describe(`with ${keyType} keys`, () => {
      it('when OpenSSL verifies every agency certificate with the CRL, then all pass', async () => {
        const pki = await devPki(keyType);
        const root = tmp.file(`${keyType}-root.pem`, certPem(pki.root.certificate));
        const ca = tmp.file(`${keyType}-ca.pem`, certPem(pki.issuingCa.certificate));
        const crl = tmp.file(`${keyType}-crl.pem`, crlPem(pki.crl));
        for (const a of pki.agencies) {
          for (const id of [a.seal, a.person]) {
            const leaf = tmp.file(`${keyType}-leaf.pem`, certPem(id.identity.certificate));
            const r = openssl(['verify', ...AT_NOW, '-CAfile', root, '-untrusted', ca, '-CRLfile', crl, '-crl_check', leaf]);
            expect(r.status, r.stderr + r.stdout).to.equal(0);
            expect(r.stdout).to.contain(': OK');
          }
        }
      });

      it('when validateChain checks a seal certificate now with the CRL, then it passes', async () => {
        const pki = await devPki(keyType);
        const seal = pki.agencies[0]!.seal.identity;
        const r = validateChain({ leaf: seal.certificate, intermediates: seal.chain, trustAnchors: [pki.root.certificate], crls: [pki.crl], at: NOW, purpose: 'signature' });
        expect(r.ok, r.reason).to.equal(true);
        expect(r.indication).to.equal('TOTAL_PASSED');
        expect(r.path.map((c) => c.sha256)).to.deep.equal([seal.certificate, pki.issuingCa.certificate, pki.root.certificate].map((d) => parseCertificate(d).sha256));
        expect(r.checks.map((c) => c.name)).to.deep.equal([
          'chain:path',
          'chain:crypto-constraints',
          'chain:constraints',
          'chain:signing-certificate-usage',
          'chain:validity',
          'chain:revocation',
        ]);
      });
    });
  }

  it('when OpenSSL prints the certificates, then the extensions and names are those of the Government CA shape', async () => {
    const pki = await devPki('rsa2048');
    const text = (der: Uint8Array): string => {
      const r = openssl(['x509', '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space'], Buffer.from(certPem(der)));
      expect(r.status, r.stderr).to.equal(0);
      return r.stdout;
    };
    const root = text(pki.root.certificate);
    expect(root).to.match(/Basic Constraints: critical\s+CA:TRUE/);
    expect(root).to.match(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(root).to.contain('(DEV)');
    const ca = text(pki.issuingCa.certificate);
    expect(ca).to.match(/CA:TRUE, pathlen:0/);
    expect(ca).to.contain('X509v3 Authority Key Identifier');
    const g12 = pki.agencies[1]!;
    const seal = text(g12.seal.identity.certificate);
    expect(seal).to.match(/Basic Constraints: critical\s+CA:FALSE/);
    expect(seal).to.match(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(seal).to.contain('X509v3 Subject Key Identifier');
    expect(seal).to.contain('URI:http://pki.lienthong.invalid/crl/issuing-ca.crl');
    expect(seal).to.contain('CN=Tổng cục Thuế (DEV)');
    expect(seal).to.contain('O=Bộ Tài chính (DEV)');
    expect(seal).to.contain('C=VN');
    expect(seal).to.match(/(organizationIdentifier|2\.5\.4\.97)=000\.00\.18\.G12/);
    const person = text(g12.person.identity.certificate);
    expect(person).to.contain('OU=Tổng cục Thuế (DEV)');
    expect(person).to.contain('emailAddress=nguoiky.000-00-18-g12@lienthong.invalid');
    expect(parseCertificate(g12.seal.identity.certificate).organizationIdentifier).to.equal('000.00.18.G12');
  });

  it('when OpenSSL reads the CRL, then it verifies against the issuing CA', async () => {
    const pki = await devPki('rsa2048');
    const ca = tmp.file('crl-ca.pem', certPem(pki.issuingCa.certificate));
    const r = openssl(['crl', '-noout', '-text', '-CAfile', ca], Buffer.from(crlPem(pki.crl)));
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr + r.stdout).to.contain('verify OK');
    expect(r.stdout).to.contain('No Revoked Certificates');
  });

  it('when a leaf is revoked before the validation time, then OpenSSL with crl_check and validateChain both refuse it (REVOKED)', async () => {
    const pki = await devPki('rsa2048');
    const key = await spareKey('revoked');
    const leaf = issueCertificate({
      subject: { CN: 'Revoked signer (DEV)', O: 'Test (DEV)', C: 'VN' },
      publicKey: key.publicKey,
      issuer: pki.issuingCa,
      notBefore: new Date(NOW.getTime() - 20 * HOUR),
      notAfter: new Date(NOW.getTime() + 300 * DAY),
      crlDistributionPoint: 'http://pki.lienthong.invalid/crl/issuing-ca.crl',
    });
    const serial = parseCertificate(leaf).serialNumber;
    const revokedAt = new Date(NOW.getTime() - 6 * HOUR);
    const crl = issueCrl({ issuer: pki.issuingCa, revoked: [{ serialNumber: serial, revocationDate: revokedAt, reason: 'keyCompromise' }], thisUpdate: new Date(NOW.getTime() - HOUR), nextUpdate: new Date(NOW.getTime() + 7 * DAY) });

    const r = openssl([
      'verify', ...AT_NOW,
      '-CAfile', tmp.file('rv-root.pem', certPem(pki.root.certificate)),
      '-untrusted', tmp.file('rv-ca.pem', certPem(pki.issuingCa.certificate)),
      '-CRLfile', tmp.file('rv-crl.pem', crlPem(crl)),
      '-crl_check',
      tmp.file('rv-leaf.pem', certPem(leaf)),
    ]);
    expect(r.status).to.not.equal(0);
    expect(r.stdout + r.stderr).to.contain('certificate revoked');
    const crlText = openssl(['crl', '-noout', '-text'], Buffer.from(crlPem(crl)));
    expect(crlText.stdout).to.contain('Key Compromise');

    const base = { leaf, intermediates: [pki.issuingCa.certificate], trustAnchors: [pki.root.certificate], crls: [crl], purpose: 'signature' as const };
    const now = validateChain({ ...base, at: NOW });
    expect(now.ok).to.equal(false);
    expect(now.indication).to.equal('TOTAL_FAILED');
    expect(now.subIndication).to.equal('REVOKED');
    // Before the revocation date the certificate was good: validation at that time passes.
    const before = validateChain({ ...base, at: new Date(revokedAt.getTime() - 6 * HOUR) });
    expect(before.ok, before.reason).to.equal(true);
    expect(before.checks.find((c) => c.name === 'chain:revocation')?.detail).to.contain('after the validation time');
  });
});
