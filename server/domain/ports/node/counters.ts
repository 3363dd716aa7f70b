import type { AgencyCode } from '../../agency/index.js';

/**
 * Monthly counters per agency, kept as things happen so a report needs no scan (ARCHITECTURE.md: Data).
 * `outgoing`: documents sent; `signed`: with valid person and agency signatures; `fullyElectronic`: Paper = 0;
 * `unsigned`: informational documents without signature; `inbound`: packages received; `inboundVerified`:
 * received with every signature valid; `recalled`: outgoing documents withdrawn after an agreed recall.
 */
export type CounterName = 'outgoing' | 'signed' | 'fullyElectronic' | 'unsigned' | 'inbound' | 'inboundVerified' | 'inboundRefused' | 'recalled';
export const COUNTER_NAMES: readonly CounterName[] = Object.freeze([
  'outgoing', 'signed', 'fullyElectronic', 'unsigned', 'inbound', 'inboundVerified', 'inboundRefused', 'recalled',
]);

export type MonthlyCounters = Readonly<Record<CounterName, number>> & { readonly agencyCode: AgencyCode; readonly month: string };

export interface CounterRepository {
  /**
   * Adds `by` to the counters of (agency, month `YYYY-MM`) once per `key`: the counter document remembers the
   * most recent keys it applied ({@link COUNTER_RECENT_KEYS}), so replaying a contribution after a crash does not
   * count it twice. Returns false when the key was applied already.
   */
  apply(agencyCode: AgencyCode, month: string, key: string, by: Partial<Record<CounterName, number>>): Promise<boolean>;
  get(agencyCode: AgencyCode, month: string): Promise<MonthlyCounters>;
}

/**
 * How many applied keys a counter document remembers. A contribution left pending by a crash is replayed by
 * the reconciler within a minute; it would be counted twice only if this many other contributions reached the
 * same agency and month in between.
 */
export const COUNTER_RECENT_KEYS = 1000;
