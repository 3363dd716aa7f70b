import { ancestorsOf, type AgencyCode } from '../../domain/agency/index.js';
import type { CounterTally, MonthlyRollup } from '../../domain/ports/node/index.js';
import { COUNTER_NAMES, HISTOGRAM_NAMES, type BucketCounts, type CounterName, type HistogramName } from '../../domain/ports/node/index.js';
import { sumTallies, ZERO_TALLY } from './figures.js';

/**
 * The subtree roll-ups implied by the counters of one month (what `applyContribution` keeps up as things
 * happen): for each agency with counters and each of its ancestors in the code hierarchy, the total over the
 * agency and everything below it, and per child code one level down, that child's total. Bucket counts of the
 * duration histograms add up exactly, so a subtree's median is read from the same buckets as a recount's.
 * Ancestors come first (by level, then code), the order in which live counting creates them in a month.
 */
export function rollupsOf(month: string, tallies: ReadonlyMap<AgencyCode, CounterTally>): readonly MonthlyRollup[] {
  const totals = new Map<AgencyCode, CounterTally[]>();
  const children = new Map<AgencyCode, Map<AgencyCode, CounterTally[]>>();
  for (const [code, t] of tallies) {
    const chain = [code, ...ancestorsOf(code)];
    chain.forEach((at, i) => {
      totals.set(at, [...(totals.get(at) ?? []), t]);
      if (i === 0) return;
      const kids = children.get(at) ?? new Map<AgencyCode, CounterTally[]>();
      kids.set(chain[i - 1]!, [...(kids.get(chain[i - 1]!) ?? []), t]);
      children.set(at, kids);
    });
  }
  const level = (code: AgencyCode) => ancestorsOf(code).length;
  const order = [...totals].sort(([a], [b]) => level(a) - level(b) || (a < b ? -1 : a > b ? 1 : 0));
  return order.map(([code, all]) =>
    Object.freeze({
      agencyCode: code,
      month,
      total: all.length > 0 ? sumTallies(all) : ZERO_TALLY,
      children: new Map([...(children.get(code) ?? [])].map(([child, ts]) => [child, sumTallies(ts)])),
    }),
  );
}

/**
 * The agency's own counters read from its roll-up: its total less its children's (counts and histogram buckets
 * are sums, so the difference is exact). Saves reading the counters collection, which FerretDB 1.24 scans.
 */
export function ownOf(rollup: MonthlyRollup): CounterTally {
  const kids = sumTallies([...rollup.children.values()]);
  const counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, rollup.total.counts[n] - kids.counts[n]])) as Record<CounterName, number>;
  const histograms = Object.fromEntries(
    HISTOGRAM_NAMES.map((name) => {
      const h: Record<number, number> = {};
      for (const [b, v] of Object.entries(rollup.total.histograms[name])) {
        const left = v - (kids.histograms[name][Number(b)] ?? 0);
        if (left) h[Number(b)] = left;
      }
      return [name, h as BucketCounts];
    }),
  ) as Record<HistogramName, BucketCounts>;
  return { counts, histograms };
}
