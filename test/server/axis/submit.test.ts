import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePem, issueCrl, parseCertificate, type DevelopmentPki } from '../../../crypto/index.js';
import type { AxisDeps, AxisServices } from '../../../server/axis/index.js';
import { isDomainError } from '../../../server/domain/errors.js';
import { useDatabase } from '../../support/database.js';
import { snapshot } from '../http/axis/support.js';
import { G12, G22, H27, H49, agencyOf, axisOn, edocBytes, sealSign, seedAll, statusBytes, testPki } from './fixtures.js';
import { createTestClock, testClock } from '../../support/clock.js';
import { opensslNow } from '../../support/openssl-clock.js';

async function codeAndDetails(p: Promise<unknown>): Promise<{ code?: string; details?: Readonly<Record<string, unknown>> }> {
  try {
    await p;
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, ...(e.details ? { details: e.details } : {}) };
    throw e;
  }
  return {};
}

/** Signs with OpenSSL (an independent CMS implementation) using the agency's seal key. */
function opensslSign(pki: DevelopmentPki, code: string, content: Uint8Array, md: 'sha1' | 'sha256'): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'axis-openssl-'));
  try {
    const seal = agencyOf(pki, code).seal;
    writeFileSync(join(dir, 'in'), content);
    writeFileSync(join(dir, 'cert.pem'), encodePem('CERTIFICATE', seal.identity.certificate));
    writeFileSync(join(dir, 'ca.pem'), encodePem('CERTIFICATE', pki.issuingCa.certificate));
    writeFileSync(join(dir, 'key.pem'), encodePem('PRIVATE KEY', seal.privateKeyPkcs8));
    const r = spawnSync(
      'openssl',
      ['cms', '-sign', '-binary', '-md', md, '-in', join(dir, 'in'), '-signer', join(dir, 'cert.pem'), '-inkey', join(dir, 'key.pem'), '-certfile', join(dir, 'ca.pem'), '-outform', 'DER', '-out', join(dir, 'sig'), '-nosmimecap'],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    return new Uint8Array(readFileSync(join(dir, 'sig')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('server/axis submitPackage: races, repairs and half-writes @db', () => {
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServices;
  let deps: AxisDeps;

  before(async () => {
    pki = await testPki();
    ({ services: axis, deps } = await axisOn(db.connection(), pki));
    await seedAll(axis, pki);
  });

  it('when the same package is sent twice at the same moment, then one submission, one blob, one docId', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22, G12] });
    const signature = await sealSign(pki, H27, bytes);
    const before = await snapshot(db.connection());
    const input = { principal: { agencyCode: H27 }, type: 'edoc' as const, packageBytes: bytes, signature };
    const results = await Promise.all([axis.submitPackage(input), axis.submitPackage(input), axis.submitPackage(input)]);
    expect(new Set(results.map((r) => r.docId)).size).to.equal(1);
    expect(results.filter((r) => !r.duplicate)).to.have.length(1);
    const after = await snapshot(db.connection());
    expect(after.submissions - before.submissions).to.equal(1);
    expect(after.files - before.files).to.equal(1);
    expect(after.deliveries - before.deliveries).to.equal(2);
  });

  it('when a crash left a submission without its deliveries, then the resend creates them and marks it queued', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const signature = await sealSign(pki, H27, bytes);
    const input = { principal: { agencyCode: H27 }, type: 'edoc' as const, packageBytes: bytes, signature };
    const first = await axis.submitPackage(input);
    await db.connection().collection('axis_deliveries').deleteMany({ docId: first.docId });
    await db
      .connection()
      .collection('axis_submissions')
      .updateOne({ docId: first.docId }, { $set: { state: 'accepted' } });
    const again = await axis.submitPackage(input);
    expect(again).to.include({ docId: first.docId, duplicate: true });
    expect((await deps.deliveries.find(first.docId, G22))?.state).to.equal('pending');
    expect((await deps.packages.findByDocId(first.docId))?.state).to.equal('queued');
    const hops = (await deps.trace.listByDocId(first.docId)).map((e) => e.event);
    expect(hops).to.deep.equal(['submitted', 'queued']); // the repair did not duplicate hops
  });

  it('when the submission write fails, then the blob written before it is removed', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const signature = await sealSign(pki, H27, bytes);
    const injected = new Error('disk full');
    const failing = (
      await axisOn(db.connection(), pki, {
        packages: { ...deps.packages, insert: async () => Promise.reject(injected) },
      })
    ).services;
    const before = await snapshot(db.connection());
    let caught: unknown;
    try {
      await failing.submitPackage({ principal: { agencyCode: H27 }, type: 'edoc', packageBytes: bytes, signature });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.equal(injected);
    expect(await snapshot(db.connection())).to.deep.equal(before);
  });

  it('when OpenSSL signs the package with SHA-256, then the axis accepts it; with SHA-1, then ERR_PACKAGE_SIGNATURE_INVALID', async () => {
    // OpenSSL stamps the signing time from its own clock: the axis judges these packages on that clock.
    const at = opensslNow();
    const fresh = (issuer: DevelopmentPki['root']) => issueCrl({ issuer, revoked: [], thisUpdate: new Date(at.getTime() - 600_000), nextUpdate: new Date(at.getTime() + 86_400_000) });
    const axis = (await axisOn(db.connection(), pki, { now: createTestClock(new Date(at.getTime() + 1000)), crls: [fresh(pki.issuingCa), fresh(pki.root)] })).services;
    const good = edocBytes({ from: H27, to: [G22] }).bytes;
    const accepted = await axis.submitPackage({ principal: { agencyCode: H27 }, type: 'edoc', packageBytes: good, signature: opensslSign(pki, H27, good, 'sha256') });
    expect(accepted.duplicate).to.equal(false);
    const weak = edocBytes({ from: H27, to: [G22] }).bytes;
    const before = await snapshot(db.connection());
    const r = await codeAndDetails(axis.submitPackage({ principal: { agencyCode: H27 }, type: 'edoc', packageBytes: weak, signature: opensslSign(pki, H27, weak, 'sha1') }));
    expect(r.code).to.equal('ERR_PACKAGE_SIGNATURE_INVALID');
    expect(r.details?.failedCheck).to.equal('algorithm-policy');
    expect(await snapshot(db.connection())).to.deep.equal(before);
  });

  it('when the sender’s certificate is on the CA’s CRL, then ERR_PACKAGE_SIGNATURE_INVALID (REVOKED) and nothing is written', async () => {
    const seal = agencyOf(pki, H49).seal.identity.certificate;
    const now = testClock();
    const crl = issueCrl({
      issuer: pki.issuingCa,
      revoked: [{ serialNumber: parseCertificate(seal).serialNumber, revocationDate: new Date(now.getTime() - 30 * 60_000), reason: 'keyCompromise' }],
      thisUpdate: new Date(now.getTime() - 10 * 60_000),
      nextUpdate: new Date(now.getTime() + 86_400_000),
    });
    const strict = (await axisOn(db.connection(), pki, { crls: [crl, pki.rootCrl] })).services;
    const { bytes } = edocBytes({ from: H49, to: [G22] });
    const before = await snapshot(db.connection());
    const r = await codeAndDetails(strict.submitPackage({ principal: { agencyCode: H49 }, type: 'edoc', packageBytes: bytes, signature: await sealSign(pki, H49, bytes) }));
    expect(r.code).to.equal('ERR_PACKAGE_SIGNATURE_INVALID');
    expect(r.details?.subIndication).to.match(/REVOKED/);
    expect(await snapshot(db.connection())).to.deep.equal(before);
  });

  it('when the registry revokes the sender’s binding, then its next package is ERR_CERT_NOT_BOUND', async () => {
    const seal = agencyOf(pki, G12).seal.identity.certificate;
    await axis.revokeCertificate({ code: G12, sha256: parseCertificate(seal).sha256 });
    const { bytes } = edocBytes({ from: G12, to: [G22] });
    const r = await codeAndDetails(axis.submitPackage({ principal: { agencyCode: G12 }, type: 'edoc', packageBytes: bytes, signature: await sealSign(pki, G12, bytes) }));
    expect(r.code).to.equal('ERR_CERT_NOT_BOUND');
    expect(r.details?.failedCheck).to.equal('signer-binding');
  });
  it('when a status writes its Timestamp dd/MM/yyyy, then the axis accepts and routes it with EDXML_DATE_DAY_FIRST in its answer; our own packages carry no warning', async () => {
    const { bytes: edoc, documentId } = edocBytes({ from: H27, to: [G22] });
    const sent = await axis.submitPackage({ principal: { agencyCode: H27 }, type: 'edoc', packageBytes: edoc, signature: await sealSign(pki, H27, edoc) });
    expect(sent.warnings).to.deep.equal([]);
    const ours = new TextDecoder().decode(statusBytes({ from: G22, original: { sender: H27, documentId }, statusCode: '01' }));
    const dayFirst = ours.replace(/<edXML:Timestamp>(\d{4})\/(\d{2})\/(\d{2}) /, '<edXML:Timestamp>$3/$2/$1 ');
    expect(dayFirst).to.not.equal(ours);
    const bytes = new TextEncoder().encode(dayFirst);
    const r = await axis.submitPackage({ principal: { agencyCode: G22 }, type: 'status', packageBytes: bytes, signature: await sealSign(pki, G22, bytes) });
    expect(r).to.include({ type: 'status', duplicate: false });
    expect(r.recipients).to.deep.equal([H27]);
    expect(r.warnings).to.deep.equal(['EDXML_DATE_DAY_FIRST']);
  });
});
