import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  decodeCertificates,
  decodeCrls,
  encodePem,
  isCryptoError,
  parseCertificate,
  summarizeCertificate,
  type CryptoErrorCode,
} from '../../../crypto/index.js';
import { certPem, crlPem, devPki, openssl } from './fixtures.js';

function codeOf(fn: () => unknown): CryptoErrorCode | string | undefined {
  try {
    fn();
  } catch (e) {
    return isCryptoError(e) ? e.code : `not coded: ${String(e)}`;
  }
  return undefined;
}

describe('crypto/pki decoding and summaries', function () {
  this.timeout(60_000);

  it('when PEM holds several certificates with text around them, then all are decoded in order; DER gives one', async () => {
    const pki = await devPki();
    const text = `subject=whatever\n${certPem(pki.root.certificate)}\nnoise\n${certPem(pki.issuingCa.certificate)}`;
    const certs = decodeCertificates(new TextEncoder().encode(text));
    expect(certs.map((c) => Buffer.from(c).toString('hex'))).to.deep.equal([pki.root.certificate, pki.issuingCa.certificate].map((c) => Buffer.from(c).toString('hex')));
    expect(decodeCertificates(pki.root.certificate)).to.have.length(1);
  });

  it('when CRLs come as PEM or DER, then both decode', async () => {
    const pki = await devPki();
    expect(decodeCrls(new TextEncoder().encode(crlPem(pki.crl) + crlPem(pki.rootCrl)))).to.have.length(2);
    expect(decodeCrls(pki.crl)).to.have.length(1);
  });

  it('when input is garbage, empty, truncated or has a broken PEM body, then coded errors', async () => {
    const pki = await devPki();
    expect(codeOf(() => decodeCertificates(new Uint8Array(0)))).to.equal('ERR_CERT_MALFORMED');
    expect(codeOf(() => decodeCertificates(new TextEncoder().encode('hello')))).to.equal('ERR_CERT_MALFORMED');
    expect(codeOf(() => decodeCertificates(pki.root.certificate.subarray(0, 100)))).to.equal('ERR_CERT_MALFORMED');
    expect(codeOf(() => decodeCertificates(new Uint8Array([...pki.root.certificate, 0])))).to.equal('ERR_CERT_MALFORMED');
    expect(codeOf(() => decodeCertificates(new TextEncoder().encode('-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----\n')))).to.equal('ERR_PEM_MALFORMED');
    expect(codeOf(() => decodeCertificates(new TextEncoder().encode(crlPem(pki.crl))))).to.equal('ERR_PEM_MALFORMED');
    expect(codeOf(() => decodeCrls(pki.root.certificate))).to.equal('ERR_CRL_MALFORMED');
    expect(codeOf(() => decodeCrls(new Uint8Array(0)))).to.equal('ERR_CRL_MALFORMED');
  });

  it('when a certificate is summarized, then serial, fingerprint, names and dates match OpenSSL', async () => {
    const pki = await devPki();
    const der = pki.agencies[1]!.seal.identity.certificate;
    const s = summarizeCertificate(der);
    const r = openssl(['x509', '-noout', '-serial', '-fingerprint', '-sha256', '-enddate', '-subject', '-nameopt', 'RFC2253,-esc_msb'], Buffer.from(certPem(der)));
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`serial=${s.serialNumber.toUpperCase()}`);
    expect(r.stdout.replace(/:/g, '').toLowerCase()).to.contain(s.sha256);
    expect(s.sha256).to.equal(createHash('sha256').update(der).digest('hex'));
    const notAfter = /notAfter=(.*)/.exec(r.stdout)![1]!;
    expect(new Date(notAfter).toISOString()).to.equal(s.notAfter);
    expect(s.subject).to.equal('CN=Tổng cục Thuế (DEV), organizationIdentifier=000.00.18.G12, O=Bộ Tài chính (DEV), C=VN');
    expect(s.issuer).to.equal('CN=CA phục vụ các cơ quan Nhà nước G2 (DEV), O=Ban Cơ yếu Chính phủ (DEV), C=VN');
    expect(s.organizationIdentifier).to.equal('000.00.18.G12');
    expect(Object.isFrozen(s)).to.equal(true);
  });

  it('when the same certificate is parsed twice (DER, then PEM), then the cache returns the same parsed object', async () => {
    const pki = await devPki();
    const a = parseCertificate(pki.root.certificate);
    const b = parseCertificate(new TextEncoder().encode(encodePem('CERTIFICATE', pki.root.certificate)));
    expect(b).to.equal(a);
    expect(a.isCa).to.equal(true);
    expect(a.selfIssued).to.equal(true);
    expect(a.publicKey?.asymmetricKeyType).to.equal('rsa');
  });
});
