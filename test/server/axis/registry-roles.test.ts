import { expect } from 'chai';
import { parseCertificate, type DevelopmentPki } from '../../../crypto/index.js';
import type { AxisServices } from '../../../server/axis/index.js';
import { isDomainError } from '../../../server/domain/errors.js';
import { signPackage } from '../../../server/domain/edxml/index.js';
import { useDatabase } from '../../support/database.js';
import { G12, H27, agencyOf, axisOn, edocBytes, seedAll, testPki } from './fixtures.js';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isDomainError(e) ? e.code : `uncoded: ${String(e)}`;
  }
  return undefined;
}

/** Issue 11 §3: the registry binds to each agency its seals and its people's personal certificates, each in its role. */
describe('server/axis registry: certificate roles (seal | person) @db', function () {
  this.timeout(120_000);
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServices;
  const sha = (der: Uint8Array) => parseCertificate(der).sha256;

  before(async () => {
    pki = await testPki();
    axis = (await axisOn(db.connection(), pki)).services;
    await seedAll(axis, pki);
  });

  it("when an agency registers its leader's certificate with its own credentials, then it is bound as person, shown with its role and found by its holder lookup", async () => {
    const person = agencyOf(pki, G12).person.identity.certificate;
    const r = await axis.registerPersonCertificate({ principal: { agencyCode: G12 }, code: G12, certificate: person });
    expect(r.changed).to.equal(true);
    expect(r.certificate.role).to.equal('person');
    const shown = (await axis.showAgency(G12)).agency.certificates.map((c) => [c.sha256, c.role]);
    expect(shown).to.deep.include([sha(person), 'person']);
    expect(shown).to.deep.include([sha(agencyOf(pki, G12).seal.identity.certificate), 'seal']);
    const holder = await axis.findCertificateHolder(sha(person));
    expect(holder.code).to.equal(G12);
    expect(holder.certificate.role).to.equal('person');
    expect((await axis.registerPersonCertificate({ principal: { agencyCode: G12 }, code: G12, certificate: person })).changed).to.equal(false);
  });

  it('when an agency registers a certificate for another agency, or a seal, or revokes its seal, then ERR_FORBIDDEN and nothing changes', async () => {
    const before = (await axis.showAgency(H27)).agency.version;
    const h27Person = agencyOf(pki, H27).person.identity.certificate;
    expect(await codeOf(axis.registerPersonCertificate({ principal: { agencyCode: G12 }, code: H27, certificate: h27Person }))).to.equal('ERR_FORBIDDEN');
    expect(await codeOf(axis.registerPersonCertificate({ principal: { agencyCode: H27 }, code: H27, certificate: h27Person, role: 'seal' }))).to.equal('ERR_FORBIDDEN');
    expect(await codeOf(axis.registerPersonCertificate({ principal: { agencyCode: H27 }, code: H27, certificate: h27Person, role: 'boss' }))).to.equal('ERR_VALIDATION');
    const seal = sha(agencyOf(pki, H27).seal.identity.certificate);
    expect(await codeOf(axis.revokePersonCertificate({ principal: { agencyCode: H27 }, code: H27, sha256: seal }))).to.equal('ERR_FORBIDDEN');
    expect((await axis.showAgency(H27)).agency.version).to.equal(before);
  });

  it('when a certificate bound as a seal is bound again as a person (or to another agency), then ERR_CONFLICT', async () => {
    const seal = agencyOf(pki, H27).seal.identity.certificate;
    expect(await codeOf(axis.bindCertificate({ code: H27, certificate: seal, role: 'person' }))).to.equal('ERR_CONFLICT');
    expect(await codeOf(axis.registerPersonCertificate({ principal: { agencyCode: G12 }, code: G12, certificate: seal }))).to.equal('ERR_CONFLICT');
  });

  it("when a package is signed with the sender's person certificate, then the axis refuses it: only a seal signs packages (ERR_CERT_NOT_BOUND)", async () => {
    const person = agencyOf(pki, H27).person;
    await axis.registerPersonCertificate({ principal: { agencyCode: H27 }, code: H27, certificate: person.identity.certificate });
    const { bytes } = edocBytes({ from: H27, to: [G12] });
    const signature = await signPackage(bytes, person.identity, new Date(parseCertificate(person.identity.certificate).notBefore.getTime() + 60_000));
    expect(await codeOf(axis.submitPackage({ principal: { agencyCode: H27 }, type: 'edoc', packageBytes: bytes, signature }))).to.equal('ERR_CERT_NOT_BOUND');
  });

  it("when an agency revokes its leader's certificate, then it stays bound as revoked, and the lookup still names its holder", async () => {
    const person = agencyOf(pki, H27).person.identity.certificate;
    await axis.registerPersonCertificate({ principal: { agencyCode: H27 }, code: H27, certificate: person });
    const r = await axis.revokePersonCertificate({ principal: { agencyCode: H27 }, code: H27, sha256: sha(person) });
    expect(r.record.certificates.find((c) => c.sha256 === sha(person))?.status).to.equal('revoked');
    const holder = await axis.findCertificateHolder(sha(person));
    expect(holder).to.deep.include({ code: H27 });
    expect(holder.certificate.status).to.equal('revoked');
    expect(await codeOf(axis.findCertificateHolder('00'.repeat(32)))).to.equal('ERR_NOT_FOUND');
  });
});
