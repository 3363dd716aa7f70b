import { expect } from 'chai';
import { createDevelopmentPki, encodePem, parseCertificate, type DevelopmentPki } from '../../../crypto/index.js';
import { developmentSeed } from '../../../server/compose/axis.js';
import { developmentAgencies } from '../../../server/domain/registry/index.js';
import type { AxisServices } from '../../../server/axis/index.js';
import { isDomainError } from '../../../server/domain/errors.js';
import { useDatabase } from '../../support/database.js';
import { AGENCIES, G12, H27, TAX, agencyOf, axisOn, seedAll, secretOf, testPki } from './fixtures.js';
import { testClock } from '../../support/clock.js';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isDomainError(e) ? e.code : `uncoded: ${String(e)}`;
  }
  return undefined;
}

describe('server/axis registry use cases @db', () => {
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServices;

  before(async () => {
    pki = await testPki();
    axis = (await axisOn(db.connection(), pki)).services;
  });

  it('when the development registry is seeded twice, then the second run changes nothing', async () => {
    const first = await seedAll(axis, pki);
    expect(first).to.deep.equal({ created: AGENCIES.length, certificatesBound: AGENCIES.length, secretsSet: AGENCIES.length });
    const second = await seedAll(axis, pki);
    expect(second).to.deep.equal({ created: 0, certificatesBound: 0, secretsSet: 0 });
    const all = await axis.listAgencies({ page: 1, pageSize: 100 });
    expect(all.total).to.equal(AGENCIES.length);
    const tax = await axis.showAgency(TAX);
    expect(tax.agency.parentCode).to.equal(G12);
    expect((await axis.showAgency(G12)).children.map((c) => c.code)).to.deep.equal([TAX]);
  });

  it('when a child is registered before its parent, or with a parent other than the code says, then it is refused', async () => {
    expect(await codeOf(axis.registerAgency({ code: '000.01.05.H49', name: 'Xã thử' }))).to.equal('ERR_AGENCY_UNKNOWN');
    expect(await codeOf(axis.registerAgency({ code: '000.00.05.H49', name: 'Sở thử', parentCode: '000.00.00.H27' }))).to.equal('ERR_VALIDATION');
    expect(await codeOf(axis.registerAgency({ code: '000.00.05.h49', name: 'Sở thử' }))).to.equal('ERR_AGENCY_CODE_INVALID');
    const ok = await axis.registerAgency({ code: '000.00.05.H49', name: 'Sở Tài chính (DEV)' });
    expect(ok.parentCode).to.equal('000.00.00.H49');
  });

  it('when a real code with a gap (001.00.99.H49) is registered with a registered ancestor as its pcode, then that is its parent; a non-ancestor is refused', async () => {
    // its derived parent 000.00.99.H49 is not registered: without a pcode it cannot be placed
    expect(await codeOf(axis.registerAgency({ code: '001.00.99.H49', name: 'Phòng thử' }))).to.equal('ERR_AGENCY_UNKNOWN');
    expect(await codeOf(axis.registerAgency({ code: '001.00.99.H49', name: 'Phòng thử', parentCode: '000.00.00.H27' }))).to.equal('ERR_VALIDATION');
    const ok = await axis.registerAgency({ code: '001.00.99.H49', name: 'Phòng thử (DEV)', parentCode: '000.00.00.H49' });
    expect(ok.parentCode).to.equal('000.00.00.H49');
    expect((await axis.showAgency('000.00.00.H49')).children.map((c) => c.code)).to.include('001.00.99.H49');
  });

  it('when a certificate bound to one agency is bound to another, then ERR_CONFLICT', async () => {
    const g12Seal = agencyOf(pki, G12).seal.identity.certificate;
    expect(await codeOf(axis.bindCertificate({ code: H27, certificate: g12Seal }))).to.equal('ERR_CONFLICT');
    expect((await axis.showAgency(H27)).agency.certificates.map((c) => c.sha256)).to.not.include((await axis.showAgency(G12)).agency.certificates[0]!.sha256);
  });

  it('when a CA certificate or garbage is bound, then ERR_VALIDATION', async () => {
    expect(await codeOf(axis.bindCertificate({ code: H27, certificate: pki.issuingCa.certificate }))).to.equal('ERR_VALIDATION');
    expect(await codeOf(axis.bindCertificate({ code: H27, certificate: new Uint8Array([1, 2, 3]) }))).to.equal('ERR_VALIDATION');
  });

  it('when a certificate is revoked and replaced, then the old one is revoked for good and the new one is active (PEM accepted)', async () => {
    const person = agencyOf(pki, H27).person.identity.certificate;
    const pem = new TextEncoder().encode(encodePem('CERTIFICATE', person));
    const bound = await axis.bindCertificate({ code: H27, certificate: pem });
    expect(bound.changed).to.equal(true);
    expect((await axis.bindCertificate({ code: H27, certificate: person })).changed).to.equal(false);
    const sealFp = bound.record.certificates.find((c) => c.sha256 !== bound.certificate.sha256)!.sha256;
    const revoked = await axis.revokeCertificate({ code: H27, sha256: bound.certificate.sha256 });
    expect(revoked.record.certificates.find((c) => c.sha256 === bound.certificate.sha256)?.status).to.equal('revoked');
    expect((await axis.revokeCertificate({ code: H27, sha256: bound.certificate.sha256 })).changed).to.equal(false);
    expect(await codeOf(axis.bindCertificate({ code: H27, certificate: person }))).to.equal('ERR_CONFLICT');
    expect(await codeOf(axis.revokeCertificate({ code: H27, sha256: 'ab'.repeat(32) }))).to.equal('ERR_NOT_FOUND');
    const seal = agencyOf(pki, H27).seal.identity.certificate;
    expect(await codeOf(axis.replaceCertificate({ code: H27, oldSha256: sealFp, certificate: seal }))).to.equal('ERR_VALIDATION');
    // key rollover: one write revokes the seal and binds the new certificate
    const next = agencyOf(pki, TAX).person.identity.certificate;
    const replaced = await axis.replaceCertificate({ code: H27, oldSha256: sealFp, certificate: next });
    expect(replaced.changed).to.equal(true);
    expect(replaced.record.version).to.equal(revoked.record.version + 1);
    const states = Object.fromEntries((await axis.showAgency(H27)).agency.certificates.map((c) => [c.sha256, c.status]));
    expect(states[sealFp]).to.equal('revoked');
    expect(Object.values(states).filter((s) => s === 'active')).to.have.length(1);
  });

  it('when a secret is set, then only its scrypt hash is stored and the old secret and its tokens stop working', async () => {
    const old = await axis.authenticateSystem({ systemId: TAX, secret: secretOf(TAX) });
    expect((await axis.verifyToken(old.accessToken)).agencyCode).to.equal(TAX); // checked once: cached
    await axis.setSecret({ code: TAX, secret: 'a-brand-new-secret-123456' });
    expect(await codeOf(axis.verifyToken(old.accessToken))).to.equal('ERR_UNAUTHENTICATED');
    const raw = await db.connection().collection('axis_agencies').findOne({ code: TAX });
    expect(String(raw?.secretHash)).to.match(/^scrypt\$/);
    expect(JSON.stringify(raw)).to.not.include('a-brand-new-secret-123456');
    expect(await codeOf(axis.authenticateSystem({ systemId: TAX, secret: secretOf(TAX) }))).to.equal('ERR_UNAUTHENTICATED');
    const token = await axis.authenticateSystem({ systemId: TAX, secret: 'a-brand-new-secret-123456' });
    expect((await axis.verifyToken(token.accessToken)).agencyCode).to.equal(TAX);
    expect(await codeOf(axis.setSecret({ code: TAX, secret: 'short' }))).to.equal('ERR_VALIDATION');
  });
});

