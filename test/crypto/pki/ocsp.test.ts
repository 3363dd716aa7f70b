import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { issueCertificate, parseCertificate, parseOcspResponse, validateChain, type DevelopmentPki } from '../../../crypto/index.js';
import { certPem, DAY, devPki, HOUR, openssl, scratch, spareKey } from './fixtures.js';
import { opensslNow } from '../../support/openssl-clock.js';

/** OpenSSL's responder stamps its answers with its own clock, so these tests live on that clock. */
const NOW = opensslNow();

function opensslTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

describe('crypto/pki OCSP in validateChain', function () {
  this.timeout(60_000);
  let pki: DevelopmentPki;
  const tmp = scratch();
  before(async () => {
    pki = await devPki('rsa2048');
  });
  after(() => tmp.cleanup());

  async function leaf(name: string): Promise<Uint8Array> {
    const key = await spareKey(`ocsp-${name}`);
    return issueCertificate({
      subject: { CN: `OCSP ${name} (DEV)`, C: 'VN' },
      publicKey: key.publicKey,
      issuer: pki.issuingCa,
      notBefore: new Date(NOW.getTime() - 20 * HOUR),
      notAfter: new Date(NOW.getTime() + 30 * DAY),
      ocspUrl: 'http://ocsp.lienthong.invalid',
    });
  }

  /** Has OpenSSL's responder (`openssl ocsp -index`) answer for `cert`. */
  function respond(cert: Uint8Array, opts: { revokedAt?: Date; signer?: { certificate: Uint8Array; privateKey: KeyObject } }): Uint8Array {
    const c = parseCertificate(cert);
    const serial = (c.serialNumber.length % 2 ? `0${c.serialNumber}` : c.serialNumber).toUpperCase();
    const line = opts.revokedAt
      ? `R\t${opensslTime(c.notAfter)}\t${opensslTime(opts.revokedAt)},keyCompromise\t${serial}\tunknown\t/CN=x\n`
      : `V\t${opensslTime(c.notAfter)}\t\t${serial}\tunknown\t/CN=x\n`;
    const index = tmp.file('index.txt', line);
    const caPem = tmp.file('ca.pem', certPem(pki.issuingCa.certificate));
    const signer = opts.signer ?? pki.issuingCa;
    const req = `${tmp.dir}/req.der`;
    const resp = `${tmp.dir}/resp.der`;
    let r = openssl(['ocsp', '-issuer', caPem, '-sha256', '-cert', tmp.file('leaf.pem', certPem(cert)), '-no_nonce', '-reqout', req]);
    expect(r.status, r.stderr).to.equal(0);
    r = openssl([
      'ocsp', '-index', index, '-CA', caPem,
      '-rsigner', tmp.file('rsigner.pem', certPem(signer.certificate)),
      '-rkey', tmp.file('rkey.pem', signer.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
      '-reqin', req, '-respout', resp, '-ndays', '1',
    ]);
    expect(r.status, r.stderr).to.equal(0);
    return new Uint8Array(readFileSync(resp));
  }

  const base = () => ({ intermediates: [pki.issuingCa.certificate], trustAnchors: [pki.root.certificate], crls: [], at: NOW, purpose: 'signature' as const });

  it('when OpenSSL answers good, then the chain passes on OCSP alone', async () => {
    const l = await leaf('good');
    const resp = respond(l, {});
    expect(parseOcspResponse(resp).responses).to.have.length(1);
    const r = validateChain({ ...base(), leaf: l, ocspResponses: [resp] });
    expect(r.ok, r.reason).to.equal(true);
    expect(r.checks.at(-1)!.detail).to.contain('OCSP response');
  });

  it('when no OCSP response is supplied for a certificate with an OCSP location, then TRY_LATER', async () => {
    expect(validateChain({ ...base(), leaf: await leaf('none') }).subIndication).to.equal('TRY_LATER');
  });

  it('when OpenSSL answers revoked before `at`, then REVOKED; at a time before the revocation it passes', async () => {
    const l = await leaf('revoked');
    const revokedAt = new Date(NOW.getTime() - 2 * HOUR);
    const resp = respond(l, { revokedAt });
    expect(validateChain({ ...base(), leaf: l, ocspResponses: [resp] }).subIndication).to.equal('REVOKED');
    expect(validateChain({ ...base(), leaf: l, ocspResponses: [resp], at: new Date(revokedAt.getTime() - HOUR) }).ok).to.equal(true);
  });

  it('when a delegated responder with id-kp-OCSPSigning signs, then it is accepted; without that purpose, then TRY_LATER', async () => {
    const l = await leaf('delegated');
    const rk = await spareKey('responder');
    const mk = (eku: string[] | undefined) =>
      issueCertificate({
        subject: { CN: 'OCSP responder (DEV)', C: 'VN' },
        publicKey: rk.publicKey,
        issuer: pki.issuingCa,
        notBefore: new Date(NOW.getTime() - 20 * HOUR),
        notAfter: new Date(NOW.getTime() + DAY),
        keyUsage: ['digitalSignature'],
        ...(eku ? { extendedKeyUsage: eku } : {}),
      });
    const good = respond(l, { signer: { certificate: mk(['1.3.6.1.5.5.7.3.9']), privateKey: rk.privateKey } });
    const r = validateChain({ ...base(), leaf: l, ocspResponses: [good] });
    expect(r.ok, r.reason).to.equal(true);
    const bad = respond(l, { signer: { certificate: mk(undefined), privateKey: rk.privateKey } });
    const r2 = validateChain({ ...base(), leaf: l, ocspResponses: [bad] });
    expect(r2.subIndication).to.equal('TRY_LATER');
    expect(r2.reason).to.contain('not authorized');
  });

  it('when the OCSP response answers for another certificate, then it is not used: TRY_LATER', async () => {
    const other = respond(await leaf('other'), {});
    expect(validateChain({ ...base(), leaf: await leaf('mine'), ocspResponses: [other] }).subIndication).to.equal('TRY_LATER');
  });
});
