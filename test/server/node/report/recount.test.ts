import { expect } from 'chai';
import { parseAgencyCode, type AgencyCode } from '../../../../server/domain/agency/index.js';
import type { CounterRepository, CounterTally as Tally, NodeDocument } from '../../../../server/domain/ports/node/index.js';
import { INITIAL_DOCUMENT_STATE } from '../../../../server/domain/status/index.js';
import { createLogger } from '../../../../server/logger.js';
import { settleCounts, settlePendingCounts } from '../../../../server/node/counting.js';
import type { NodeDeps } from '../../../../server/node/deps.js';
import { applyStatus } from '../../../../server/node/receive/receive-delivery.js';
import { rebuildMonthCounters, recountMonth } from '../../../../server/node/report/rebuild-counters.js';
import { createCounterRepository, createDocumentRepository, ensureNodeIndexes } from '../../../../storage/node/index.js';
import { createTestClock } from '../../../support/clock.js';
import { useDatabase } from '../../../support/database.js';

const A = parseAgencyCode('000.00.00.H27');
const B = parseAgencyCode('000.00.01.H27');
/** Below B: A's roll-up holds B's and C's subtree totals, B's holds C's. */
const C = parseAgencyCode('000.01.01.H27');
const R1 = parseAgencyCode('000.00.00.G22');
const R2 = parseAgencyCode('000.00.00.H49');

