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
  /** Adds to the counters of (agency, month `YYYY-MM`) in one upsert with $inc. */
  increment(agencyCode: AgencyCode, month: string, by: Partial<Record<CounterName, number>>): Promise<void>;
  get(agencyCode: AgencyCode, month: string): Promise<MonthlyCounters>;
}
