import type { AgencyCode } from '../../agency/index.js';

/**
 * Monthly counters per agency, kept as things happen so a report needs no scan (ARCHITECTURE.md: Data).
 * `outgoing`: documents sent; `signed`: with valid person and agency signatures; `fullyElectronic`: Paper = 0;
 * `unsigned`: informational documents without signature; `inbound`: packages received; `inboundVerified`:
 * received with every signature valid; `inboundRefused`: answered 02 on a definite failure (a signature or
 * the package TOTAL_FAILED, a malformed or misaddressed package); `inboundIndeterminate`: answered 02 because
 * a signature could not be decided (ETSI EN 319 102-1 INDETERMINATE: usually configuration, not forgery);
 * `recalled`: outgoing documents withdrawn after an agreed recall.
 */
export type CounterName = 'outgoing' | 'signed' | 'fullyElectronic' | 'unsigned' | 'inbound' | 'inboundVerified' | 'inboundRefused' | 'inboundIndeterminate' | 'recalled';
export const COUNTER_NAMES: readonly CounterName[] = Object.freeze(['outgoing', 'signed', 'fullyElectronic', 'unsigned', 'inbound', 'inboundVerified', 'inboundRefused', 'inboundIndeterminate', 'recalled']);

/**
 * Duration histograms kept beside the counts (buckets of server/node/report/duration-histogram.ts):
 * `toArrived`: from sending an outgoing document to each recipient's 01; `toAccepted`: to each recipient's 03.
 */
export type HistogramName = 'toArrived' | 'toAccepted';
export const HISTOGRAM_NAMES: readonly HistogramName[] = Object.freeze(['toArrived', 'toAccepted']);

/** Sparse counts by bucket index. */
export type BucketCounts = Readonly<Record<number, number>>;

export type CounterIncrement = Partial<Record<CounterName, number>>;
export type HistogramIncrement = Partial<Record<HistogramName, BucketCounts>>;

export type MonthlyCounters = Readonly<Record<CounterName, number>> & {
  readonly agencyCode: AgencyCode;
  readonly month: string;
  readonly histograms: Readonly<Record<HistogramName, BucketCounts>>;
};

/** Counts and histograms of one agency, or of a sum of agencies, for one month. */
export interface CounterTally {
  readonly counts: Readonly<Record<CounterName, number>>;
  readonly histograms: Readonly<Record<HistogramName, BucketCounts>>;
}

/**
 * The subtree roll-up of (agency, month): `total` is the sum of the counters of the agency and of every agency
 * below it in the code hierarchy; `descendants` holds the same sum for each code below it, at any depth, that has
 * contributed (keyed by that code). One document holds every row of the agency's report, so a report reads it
 * once instead of summing the counters of every descendant (or reading the roll-up of every parent).
 */
export interface MonthlyRollup {
  readonly agencyCode: AgencyCode;
  readonly month: string;
  readonly total: CounterTally;
  readonly descendants: ReadonlyMap<AgencyCode, CounterTally>;
}

/** The counts (no histograms) of one agency for one month: its subtree total and its own counters. */
export interface TrendMonth {
  readonly agencyCode: AgencyCode;
  readonly month: string;
  readonly total: Readonly<Record<CounterName, number>>;
  readonly own: Readonly<Record<CounterName, number>>;
}

/**
 * One contribution to one stored document of the counting: the counters of (agency, month), the roll-up of
 * (ancestor, month) or the trend of (agency, year of `month`). What {@link CounterRepository.applyRollup} and
 * its siblings take one at a time, {@link CounterRepository.applyBatch} takes in bulk.
 */
export type CounterWrite =
  | { readonly target: 'counter'; readonly agencyCode: AgencyCode; readonly month: string; readonly key: string; readonly by: CounterIncrement; readonly histograms?: HistogramIncrement }
  | { readonly target: 'rollup'; readonly ancestor: AgencyCode; readonly month: string; readonly key: string; readonly below: readonly AgencyCode[]; readonly by: CounterIncrement; readonly histograms?: HistogramIncrement }
  | { readonly target: 'trend'; readonly agencyCode: AgencyCode; readonly month: string; readonly key: string; readonly own: boolean; readonly by: CounterIncrement };

/** What became of one write of a batch: added, skipped as a key the document remembers, or not written (the write of its document failed). */
export type CounterWriteOutcome = 'applied' | 'seen' | 'failed';

export interface CounterBatchResult {
  /** One per write, in order. */
  readonly outcomes: readonly CounterWriteOutcome[];
  /** The first failure, when a document could not be written. */
  readonly error?: unknown;
}

