import { expect } from 'chai';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { applyContribution } from '../../../server/node/counting.js';
import { monthlyReport } from '../../../server/node/report/monthly-report.js';
import { createCounterRepository, createHostedAgencyRepository, ensureNodeIndexes } from '../../../storage/node/index.js';
import { useDatabase } from '../../support/database.js';

describe('server/node monthly report, rolled up the code hierarchy @db', () => {
  const db = useDatabase();
  const province = parseAgencyCode('000.00.00.H27');
  const department = parseAgencyCode('000.00.05.H27');
  const commune = parseAgencyCode('000.07.05.H27');
  const other = parseAgencyCode('000.00.00.H49');
  const now = () => new Date('2026-11-20T03:00:00Z');

  it('when departments under a province have counters, then the province report includes them and other provinces stay out', async () => {
    await ensureNodeIndexes(db.connection());
    const counters = createCounterRepository(db.connection());
    let n = 0;
    const add = (code: typeof province, month: string, by: Parameters<typeof counters.apply>[3]) => applyContribution({ counters }, code, month, { key: `doc-${++n}:sent`, by });
    const agencies = createHostedAgencyRepository(db.connection());
    for (const code of [province, department, commune, other]) await agencies.upsert({ code, name: code, now: now() });
    await add(province, '2026-11', { outgoing: 4, signed: 3, fullyElectronic: 4, inbound: 2, inboundVerified: 2 });
    await add(department, '2026-11', { outgoing: 6, signed: 6, fullyElectronic: 5, inbound: 2, inboundVerified: 1 });
    await add(commune, '2026-11', { outgoing: 2, signed: 0, fullyElectronic: 1, unsigned: 2 });
    await add(other, '2026-11', { outgoing: 100, signed: 100 });
    // an agreed recall of one of the department's signed electronic documents
    await add(department, '2026-11', { recalled: 1, signed: -1, fullyElectronic: -1 });
    await add(province, '2026-10', { outgoing: 50 });

    const r = await monthlyReport({ counters, agencies, now }, { userId: 'u', agencyCode: province, roles: ['auditor'] });
    expect(r.month).to.equal('2026-11');
    expect(r).to.include({ outgoing: 4, signed: 3, registered: 4 });
    expect(r.ratios).to.deep.equal({ signed: 0.75, fullyElectronic: 1, verifiedInbound: 1 });
    expect([...r.rollup.agencies].sort()).to.deep.equal([province, department, commune].sort());
    expect(r.rollup).to.include({ outgoing: 12, recalled: 1, registered: 11, signed: 8, fullyElectronic: 9, inbound: 4, inboundVerified: 3 });
    expect(r.rollup.ratios).to.deep.equal({ signed: 0.7273, fullyElectronic: 0.8182, verifiedInbound: 0.75 });

    const dep = await monthlyReport({ counters, agencies, now }, { userId: 'u', agencyCode: department, roles: ['admin'] }, '2026-11');
    expect([...dep.rollup.agencies].sort()).to.deep.equal([department, commune].sort());
    expect(dep.rollup).to.include({ outgoing: 8, registered: 7, signed: 5 });
  });

  it('when a month has nothing, then the ratios are null rather than a division by zero', async () => {
    const counters = createCounterRepository(db.connection());
    const agencies = createHostedAgencyRepository(db.connection());
    const r = await monthlyReport({ counters, agencies, now }, { userId: 'u', agencyCode: other, roles: ['clerk'] }, '2025-01');
    expect(r.ratios).to.deep.equal({ signed: null, fullyElectronic: null, verifiedInbound: null });
  });
});
