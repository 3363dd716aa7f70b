import type { AgencyCode } from '../../domain/agency/index.js';
import { COUNTER_NAMES, HISTOGRAM_NAMES, type CounterName, type HistogramName } from '../../domain/ports/node/index.js';
import { contributionsOf, reportMonthOf, settleCounts } from '../counting.js';
import type { NodeDeps } from '../deps.js';
import { mergeHistograms } from './duration-histogram.js';
import type { Tally } from './figures.js';
import { rollupsOf } from './rollup.js';

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
}

const sameTally = (a: Tally, b: Tally) => COUNTER_NAMES.every((n) => a.counts[n] === b.counts[n]) && HISTOGRAM_NAMES.every((n) => JSON.stringify(Object.entries(a.histograms[n]).sort()) === JSON.stringify(Object.entries(b.histograms[n]).sort()));

/**
 * `lienthong report rebuild --month`: settles the documents of the month that still owe the counters (as the
 * reconciler would), recounts the month from the stored documents, and overwrites each agency's counters with
 * the recount (zero for an agency with counters but no documents). Safe to repeat. A document counted at the
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
  // The roll-ups follow from the recount: every one the recount implies, and zero for any other stored this month.
  const want = new Map(rollupsOf(month, recount).map((r) => [r.agencyCode, r]));
  const rolled = [...new Set<AgencyCode>([...want.keys(), ...(await deps.counters.rollupAgenciesOf(month))])];
  const haves = await deps.counters.getRollups(rolled.map((agencyCode) => ({ agencyCode, month })));
  const rollupsCorrected: AgencyCode[] = [];
  for (const [i, code] of rolled.entries()) {
    const r = want.get(code) ?? { agencyCode: code, month, total: zero, children: new Map() };
    const have = haves[i]!;
    const sameChildren = [...new Set([...have.children.keys(), ...r.children.keys()])].every((c) => sameTally(have.children.get(c) ?? zero, r.children.get(c) ?? zero));
    if (!sameTally(have.total, r.total) || !sameChildren) rollupsCorrected.push(code);
    await deps.counters.replaceRollup(r);
  }
  deps.logger.info({ month, agencies: agencies.size, settled, corrected: corrected.length, rollupsCorrected: rollupsCorrected.length }, 'monthly counters rebuilt from the documents');
  return Object.freeze({ month, agencies: agencies.size, settled, corrected, rollupsCorrected });
}