export interface CounterRepository {
  /**
   * Adds `by` (and `histograms`) to the counters of (agency, month `YYYY-MM`) once per `key`: the counter
   * document remembers the most recent keys it applied ({@link COUNTER_RECENT_KEYS}), so replaying a
   * contribution after a crash does not count it twice. Returns false when the key was applied already.
   */
  apply(agencyCode: AgencyCode, month: string, key: string, by: CounterIncrement, histograms?: HistogramIncrement): Promise<boolean>;
  get(agencyCode: AgencyCode, month: string): Promise<MonthlyCounters>;
  /** The counters of each (agency, month) asked, in order, by point reads on `_id` (zeros when absent). */
  getMany(keys: readonly { readonly agencyCode: AgencyCode; readonly month: string }[]): Promise<readonly MonthlyCounters[]>;
  /**
   * Adds `by` (and `histograms`) once per `key` to the roll-up of `ancestor` for `month`: to its total, and to the
   * entry of each code in `below` (the codes under `ancestor` on the way to the counting agency, the counting
   * agency included; empty for the counting agency's own roll-up). One single-document write under the same
   * dedup of recent keys as {@link apply}. Returns false when the key was applied already.
   */
  applyRollup(ancestor: AgencyCode, month: string, key: string, below: readonly AgencyCode[], by: CounterIncrement, histograms?: HistogramIncrement): Promise<boolean>;
  /**
   * Applies many writes with one guarded write per stored document they touch: the writes to one document are
   * summed, except those whose key the document remembers (or that repeat a key of the batch), and all their
   * keys are remembered in that same write, so a batch replayed after a crash at any point counts nothing
   * twice. Documents are written independently: a failed one marks its writes `failed` and leaves the others.
   */
  applyBatch(writes: readonly CounterWrite[]): Promise<CounterBatchResult>;
  /** The roll-up of (agency, month), by one point read on `_id` (empty when absent). */
  getRollup(agencyCode: AgencyCode, month: string): Promise<MonthlyRollup>;
  /** Every roll-up stored for `month` (`lienthong report rebuild`). */
  listRollups(month: string): Promise<readonly MonthlyRollup[]>;
  /** Overwrites a roll-up with a recount (`lienthong report rebuild`), keeping its remembered keys. */
  replaceRollup(rollup: MonthlyRollup): Promise<void>;
  /**
   * Adds the counts `by` once per `key` to the trend of `agencyCode` for `month` (one document per agency and
   * year holds its 12 months): to the month's subtree total, and when `own` (the agency is the counting one) to
   * its own counts as well. One single-document write under the same dedup of recent keys as {@link apply}.
   */
  applyTrend(agencyCode: AgencyCode, month: string, key: string, own: boolean, by: CounterIncrement): Promise<boolean>;
  /** The trend of an agency for `fromMonth`..`toMonth` (at most 12 months: one or two point reads), oldest first, zeros when absent. */
  getTrend(agencyCode: AgencyCode, fromMonth: string, toMonth: string): Promise<readonly TrendMonth[]>;
  /** Every agency's trend entry stored for `month`, zero or not (`lienthong report rebuild`). */
  listTrends(month: string): Promise<readonly TrendMonth[]>;
  /** Overwrites one month of an agency's trend with a recount, keeping its other months and remembered keys. */
  replaceTrend(trend: TrendMonth): Promise<void>;
  /**
   * Bulk load of counters, roll-ups and trends that do not exist yet (seeding a benchmark or a restored year):
   * batched inserts, no dedup keys; the trend months of one (agency, year) go into one document. A document that
   * exists already makes it fail with ERR_DUPLICATE_KEY.
   */
  insertNew(counters: readonly MonthlyCounters[], rollups: readonly MonthlyRollup[], trends: readonly TrendMonth[]): Promise<void>;
  /**
   * The counters of `agencyCodes` for the months `fromMonth`..`toMonth` (inclusive) in one query; an
   * (agency, month) without a counter document is absent from the answer (read it as zeros).
   */
  listRange(agencyCodes: readonly AgencyCode[], fromMonth: string, toMonth: string): Promise<readonly MonthlyCounters[]>;
  /** Agencies that have a counter document for `month`. */
  agenciesOf(month: string): Promise<readonly AgencyCode[]>;
  /**
   * Overwrites the counts and histograms of (agency, month) with a recount (`lienthong report rebuild`),
   * keeping the remembered keys, in one write under the same lock as {@link apply}.
   */
  replace(agencyCode: AgencyCode, month: string, counts: Readonly<Record<CounterName, number>>, histograms: Readonly<Record<HistogramName, BucketCounts>>): Promise<void>;
}

/**
 * How many applied keys a counter document remembers. A contribution left pending by a crash is replayed by
 * the reconciler within a minute; it would be counted twice only if this many other contributions reached the
 * same agency and month in between.
 */
export const COUNTER_RECENT_KEYS = 1000;
