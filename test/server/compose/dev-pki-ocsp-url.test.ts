import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { encodePem, parseCertificate } from '../../../crypto/index.js';
import { developmentOcspUrl, loadOrCreateDevelopmentPki } from '../../../server/compose/dev-pki.js';
import { createLogger } from '../../../server/logger.js';
import { createTestClock } from '../../support/clock.js';

const SECRET = 'dev-pki-ocsp-url-secret-0123456789abcdef';
const AGENCIES = [{ code: '000.00.00.G12', name: 'Bộ Tài chính' }];

/** OpenSSL's own reading of a certificate's authorityInfoAccess. */
function opensslText(dir: string, name: string, der: Uint8Array): string {
  const file = join(dir, `${name}.pem`);
  writeFileSync(file, encodePem('CERTIFICATE', der));
  return execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
}

describe('server/compose development PKI: certificates name the axis OCSP responder (AIA id-ad-ocsp) when its URL is known', function () {
  this.timeout(60_000);
  const clock = createTestClock();
  const logger = createLogger({ level: 'silent' });
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dev-pki-ocsp-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('when the service knows its axis URL, then the development OCSP URL is that axis, else this server at HOST:PORT, and unknown with PORT=0', () => {
    expect(developmentOcspUrl({ role: 'node', axisUrl: 'http://axis.example:8080', host: '127.0.0.1', port: 9000 })).to.equal('http://axis.example:8080/axis/v1/ocsp');
    expect(developmentOcspUrl({ role: 'all', host: '0.0.0.0', port: 8080 })).to.equal('http://127.0.0.1:8080/axis/v1/ocsp');
    expect(developmentOcspUrl({ role: 'axis', host: '::1', port: 8081 })).to.equal('http://[::1]:8081/axis/v1/ocsp');
    expect(developmentOcspUrl({ role: 'all', host: '127.0.0.1', port: 0 })).to.equal(undefined);
    expect(developmentOcspUrl({ role: 'node', host: '127.0.0.1', port: 8080 })).to.equal(undefined);
  });

  it('when the PKI is made with an OCSP URL, then openssl shows it in the end-entity certificates (not in the responder own one), a restart keeps the PKI, another URL makes a new one', async () => {
    const dataDir = join(dir, 'data');
    const url = 'http://127.0.0.1:8080/axis/v1/ocsp';
    const pki = await loadOrCreateDevelopmentPki({ dataDir, secret: SECRET, agencies: AGENCIES, now: clock(), logger, ocspUrl: url, keyType: 'p256' });
    for (const [name, der] of [
      ['seal', pki.agencies[0]!.seal.identity.certificate],
      ['person', pki.agencies[0]!.person.identity.certificate],
      ['tsa', pki.tsa.identity.certificate],
    ] as const) {
      const text = opensslText(dir, name, der);
      expect(text, name).to.contain('Authority Information Access');
      expect(text, name).to.contain(`OCSP - URI:${url}`);
      expect(parseCertificate(der).ocspUrls).to.deep.equal([url]);
    }
    expect(opensslText(dir, 'responder', pki.ocsp.identity.certificate)).to.not.contain('OCSP - URI:');

    const again = await loadOrCreateDevelopmentPki({ dataDir, secret: SECRET, agencies: AGENCIES, now: clock(), logger, ocspUrl: url, keyType: 'p256' });
    expect(Buffer.from(again.root.certificate).equals(Buffer.from(pki.root.certificate)), 'the same PKI after a restart').to.equal(true);

    const moved = await loadOrCreateDevelopmentPki({ dataDir, secret: SECRET, agencies: AGENCIES, now: clock(), logger, ocspUrl: 'http://127.0.0.1:9090/axis/v1/ocsp', keyType: 'p256' });
    expect(Buffer.from(moved.root.certificate).equals(Buffer.from(pki.root.certificate)), 'a new PKI for the new URL').to.equal(false);
    expect(parseCertificate(moved.agencies[0]!.seal.identity.certificate).ocspUrls).to.deep.equal(['http://127.0.0.1:9090/axis/v1/ocsp']);

    const none = await loadOrCreateDevelopmentPki({ dataDir: join(dir, 'no-url'), secret: SECRET, agencies: AGENCIES, now: clock(), logger, keyType: 'p256' });
    expect(opensslText(dir, 'plain', none.agencies[0]!.seal.identity.certificate)).to.not.contain('OCSP - URI:');
  });
});
