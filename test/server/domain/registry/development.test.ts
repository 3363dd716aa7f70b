import { expect } from 'chai';
import { agencyLevel, isAgencyCode, parentAgencyCode } from '../../../../server/domain/agency/index.js';
import { childrenOf, developmentAgencies } from '../../../../server/domain/registry/index.js';

describe('development registry', () => {
  const agencies = developmentAgencies();

  it('when listed, then every code is valid and unique, and each parent is listed before its child', () => {
    const seen = new Set<string>();
    for (const a of agencies) {
      expect(isAgencyCode(a.code), a.code).to.equal(true);
      expect(seen.has(a.code), a.code).to.equal(false);
      expect(a.parentCode).to.equal(parentAgencyCode(a.code));
      if (a.parentCode !== null) expect(seen.has(a.parentCode), `${a.code} parent`).to.equal(true);
      seen.add(a.code);
    }
  });
  it('when the checked agencies are looked up, then they are present with their parents', () => {
    const by = new Map(agencies.map((a) => [a.code as string, a]));
    for (const c of ['000.00.00.G22', '000.00.00.G12', '000.00.00.G09', '000.00.00.H49', '000.00.00.H27']) {
      expect(by.get(c)?.parentCode, c).to.equal(null);
    }
    expect(by.get('000.00.18.G12')?.parentCode).to.equal('000.00.00.G12');
    expect(by.get('000.00.01.H27')?.name).to.equal('Sở Nội vụ tỉnh Hà Tĩnh');
  });
  it('when children of Hà Tĩnh are derived, then they are its level-2 departments', () => {
    const kids = childrenOf(agencies, agencies.find((a) => a.code === '000.00.00.H27')!.code);
    expect(kids.length).to.be.greaterThanOrEqual(3);
    for (const k of kids) expect(agencyLevel(k.code)).to.equal(2);
  });
  it('when the list is mutated, then it refuses', () => {
    expect(() => (agencies as unknown as unknown[]).push({})).to.throw(TypeError);
  });
});
