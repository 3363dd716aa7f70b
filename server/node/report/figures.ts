import { COUNTER_NAMES, HISTOGRAM_NAMES, type BucketCounts, type CounterName, type CounterTally, type HistogramName, type MonthlyCounters } from '../../domain/ports/node/index.js';
import { medianSeconds, mergeHistograms } from './duration-histogram.js';

/** Raw counters of one agency (or a sum of several) for one month. */
export type Tally = CounterTally;

/**
 * The figures of the monthly report (DOMAIN.md, Reporting; README "Monthly reports"), for documents whose
 * promulgation date falls in the month (Vietnam time). Ratios are fractions in [0, 1] rounded to 4 places,
 * null when the denominator is 0.
 */
export interface Figures {
  /** Outgoing documents sent and not recalled: the denominator of the outgoing ratios. */
  readonly outgoing: number;
  /** … of them with a valid personal signature and a valid agency seal (Decree 30/2020 Art. 5). */
  readonly signed: number;
  readonly signedRatio: number | null;
  /** … of them sent only electronically (edXML Bussiness/Paper = 0). */
  readonly fullyElectronic: number;
  readonly fullyElectronicRatio: number | null;
  /** … of them carrying no PDF signature (informational documents). */
  readonly unsigned: number;
  /** Outgoing documents withdrawn after an agreed recall: counted apart, in no ratio. */
  readonly recalled: number;
  /** Incoming packages. */
  readonly inbound: number;
  /** … accepted with every signature TOTAL_PASSED. */
  readonly inboundVerified: number;
  /** … answered 02 on a definite failure. */
  readonly inboundRefused: number;
  /** … answered 02 because a signature was INDETERMINATE (kept apart: usually configuration, not forgery). */
  readonly inboundIndeterminate: number;
  /** inboundVerified / inbound. */
  readonly verifiedRatio: number | null;
  /** Median time from sending to a recipient's 01 (arrived), seconds, from the histogram (±9 %); null without data. */
  readonly medianSecondsToArrived: number | null;
  /** Median time from sending to a recipient's 03 (accepted), seconds (±9 %); null without data. */
  readonly medianSecondsToAccepted: number | null;
  /** How many recipient answers each median is read from. */
  readonly arrivedSamples: number;
  readonly acceptedSamples: number;
}

export const ZERO_TALLY: Tally = Object.freeze({
  counts: Object.freeze(Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Record<CounterName, number>),
  histograms: Object.freeze(Object.fromEntries(HISTOGRAM_NAMES.map((n) => [n, {}])) as Record<HistogramName, BucketCounts>),
});

export function tallyOf(c: MonthlyCounters): Tally {
  return { counts: Object.fromEntries(COUNTER_NAMES.map((n) => [n, c[n]])) as Record<CounterName, number>, histograms: c.histograms };
}

export function sumTallies(all: readonly Tally[]): Tally {
  const counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Record<CounterName, number>;
  for (const t of all) for (const n of COUNTER_NAMES) counts[n] += t.counts[n];
  const histograms = Object.fromEntries(HISTOGRAM_NAMES.map((n) => [n, mergeHistograms(all.map((t) => t.histograms[n]))])) as Record<HistogramName, BucketCounts>;
  return { counts, histograms };
}

export const ratio = (a: number, b: number): number | null => (b <= 0 ? null : Math.round((a / b) * 10_000) / 10_000);

const samples = (h: BucketCounts) => Object.values(h).reduce((a, b) => a + b, 0);

export function figuresOf(t: Tally): Figures {
  const c = t.counts;
  const outgoing = c.outgoing - c.recalled;
  return Object.freeze({
    outgoing,
    signed: c.signed,
    signedRatio: ratio(c.signed, outgoing),
    fullyElectronic: c.fullyElectronic,
    fullyElectronicRatio: ratio(c.fullyElectronic, outgoing),
    unsigned: c.unsigned,
    recalled: c.recalled,
    inbound: c.inbound,
    inboundVerified: c.inboundVerified,
    inboundRefused: c.inboundRefused,
    inboundIndeterminate: c.inboundIndeterminate,
    verifiedRatio: ratio(c.inboundVerified, c.inbound),
    medianSecondsToArrived: medianSeconds(t.histograms.toArrived),
    medianSecondsToAccepted: medianSeconds(t.histograms.toAccepted),
    arrivedSamples: samples(t.histograms.toArrived),
    acceptedSamples: samples(t.histograms.toAccepted),
  });
}
