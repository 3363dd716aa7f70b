import { expect } from 'chai';
import { createKeySigner, exportPkcs12, importPkcs12, isCryptoError, parseCertificate, validateChain, type DevKeyType } from '../../../crypto/index.js';
import { certPem, devPki, NOW, openssl, scratch } from '../pki/fixtures.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isCryptoError(e) ? e.code : `not coded: ${String(e)}`;
  }
  return undefined;
}

describe('crypto/keys PKCS#12', function () {
  this.timeout(60_000);
  const tmp = scratch();
  after(() => tmp.cleanup());

  /** A PKCS#12 made by `openssl pkcs12 -export` from a development seal identity (with its chain). */
  async function opensslP12(keyType: DevKeyType, legacy: boolean, password = 'mật-khẩu-1'): Promise<{ bytes: Uint8Array; cert: Uint8Array }> {
    const pki = await devPki(keyType);
    const seal = pki.agencies[0]!.seal;
    const keyPem = seal.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const out = `${tmp.dir}/${keyType}-${legacy ? 'legacy' : 'default'}.p12`;
    const r = openssl([
      'pkcs12',
      '-export',
      ...(legacy ? ['-legacy'] : []),
      '-inkey',
      tmp.file('key.pem', keyPem),
      '-in',
      tmp.file('cert.pem', certPem(seal.identity.certificate)),
      '-certfile',
      tmp.file('chain.pem', seal.identity.chain.map(certPem).join('')),
      '-name',
      'seal',
      '-passout',
      `pass:${password}`,
      '-out',
      out,
    ]);
    expect(r.status, r.stderr).to.equal(0);
    const { readFileSync } = await import('node:fs');
    return { bytes: new Uint8Array(readFileSync(out)), cert: seal.identity.certificate };
  }

  for (const keyType of ['rsa2048', 'p256'] as DevKeyType[]) {
    for (const legacy of [false, true]) {
      it(`when OpenSSL made a ${legacy ? '-legacy' : 'default (AES/PBKDF2)'} ${keyType} file, then it imports with its chain and signs`, async () => {
        const { bytes, cert } = await opensslP12(keyType, legacy);
        const info = openssl(['pkcs12', '-info', '-nokeys', '-noout', '-passin', 'pass:mật-khẩu-1', '-in', tmp.file('probe.p12', bytes)]);
        expect(info.stderr).to.contain(legacy ? 'pbeWithSHA1And' : 'PBES2');
        const { identity, privateKeyPkcs8 } = importPkcs12(bytes, 'mật-khẩu-1');
        expect(Buffer.from(identity.certificate).equals(Buffer.from(cert))).to.equal(true);
        const pki = await devPki(keyType);
        expect(identity.chain.map((c) => parseCertificate(c).sha256)).to.deep.equal([pki.issuingCa.certificate, pki.root.certificate].map((c) => parseCertificate(c).sha256));
        expect(identity.signer.keyType).to.equal(keyType === 'p256' ? 'ECDSA' : 'RSA');
        expect(identity.signer.keyId).to.equal(createKeySigner(privateKeyPkcs8).keyId);
        const chain = validateChain({ leaf: identity.certificate, intermediates: identity.chain, trustAnchors: [pki.root.certificate], crls: [pki.crl], at: NOW, purpose: 'signature' });
        expect(chain.ok, chain.reason).to.equal(true);
      });
    }
  }

  it('when the same file and password are imported twice, then the cached identity is returned', async () => {
    const { bytes } = await opensslP12('rsa2048', false);
    expect(importPkcs12(bytes, 'mật-khẩu-1')).to.equal(importPkcs12(bytes, 'mật-khẩu-1'));
  });

  it('when the password is wrong, then ERR_PKCS12_PASSWORD (default and legacy files)', async () => {
    for (const legacy of [false, true]) {
      const { bytes } = await opensslP12('p256', legacy);
      expect(codeOf(() => importPkcs12(bytes, 'wrong'))).to.equal('ERR_PKCS12_PASSWORD');
    }
  });

  it('when the bytes are garbage, empty or truncated, then ERR_PKCS12_MALFORMED', async () => {
    const { bytes } = await opensslP12('rsa2048', false);
    expect(codeOf(() => importPkcs12(new TextEncoder().encode('not a pfx'), 'x'))).to.equal('ERR_PKCS12_MALFORMED');
    expect(codeOf(() => importPkcs12(new Uint8Array(0), 'x'))).to.equal('ERR_PKCS12_MALFORMED');
    expect(codeOf(() => importPkcs12(bytes.subarray(0, bytes.length / 2), 'mật-khẩu-1'))).to.equal('ERR_PKCS12_MALFORMED');
  });

  it('when the file holds only certificates, then ERR_PKCS12_NO_KEY', async () => {
    const pki = await devPki('rsa2048');
    const out = `${tmp.dir}/nokey.p12`;
    const r = openssl(['pkcs12', '-export', '-nokeys', '-in', tmp.file('c.pem', certPem(pki.root.certificate)), '-passout', 'pass:pw', '-out', out]);
    expect(r.status, r.stderr).to.equal(0);
    const { readFileSync } = await import('node:fs');
    expect(codeOf(() => importPkcs12(new Uint8Array(readFileSync(out)), 'pw'))).to.equal('ERR_PKCS12_NO_KEY');
  });

  for (const keyType of ['rsa2048', 'p256'] as DevKeyType[]) {
    it(`when we export a ${keyType} identity, then OpenSSL reads it (PBES2 AES-256, SHA-256 MAC) and it imports back`, async () => {
      const pki = await devPki(keyType);
      const person = pki.agencies[1]!.person;
      const p12 = exportPkcs12({
        privateKeyPkcs8: person.privateKeyPkcs8,
        certificate: person.identity.certificate,
        chain: person.identity.chain,
        password: 'mật-khẩu-xuất',
        friendlyName: 'Người ký (DEV)',
      });
      const file = tmp.file(`export-${keyType}.p12`, p12);
      const info = openssl(['pkcs12', '-info', '-nokeys', '-passin', 'pass:mật-khẩu-xuất', '-in', file]);
      expect(info.status, info.stderr).to.equal(0);
      expect(info.stderr).to.contain('MAC: sha256');
      expect(info.stderr).to.contain('PBES2, PBKDF2, AES-256-CBC');
      expect((info.stdout.match(/BEGIN CERTIFICATE/g) ?? []).length).to.equal(3);
      const keyOut = openssl(['pkcs12', '-nocerts', '-nodes', '-passin', 'pass:mật-khẩu-xuất', '-in', file]);
      expect(keyOut.status, keyOut.stderr).to.equal(0);
      expect(keyOut.stdout).to.contain('BEGIN PRIVATE KEY');
      const back = importPkcs12(p12, 'mật-khẩu-xuất');
      expect(back.identity.signer.keyId).to.equal(person.identity.signer.keyId);
      expect(Buffer.from(back.identity.certificate).equals(Buffer.from(person.identity.certificate))).to.equal(true);
      expect(codeOf(() => importPkcs12(p12, 'nope'))).to.equal('ERR_PKCS12_PASSWORD');
    });
  }

  it("when the certificate is not the key's, then export refuses with ERR_KEY_MISMATCH", async () => {
    const pki = await devPki('rsa2048');
    const [a, b] = [pki.agencies[0]!.seal, pki.agencies[1]!.seal];
    expect(codeOf(() => exportPkcs12({ privateKeyPkcs8: a.privateKeyPkcs8, certificate: b.identity.certificate, password: 'x' }))).to.equal('ERR_KEY_MISMATCH');
  });
});
