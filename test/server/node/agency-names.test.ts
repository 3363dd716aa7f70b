import { expect } from 'chai';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import type { AxisGateway } from '../../../server/domain/ports/node/index.js';
import { AGENCY_NAME_TTL_MS, agencyNameOf } from '../../../server/node/agency-names.js';
import { createTestClock } from '../../support/clock.js';

const SELF = parseAgencyCode('000.00.00.G22');
const H27 = parseAgencyCode('000.00.00.H27');
const NEW = parseAgencyCode('000.00.00.H49');

/** The registry side of an axis gateway, counting lookups; `registered` can change between calls. */
function registryGateway(registered: Map<string, string>): AxisGateway & { lookups: number } {
  const g = {
    lookups: 0,
    async getAgency(_as: unknown, code: string) {
      g.lookups++;
      const name = registered.get(code);
      return name ? { code, name, parentCode: null, certificates: [] } : null;
    },
  };
  return g as unknown as AxisGateway & { lookups: number };
}

describe('server/node recipient names from a registry cache', () => {
  it('when the same recipient is named twice within the TTL, then the axis is asked once, and again after it', async () => {
    const now = createTestClock();
    const registered = new Map([[H27, 'Ủy ban nhân dân tỉnh Hà Tĩnh']]);
    const axis = registryGateway(registered);
    expect(await agencyNameOf(axis, SELF, H27, now())).to.equal('Ủy ban nhân dân tỉnh Hà Tĩnh');
    registered.set(H27, 'UBND tỉnh Hà Tĩnh');
    expect(await agencyNameOf(axis, SELF, H27, now())).to.equal('Ủy ban nhân dân tỉnh Hà Tĩnh');
    expect(axis.lookups).to.equal(1);
    now.advance(AGENCY_NAME_TTL_MS + 1);
    expect(await agencyNameOf(axis, SELF, H27, now())).to.equal('UBND tỉnh Hà Tĩnh');
    expect(axis.lookups).to.equal(2);
  });

  it('when a code is unknown, then it is not remembered: registered a moment later, it is found', async () => {
    const now = createTestClock();
    const registered = new Map<string, string>();
    const axis = registryGateway(registered);
    expect(await agencyNameOf(axis, SELF, NEW, now())).to.equal(null);
    registered.set(NEW, 'Ủy ban nhân dân tỉnh Quảng Ninh');
    expect(await agencyNameOf(axis, SELF, NEW, now())).to.equal('Ủy ban nhân dân tỉnh Quảng Ninh');
  });
});
