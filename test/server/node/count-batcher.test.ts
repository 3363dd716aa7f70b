import { expect } from 'chai';
import type mongoose from 'mongoose';
import { parseAgencyCode, type AgencyCode } from '../../../server/domain/agency/index.js';
import type { CounterRepository, CounterWrite, NodeDocument } from '../../../server/domain/ports/node/index.js';
import { INITIAL_DOCUMENT_STATE } from '../../../server/domain/status/index.js';
import { createLogger } from '../../../server/logger.js';
import { createCountBatcher } from '../../../server/node/count-batcher.js';
import { settlePendingCounts } from '../../../server/node/counting.js';
import { bucketOf } from '../../../server/node/report/duration-histogram.js';
import { connectDatabase } from '../../../storage/index.js';
import { createCounterRepository, createDocumentRepository, ensureNodeIndexes } from '../../../storage/node/index.js';
import { useDatabase } from '../../support/database.js';
import { sampleMetadata, sampleNodeDocument } from '../../support/node-document.js';

/** C under B under A (one province's tree); G22 a root of its own. */
const A = parseAgencyCode('000.00.00.H27');
const B = parseAgencyCode('000.00.01.H27');
const C = parseAgencyCode('000.01.01.H27');
const G22 = parseAgencyCode('000.00.00.G22');
const T0 = new Date('2026-11-20T03:00:00Z');
const MONTH = '2026-11';
const ARRIVED_MS = 90_000;

function document(id: string, agencyCode: AgencyCode, over: { inbox?: boolean; paper?: boolean; unsigned?: boolean; arrived?: boolean } = {}): NodeDocument {
  const peer = agencyCode === G22 ? A : G22;
  return sampleNodeDocument(T0, {
    id,
    agencyCode,
    box: over.inbox ? 'inbox' : 'outbox',
    dedupKey: `${over.inbox ? 'in' : 'out'}:${id}`,
    documentId: `${agencyCode},2026/11/20,${id}/UBND`,
    from: over.inbox ? peer : agencyCode,
    fromName: 'x',
    to: over.inbox ? [agencyCode] : [peer],
    metadata: sampleMetadata({ codeNumber: id, codeNotation: 'UBND', promulgationDate: '2026-11-20', paper: over.paper === true }),
    verification: { verdict: 'accepted', signatureLevel: over.unsigned ? 'unsigned' : 'signed', findings: [], verifiedAt: T0 },
    recipients: [
      {
        code: peer,
        name: peer,
        state: INITIAL_DOCUMENT_STATE,
        timeline: over.arrived ? [{ code: '01', from: peer, at: new Date(T0.getTime() + ARRIVED_MS), axisDocId: `${id}-01` }] : [],
      },
    ],
    countPending: true,
  });
}

/** Five documents of four agencies: what each stored counter, roll-up and trend must hold once they are counted. */
const WORKLOAD = () => [document('d1', C), document('d2', B, { paper: true, unsigned: true }), document('d3', A, { inbox: true }), document('d4', C, { arrived: true }), document('d5', G22)];
const zero = { outgoing: 0, signed: 0, fullyElectronic: 0, unsigned: 0, inbound: 0, inboundVerified: 0, inboundRefused: 0, inboundIndeterminate: 0, recalled: 0 };
const OWN: Record<string, typeof zero> = {
  [C]: { ...zero, outgoing: 2, signed: 2, fullyElectronic: 2 },
  [B]: { ...zero, outgoing: 1, unsigned: 1 },
  [A]: { ...zero, inbound: 1, inboundVerified: 1 },
  [G22]: { ...zero, outgoing: 1, signed: 1, fullyElectronic: 1 },
};
const C_HIST = { toArrived: { [bucketOf(ARRIVED_MS)]: 1 }, toAccepted: {} };
const NO_HIST = { toArrived: {}, toAccepted: {} };
const sum = (...cs: (typeof zero | undefined)[]) => Object.fromEntries(Object.keys(zero).map((k) => [k, cs.reduce((a, c) => a + c![k as keyof typeof zero], 0)]));

async function expectCounted(counters: CounterRepository): Promise<void> {
  for (const code of [A, B, C, G22]) {
    const c = await counters.get(code, MONTH);
    expect({ ...c, histograms: undefined }, `${code} counters`).to.deep.equal({ ...OWN[code], agencyCode: code, month: MONTH, histograms: undefined });
    expect(c.histograms, `${code} histograms`).to.deep.equal(code === C ? C_HIST : NO_HIST);
  }
  const ra = await counters.getRollup(A, MONTH);
  expect(ra.total, 'A total').to.deep.equal({ counts: sum(OWN[A], OWN[B], OWN[C]), histograms: C_HIST });
  expect([...ra.descendants.keys()].sort(), 'A rows').to.deep.equal([B, C].sort());
  expect(ra.descendants.get(B), 'A → B').to.deep.equal({ counts: sum(OWN[B], OWN[C]), histograms: C_HIST });
  expect(ra.descendants.get(C), 'A → C').to.deep.equal({ counts: sum(OWN[C]), histograms: C_HIST });
  const rb = await counters.getRollup(B, MONTH);
  expect(rb.total, 'B total').to.deep.equal({ counts: sum(OWN[B], OWN[C]), histograms: C_HIST });
  expect([...rb.descendants.keys()], 'B rows').to.deep.equal([C]);
  const rc = await counters.getRollup(C, MONTH);
  expect(rc.total, 'C total').to.deep.equal({ counts: sum(OWN[C]), histograms: C_HIST });
  expect((await counters.getRollup(G22, MONTH)).total.counts, 'G22 total').to.deep.equal(OWN[G22]);
  const trends = { [A]: sum(OWN[A], OWN[B], OWN[C]), [B]: sum(OWN[B], OWN[C]), [C]: sum(OWN[C]), [G22]: sum(OWN[G22]) };
  for (const code of [A, B, C, G22]) {
    const [t] = await counters.getTrend(code, MONTH, MONTH);
    expect(t, `${code} trend`).to.deep.equal({ agencyCode: code, month: MONTH, total: trends[code], own: OWN[code] });
  }
}

