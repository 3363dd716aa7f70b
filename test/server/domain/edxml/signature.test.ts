import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDevelopmentPki, encodePem } from '../../../../crypto/index.js';
import type { DevelopmentPki } from '../../../../crypto/index.js';
import { isDomainError } from '../../../../server/domain/errors.js';
import { buildEdocPackage, signPackage, verifyPackageSignature } from '../../../../server/domain/edxml/index.js';
import { fullPackage } from './fixtures.js';

const NOW = new Date('2026-01-15T03:00:00Z');

describe('package signature (detached CMS beside the package)', function () {
  this.timeout(60_000);
  let pki: DevelopmentPki;
  let pkg: Uint8Array;
  let signature: Uint8Array;
  let dir: string;

  before(async () => {
    pki = await createDevelopmentPki({
      now: NOW,
      agencies: [
        { code: '000.00.00.H27', name: 'Ủy ban nhân dân tỉnh Hà Tĩnh (DEV)' },
        { code: '000.00.00.G12', name: 'Bộ Tài chính (DEV)' },
      ],
    });
    pkg = buildEdocPackage(fullPackage());
    signature = await signPackage(pkg, pki.agencies[0]!.seal.identity, NOW);
    dir = mkdtempSync(join(tmpdir(), 'lienthong-sig-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const options = () => ({ trustAnchors: [pki.root.certificate], crls: [pki.crl], now: NOW });

  it('when the sender signs a package, then it verifies TOTAL_PASSED, bound to the sender’s registered certificate', async () => {
    const report = await verifyPackageSignature(pkg, signature, { ...options(), expectedSigners: [pki.agencies[0]!.seal.identity.certificate] });
    expect(report.indication).to.equal('TOTAL_PASSED');
    expect(report.intact && report.valid && report.trusted).to.equal(true);
    expect(report.digestAlgorithm).to.match(/SHA-?256/i);
    expect(report.claimedSigningTime).to.equal(NOW.toISOString());
  });
  it('when OpenSSL verifies the detached signature over the package bytes, then it succeeds', () => {
    writeFileSync(join(dir, 'p.edxml'), pkg);
    writeFileSync(join(dir, 'p.p7s'), signature);
    writeFileSync(join(dir, 'root.pem'), encodePem('CERTIFICATE', pki.root.certificate));
    const run = (content: string) =>
      spawnSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'p.p7s'), '-content', join(dir, content), '-CAfile', join(dir, 'root.pem'), '-purpose', 'any', '-attime', String(Math.floor(NOW.getTime() / 1000)), '-out', '/dev/null'],
        { encoding: 'utf8' },
      );
    const ok = run('p.edxml');
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.stderr).to.contain('Verification successful');
    writeFileSync(join(dir, 'other.edxml'), buildEdocPackage({ ...fullPackage(), Attachments: [] }));
    expect(run('other.edxml').status).to.not.equal(0);
  });
  it('when one byte of the package changes, then the report says not intact (HASH_FAILURE)', async () => {
    const changed = pkg.slice();
    const at = changed.length - 20;
    changed[at] = (changed[at] as number) ^ 1;
    const report = await verifyPackageSignature(changed, signature, options());
    expect(report.indication).to.equal('TOTAL_FAILED');
    expect(report.subIndication).to.equal('HASH_FAILURE');
    expect(report.intact).to.equal(false);
  });
  it('when the signer is not a certificate the registry binds to the sender, then the binding check fails', async () => {
    const report = await verifyPackageSignature(pkg, signature, { ...options(), expectedSigners: [pki.agencies[1]!.seal.identity.certificate] });
    expect(report.indication).to.not.equal('TOTAL_PASSED');
    expect(report.checks.find((c) => c.name === 'signer-binding')?.passed).to.equal(false);
  });
  it('when no trust anchor is given, then the signature is not trusted', async () => {
    const report = await verifyPackageSignature(pkg, signature, { trustAnchors: [], crls: [pki.crl], now: NOW });
    expect(report.indication).to.equal('INDETERMINATE');
    expect(report.trusted).to.equal(false);
  });
  it('when the signature is not CMS at all, then ERR_PACKAGE_SIGNATURE_INVALID', async () => {
    let code: string | undefined;
    try {
      await verifyPackageSignature(pkg, new TextEncoder().encode('not a signature'), options());
    } catch (e) {
      code = isDomainError(e) ? e.code : String(e);
    }
    expect(code).to.equal('ERR_PACKAGE_SIGNATURE_INVALID');
  });
});
