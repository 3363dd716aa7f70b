import type { AgencyCode } from '../../domain/agency/index.js';
import { COUNTER_NAMES, HISTOGRAM_NAMES, type CounterName, type HistogramName } from '../../domain/ports/node/index.js';
import { contributionsOf, reportMonthOf, settleCounts } from '../counting.js';
import type { NodeDeps } from '../deps.js';
import { mergeHistograms } from './duration-histogram.js';
import type { Tally } from './figures.js';
import { rollupsOf, trendsOf } from './rollup.js';

const PAGE = 500;

function emptyTally(): { counts: Record<CounterName, number>; histograms: Record<HistogramName, Record<number, number>> } {
  return {
    counts: Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Record<CounterName, number>,
    histograms: Object.fromEntries(HISTOGRAM_NAMES.map((n) => [n, {}])) as Record<HistogramName, Record<number, number>>,
  };
}

/**
 * What the counters of `month` should hold, recomputed from the stored documents: the sum of every
 * contribution each document owes in its present state (the same {@link contributionsOf} the live count
 * applies), per agency. Reads documents in pages by id.
 */
export async function recountMonth(deps: Pick<NodeDeps, 'documents'>, month: string): Promise<ReadonlyMap<AgencyCode, Tally>> {
  const out = new Map<AgencyCode, ReturnType<typeof emptyTally>>();
  for (let after: string | null = null; ;) {
    const page = await deps.documents.listForRecount(month, after, PAGE);
    for (const doc of page) {
      if (reportMonthOf(doc) !== month) continue;
      let t = out.get(doc.agencyCode);
      if (!t) out.set(doc.agencyCode, (t = emptyTally()));
      for (const c of contributionsOf(doc)) {
        for (const [k, v] of Object.entries(c.by)) t.counts[k as CounterName] += v ?? 0;
        for (const name of HISTOGRAM_NAMES) {
          const h = c.histograms?.[name];
          if (h) t.histograms[name] = mergeHistograms([t.histograms[name], h]) as Record<number, number>;
        }
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  return out;
}

export interface RebuildResult {
  readonly month: string;
  /** Agencies whose counters were written (those with documents, and those whose counters are now zero). */
  readonly agencies: number;
  /** Documents that still owed a contribution and were settled first. */
  readonly settled: number;
  /** Agencies whose stored counters differed from the recount before the rewrite. */
  readonly corrected: readonly AgencyCode[];
  /** Agencies whose subtree roll-up (total or a child's entry) differed from the recount before the rewrite. */
  readonly rollupsCorrected: readonly AgencyCode[];
  /** Agencies whose trend entry for the month (subtree total or own counts) differed from the recount. */
  readonly trendsCorrected: readonly AgencyCode[];
}

const sameTally = (a: Tally, b: Tally) => COUNTER_NAMES.every((n) => a.counts[n] === b.counts[n]) && HISTOGRAM_NAMES.every((n) => JSON.stringify(Object.entries(a.histograms[n]).sort()) === JSON.stringify(Object.entries(b.histograms[n]).sort()));

/**
 * `lienthong report rebuild --month`: settles the documents of the month that still owe the counters (as the
 * reconciler would), recounts the month from the stored documents, and overwrites each agency's counters, its
 * subtree roll-up and its trend entry for the month with the recount (zero for an agency with any of them but no
 * documents). Safe to repeat. A document counted at the
 * same moment by a live node may be off by its own contribution until the next rebuild: run it when quiet.
 */
export async function rebuildMonthCounters(deps: Pick<NodeDeps, 'documents' | 'counters' | 'now' | 'logger'>, month: string): Promise<RebuildResult> {
  let settled = 0;
  for (let after: string | null = null; ;) {
    const page = await deps.documents.listForRecount(month, after, PAGE);
    for (const doc of page) {
      if (doc.countPending && reportMonthOf(doc) === month) {
        await settleCounts(deps, doc.id);
        settled++;
      }
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  const recount = await recountMonth(deps, month);
  const agencies = new Set<AgencyCode>([...recount.keys(), ...(await deps.counters.agenciesOf(month))]);
  const zero = emptyTally();
  const corrected: AgencyCode[] = [];
  for (const code of [...agencies].sort()) {
    const want = recount.get(code) ?? zero;
    const have = await deps.counters.get(code, month);
    if (!sameTally({ counts: have, histograms: have.histograms }, want)) corrected.push(code);
    await deps.counters.replace(code, month, want.counts, want.histograms);
  }
  // The roll-ups and the trend month follow from the recount: every one the recount implies, and zero for any
  // other stored this month.
  const wanted = rollupsOf(month, recount);
  const want = new Map(wanted.map((r) => [r.agencyCode, r]));
  const haves = new Map((await deps.counters.listRollups(month)).map((r) => [r.agencyCode, r]));
  const rollupsCorrected: AgencyCode[] = [];
  for (const code of [...new Set<AgencyCode>([...want.keys(), ...haves.keys()])].sort()) {
    const r = want.get(code) ?? { agencyCode: code, month, total: zero, descendants: new Map() };
    const have = haves.get(code) ?? { agencyCode: code, month, total: zero, descendants: new Map() };
    const sameBelow = [...new Set([...have.descendants.keys(), ...r.descendants.keys()])].every((c) => sameTally(have.descendants.get(c) ?? zero, r.descendants.get(c) ?? zero));
    if (!sameTally(have.total, r.total) || !sameBelow) rollupsCorrected.push(code);
    await deps.counters.replaceRollup(r);
  }
  const wantTrends = new Map(trendsOf(month, recount, wanted).map((t) => [t.agencyCode, t]));
  const haveTrends = new Map((await deps.counters.listTrends(month)).map((t) => [t.agencyCode, t]));
  const trendsCorrected: AgencyCode[] = [];
  const sameCounts = (a: Readonly<Record<CounterName, number>>, b: Readonly<Record<CounterName, number>>) => COUNTER_NAMES.every((n) => a[n] === b[n]);
  for (const code of [...new Set<AgencyCode>([...wantTrends.keys(), ...haveTrends.keys()])].sort()) {
    const t = wantTrends.get(code) ?? { agencyCode: code, month, total: zero.counts, own: zero.counts };
    const have = haveTrends.get(code) ?? { total: zero.counts, own: zero.counts };
    if (!sameCounts(have.total, t.total) || !sameCounts(have.own, t.own)) trendsCorrected.push(code);
    await deps.counters.replaceTrend(t);
  }
  deps.logger.info({ month, agencies: agencies.size, settled, corrected: corrected.length, rollupsCorrected: rollupsCorrected.length, trendsCorrected: trendsCorrected.length }, 'monthly counters rebuilt from the documents');
  return Object.freeze({ month, agencies: agencies.size, settled, corrected, rollupsCorrected, trendsCorrected });
}