describe('server/compose/axis developmentSeed: the whole development registry @db', () => {
  const db = useDatabase();

  it('when the development registry is seeded from a development PKI twice, then every agency is there once with its seal bound', async function () {
    this.timeout(60_000);
    const agencies = developmentAgencies();
    const devPki = await createDevelopmentPki({ now: testClock(), keyType: 'p256', agencies: agencies.map((a) => ({ code: a.code, name: a.name })) });
    const { services } = await axisOn(db.connection(), devPki);
    const seed = developmentSeed(devPki, (code) => `dev-${code}-secret-0123456789`);
    expect(await services.seedDevelopmentRegistry({ agencies: seed })).to.deep.equal({ created: agencies.length, certificatesBound: agencies.length * 2, secretsSet: agencies.length }); // a seal and a demo leader each
    expect(await services.seedDevelopmentRegistry({ agencies: seed })).to.deep.equal({ created: 0, certificatesBound: 0, secretsSet: 0 });
    const ward = await services.showAgency('000.01.21.H49');
    expect(ward.agency.parentCode).to.equal('000.00.21.H49');
    expect(ward.agency.certificates[0]?.sha256).to.equal(parseCertificate(agencyOf(devPki, '000.01.21.H49').seal.identity.certificate).sha256);
    expect((await services.showAgency('000.00.00.H49')).children.map((c) => c.code)).to.deep.equal(['000.00.01.H49', '000.00.03.H49', '000.00.07.H49', '000.00.21.H49']);
  });
});