class Crash extends Error {}

describe('server/node count batcher: documents counted together, exactly once @db', function () {
  this.timeout(60_000);
  const db = useDatabase();
  let clock = T0;
  const logger = createLogger({ level: 'silent' });
  const depsOf = (connection: mongoose.Connection, counters?: CounterRepository) => ({
    documents: createDocumentRepository(connection),
    counters: counters ?? createCounterRepository(connection),
    now: () => clock,
    logger,
  });
  beforeEach(async () => {
    clock = T0;
    await db.connection().dropDatabase();
    await ensureNodeIndexes(db.connection());
  });

  it('when documents of several agencies are queued, then one batch adds each sum into every counter, roll-up and trend of every ancestor, and clears every document', async () => {
    const real = createCounterRepository(db.connection());
    const batches: number[] = [];
    const counters: CounterRepository = { ...real, applyBatch: (writes) => (batches.push(writes.length), real.applyBatch(writes)) };
    const deps = depsOf(db.connection(), counters);
    const batcher = createCountBatcher(deps, { windowMs: 10_000 });
    for (const d of WORKLOAD()) {
      await deps.documents.insert(d);
      batcher.submit(d.id, d);
    }
    await batcher.drain();
    expect(batches, 'one batch for the five documents').to.have.length(1);
    await expectCounted(real);
    for (const d of WORKLOAD()) {
      const back = (await deps.documents.findById(d.id))!;
      expect(back.countPending, d.id).to.equal(false);
      expect(back.countedKeys, d.id).to.deep.equal(d.id === 'd4' ? ['d4:sent', `d4:t01:${G22}`] : [`${d.id}:${d.box === 'inbox' ? 'received' : 'sent'}`]);
    }
    // Queued again (a redelivery, a retried request): nothing is counted twice.
    for (const d of WORKLOAD()) batcher.submit(d.id);
    await batcher.drain();
    await expectCounted(real);
  });

  it('when the process dies in the middle of a batch or before recording it, then the reconciler replays it and counts nothing twice', async () => {
    const real = createCounterRepository(db.connection());
    let crash: 'middle' | 'after' | null = 'middle';
    const counters: CounterRepository = {
      ...real,
      applyBatch: async (writes: readonly CounterWrite[]) => {
        if (crash === 'middle') {
          // Some stored documents written, the others not.
          await real.applyBatch(writes.filter((_, i) => i % 2 === 0));
          throw new Crash('died in the middle of the batch');
        }
        const r = await real.applyBatch(writes);
        if (crash === 'after') throw new Crash('died before recording the batch');
        return r;
      },
    };
    const deps = depsOf(db.connection(), counters);
    const batcher = createCountBatcher(deps, { windowMs: 10_000 });
    const docs = WORKLOAD();
    for (const d of docs.slice(0, 3)) {
      await deps.documents.insert(d);
      batcher.submit(d.id, d);
    }
    await batcher.drain();
    crash = 'after';
    for (const d of docs.slice(3)) {
      await deps.documents.insert(d);
      batcher.submit(d.id, d);
    }
    // d1 half applied, then d1..d3 and d4, d5 fully applied but none recorded.
    batcher.submit('d1');
    await batcher.drain();
    for (const d of docs) expect((await deps.documents.findById(d.id))!.countPending, d.id).to.equal(true);

    crash = null;
    clock = new Date(T0.getTime() + 120_000);
    expect(await settlePendingCounts(deps, 60_000)).to.equal(5);
    expect(await settlePendingCounts(deps, 60_000)).to.equal(0);
    await expectCounted(real);
  });

  it('when a second process counts the same documents at the same time, then each is counted once', async () => {
    const other = await connectDatabase({ uri: db.uri(), dbName: db.dbName() });
    try {
      const first = depsOf(db.connection());
      const second = depsOf(other);
      const batchers = [createCountBatcher(first, { windowMs: 10_000 }), createCountBatcher(second, { windowMs: 10_000 })];
      for (const d of WORKLOAD()) await first.documents.insert(d);
      // Both processes hold their own copy of every document (as after a retried request) and count at once,
      // while the reconciler of the second one replays them too.
      for (const d of WORKLOAD()) for (const b of batchers) b.submit(d.id, d);
      clock = new Date(T0.getTime() + 120_000);
      await Promise.all([...batchers.map((b) => b.drain()), settlePendingCounts(second, 60_000)]);
      await expectCounted(first.counters);
      for (const d of WORKLOAD()) expect((await first.documents.findById(d.id))!.countPending, d.id).to.equal(false);
    } finally {
      await other.close();
    }
  });
});
