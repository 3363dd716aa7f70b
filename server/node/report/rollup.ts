import type { AgencyCode } from '../../domain/agency/index.js';
import type { CounterTally, MonthlyRollup, TrendMonth } from '../../domain/ports/node/index.js';
import { COUNTER_NAMES, HISTOGRAM_NAMES, type BucketCounts, type CounterName, type HistogramName } from '../../domain/ports/node/index.js';
import { sumTallies, ZERO_TALLY } from './figures.js';
import { ancestorsOfCode } from './subtree.js';

/**
 * The subtree roll-ups implied by the counters of one month (what `applyContribution` keeps up as things
 * happen): for each agency with counters and each of its ancestors in the code hierarchy, the total over the
 * agency and everything below it, and for every code below it on the way to an agency with counters, that
 * code's own subtree total. Bucket counts of the duration histograms add up exactly, so a subtree's median is
 * read from the same buckets as a recount's. Ancestors come first (by level, then code), the order in which
 * live counting creates them in a month.
 */
export function rollupsOf(month: string, tallies: ReadonlyMap<AgencyCode, CounterTally>): readonly MonthlyRollup[] {
  const totals = new Map<AgencyCode, CounterTally[]>();
  const below = new Map<AgencyCode, Map<AgencyCode, CounterTally[]>>();
  for (const [code, t] of tallies) {
    const chain = [code, ...ancestorsOfCode(code)];
    chain.forEach((at, i) => {
      totals.set(at, [...(totals.get(at) ?? []), t]);
      const under = below.get(at) ?? new Map<AgencyCode, CounterTally[]>();
      for (const d of chain.slice(0, i)) under.set(d, [...(under.get(d) ?? []), t]);
      below.set(at, under);
    });
  }
  const level = (code: AgencyCode) => ancestorsOfCode(code).length;
  const order = [...totals].sort(([a], [b]) => level(a) - level(b) || (a < b ? -1 : a > b ? 1 : 0));
  return order.map(([code, all]) =>
    Object.freeze({
      agencyCode: code,
      month,
      total: all.length > 0 ? sumTallies(all) : ZERO_TALLY,
      descendants: new Map([...(below.get(code) ?? [])].map(([d, ts]) => [d, sumTallies(ts)])),
    }),
  );
}

/** The trend entries (counts only) of one month implied by its counters and their roll-ups ({@link rollupsOf}). */
export function trendsOf(month: string, tallies: ReadonlyMap<AgencyCode, CounterTally>, rollups: readonly MonthlyRollup[]): readonly TrendMonth[] {
  return rollups.map((r) => Object.freeze({ agencyCode: r.agencyCode, month, total: r.total.counts, own: (tallies.get(r.agencyCode) ?? ZERO_TALLY).counts }));
}

/** The entries of a roll-up for the codes one level below its agency: together they hold everything below it. */
export function childrenOf(rollup: MonthlyRollup): CounterTally[] {
  return [...rollup.descendants].filter(([code]) => ancestorsOfCode(code)[0] === rollup.agencyCode).map(([, t]) => t);
}

/**
 * The agency's own counters read from its roll-up: its total less its children's (counts and histogram buckets
 * are sums, so the difference is exact). Saves reading the counters collection, which FerretDB 1.24 scans.
 */
export function ownOf(rollup: MonthlyRollup): CounterTally {
  const kids = sumTallies(childrenOf(rollup));
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