/** Seeded generator (mulberry32): the same workload on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Crash extends Error {}

describe('server/node/report: counters equal a recount after a randomized workload with crashes @db', function () {
  this.timeout(120_000);
  const db = useDatabase();
  const clock = createTestClock();
  const month = clock.month();

  it('when sends, receptions, refusals, 01/03 answers and recalls are cut short at random, then after the reconciler the counters equal the recount, and rebuild repairs damage', async () => {
    await ensureNodeIndexes(db.connection());
    const rnd = seeded(20261120);
    // Crashes are drawn from generators of their own, so the workload drawn from `rnd` does not depend on them.
    const crashRnd = seeded(7);
    const rollupRnd = seeded(13);
    let rollupCrashes = 0;
    let trendCrashes = 0;
    const documents = createDocumentRepository(db.connection());
    const real = createCounterRepository(db.connection());
    let crashRate = 0.25;
    // A crash between steps: the process dies before or just after the counter writes of a count, or in the
    // middle of them (some of the batch's counter, roll-up and trend documents written, the others not).
    const counters: CounterRepository = {
      ...real,
      applyBatch: async (writes) => {
        if (crashRnd() < crashRate / 2) throw new Crash('died before the counter writes');
        if (rollupRnd() < crashRate) {
          const kept = writes.filter(() => rollupRnd() < 0.5);
          if (writes.some((w) => w.target === 'rollup' && !kept.includes(w))) rollupCrashes++;
          if (writes.some((w) => w.target === 'trend' && !kept.includes(w))) trendCrashes++;
          await real.applyBatch(kept);
          throw new Crash('died in the middle of the counter writes');
        }
        const r = await real.applyBatch(writes);
        if (crashRnd() < crashRate / 2) throw new Crash('died after the counter writes');
        return r;
      },
    };
    const deps = { documents, counters, now: clock, logger: createLogger({ level: 'silent' }) } as unknown as NodeDeps;
    const survive = async (step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (e) {
        if (!(e instanceof Crash)) throw e;
      }
    };
    const ids: string[] = [];
    const day = `${month}-${String(1 + Math.floor(rnd() * 27)).padStart(2, '0')}`;
    for (let i = 0; i < 30; i++) {
      const id = `w${i}`;
      const pick = rnd();
      const agency: AgencyCode = pick < 0.4 ? A : pick < 0.7 ? B : C;
      const inbox = rnd() < 0.35;
      const refused = inbox && rnd() < 0.4;
      const indication = rnd() < 0.5 ? 'INDETERMINATE' : 'TOTAL_FAILED';
      const doc: NodeDocument = {
        id,
        agencyCode: agency,
        box: inbox ? 'inbox' : 'outbox',
        dedupKey: `${inbox ? 'in' : 'out'}:${id}`,
        documentId: `${agency},${day.replace(/-/g, '/')},${i}/UBND`,
        from: inbox ? R1 : agency,
        fromName: 'x',
        to: inbox ? [agency] : [R1, R2],
        metadata: {
          subject: 's',
          codeNumber: String(i),
          codeNotation: 'UBND',
          promulgationDate: day,
          promulgationPlace: 'Hà Tĩnh',
          documentType: { type: 1, typeName: 'Công văn' },
          signer: { fullName: 'A' },
          priority: 0,
          paper: rnd() < 0.2,
          toPlaces: [],
          responseFor: [],
          bussinessDocType: 0,
        },
        file: { blobId: null, name: 'a.pdf', size: 1, sha256: 'x' },
        packageBlobId: 'p',
        signatureBlobId: 's',
        verification: {
          verdict: refused ? 'refused' : 'accepted',
          signatureLevel: refused ? 'unsigned' : rnd() < 0.8 ? 'signed' : 'unsigned',
          verifiedAt: clock(),
          findings: refused ? [{ kind: 'pdf', indication, checks: [] }] : [],
        },
        recipients: (inbox ? [agency] : [R1, R2]).map((code) => ({ code, name: code, state: INITIAL_DOCUMENT_STATE, timeline: [] })),
        recalled: false,
        outgoing: [],
        dispatchDue: null,
        dispatchLease: null,
        appliedDeliveries: [],
        countPending: true,
        countedKeys: [],
        version: 1,
        createdAt: clock(),
        updatedAt: clock(),
      };
      await documents.insert(doc);
      ids.push(id);
      await survive(() => settleCounts(deps, id, doc));
      if (inbox) continue;
      // The recipients answer: 01 (or 02), then maybe 03; some recalls agreed (13 → 15) by both.
      let n = 0;
      for (const r of [R1, R2]) {
        clock.advance(Math.floor(rnd() * 600_000));
        const first = rnd() < 0.85 ? '01' : '02';
        await survive(() => applyStatus(deps, agency, { docId: `${id}-${r}-${++n}`, type: 'status' } as never, first, r, doc.documentId));
        if (first === '01' && rnd() < 0.6) {
          clock.advance(Math.floor(rnd() * 7_200_000));
          await survive(() => applyStatus(deps, agency, { docId: `${id}-${r}-${++n}`, type: 'status' } as never, '03', r, doc.documentId));
        }
      }
      if (rnd() < 0.2) {
        // An agreed recall: the write that marks it also marks the count owed (as applyStatus does), then the count.
        const d = (await documents.findById(id))!;
        const marked = await documents.update(id, d.version, { recalled: true, countPending: true, updatedAt: clock() });
        if (marked) await survive(() => settleCounts(deps, id, marked));
      }
    }

    crashRate = 0;
    clock.advance(120_000);
    for (let pass = 0; pass < 5 && (await settlePendingCounts(deps, 60_000)) > 0; pass++) clock.advance(1);
    const recount = await recountMonth(deps, month);
    expect([...recount.keys()].sort()).to.deep.equal([A, B, C].sort());
    let histogramEntries = 0;
    for (const [code, want] of recount) {
      const have = await real.get(code, month);
      for (const [k, v] of Object.entries(want.counts)) expect(have[k as keyof typeof want.counts], `${code} ${k}`).to.equal(v);
      expect(have.histograms, code).to.deep.equal(want.histograms);
      histogramEntries += Object.values(want.histograms.toArrived).reduce((a, b) => a + b, 0);
    }
    // The roll-ups and trends equal the recount summed up the code hierarchy (C under B under A; H27 has nothing
    // above A): A's total is A + B + C, its entries B + C and C; B's total B + C, its entry C; C's total C.
    const sum = (...ts: NonNullable<ReturnType<typeof recount.get>>[]) => ({
      counts: Object.fromEntries(Object.keys(ts[0]!.counts).map((k) => [k, ts.reduce((a, t) => a + t.counts[k as keyof typeof t.counts], 0)])),
      histograms: Object.fromEntries(
        Object.keys(ts[0]!.histograms).map((h) => {
          const out: Record<number, number> = {};
          for (const t of ts) for (const [b, v] of Object.entries(t.histograms[h as keyof typeof t.histograms])) out[Number(b)] = (out[Number(b)] ?? 0) + v;
          return [h, out];
        }),
      ),
    });
    const [a, b, c] = [A, B, C].map((code) => recount.get(code)!) as [Tally, Tally, Tally];
    const expected = [
      {
        code: A,
        total: sum(a, b, c),
        below: new Map([
          [B, sum(b, c)],
          [C, sum(c)],
        ]),
        own: a,
      },
      { code: B, total: sum(b, c), below: new Map([[C, sum(c)]]), own: b },
      { code: C, total: sum(c), below: new Map(), own: c },
    ];
    const rollups = new Map((await real.listRollups(month)).map((r) => [r.agencyCode, r]));
    expect([...rollups.keys()].sort()).to.deep.equal([A, B, C].sort());
    const trendFrom = `${month.slice(0, 4)}-01`;
    for (const e of expected) {
      const r = await real.getRollup(e.code, month);
      expect(r.total, `${e.code} total`).to.deep.equal(e.total);
      expect([...r.descendants.keys()].sort(), `${e.code} rows`).to.deep.equal([...e.below.keys()].sort());
      for (const [d, t] of e.below) expect(r.descendants.get(d), `${e.code} → ${d}`).to.deep.equal(t);
      expect(rollups.get(e.code), `${e.code} listed`).to.deep.equal(r);
      const trend = await real.getTrend(e.code, trendFrom, month);
      expect(trend.at(-1), `${e.code} trend`).to.deep.equal({ agencyCode: e.code, month, total: e.total.counts, own: e.own.counts });
      for (const other of trend.slice(0, -1))
        expect(
          Object.values(other.total).every((v) => v === 0),
          `${e.code} ${other.month}`,
        ).to.equal(true);
    }

    // The workload did exercise every kind of contribution.
    const total = (k: 'outgoing' | 'recalled' | 'inboundRefused' | 'inboundIndeterminate' | 'inboundVerified') => [...recount.values()].reduce((a, t) => a + t.counts[k], 0);
    expect(total('outgoing')).to.be.greaterThan(8);
    expect(total('inboundRefused') + total('inboundIndeterminate')).to.be.greaterThan(2);
    expect(total('inboundIndeterminate')).to.be.greaterThan(0);
    expect(histogramEntries).to.be.greaterThan(8);
    expect(rollupCrashes).to.be.greaterThan(2);
    expect(trendCrashes).to.be.greaterThan(2);

    // Damage a counter, a roll-up's row of a grandchild and a trend (a lost write, a doubled one): rebuild puts
    // the recount back.
    const rollA = await real.getRollup(A, month);
    const trendB = await real.getTrend(B, month, month);
    await real.apply(A, month, 'stray', { outgoing: 7, signed: 3 });
    await real.applyRollup(A, month, 'stray', [C, B], { inbound: 2 }, { toAccepted: { 3: 1 } });
    await real.applyTrend(B, month, 'stray', true, { outgoing: 1 });
    const rebuilt = await rebuildMonthCounters({ ...deps, counters: real }, month);
    expect(rebuilt.corrected).to.deep.equal([A]);
    expect(rebuilt.rollupsCorrected).to.deep.equal([A]);
    expect(rebuilt.trendsCorrected).to.deep.equal([B]);
    expect(await real.getRollup(A, month)).to.deep.equal(rollA);
    expect(await real.getTrend(B, month, month)).to.deep.equal(trendB);
    const back = await real.get(A, month);
    expect(back.outgoing).to.equal(recount.get(A)!.counts.outgoing);
    expect(back.histograms).to.deep.equal(recount.get(A)!.histograms);
    const again = await rebuildMonthCounters({ ...deps, counters: real }, month);
    expect([again.corrected, again.rollupsCorrected, again.trendsCorrected]).to.deep.equal([[], [], []]);
  });
});
