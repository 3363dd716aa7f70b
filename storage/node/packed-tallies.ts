import { createHash } from 'node:crypto';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import { COUNTER_NAMES, COUNTER_RECENT_KEYS, HISTOGRAM_NAMES, type CounterIncrement, type CounterName, type CounterTally, type HistogramIncrement, type HistogramName } from '../../server/domain/ports/node/index.js';

/*
 * Roll-ups and trends are stored packed: a JSON text in one string field, not nested documents. FerretDB 1.24
 * (SQLite) turns every stored value into a Go value on each read, about 20 µs a value (measured: a document with
 * 500 nested tallies takes 150 ms to read, the same figures as one string 3 ms), so a report's single roll-up of a
 * province with 500 descendants must be one value. The counter names travel with the text, so a counter added
 * later reads as zero from an older document. Every write is a read-modify-write of the whole document under
 * the record lock and a version guard (storage/node/rollup-repository.ts).
 */

export type MutableCounts = Record<CounterName, number>;
export interface MutableTally {
  counts: MutableCounts;
  histograms: Record<HistogramName, Record<number, number>>;
}

/** [count per name…, toArrived buckets, toAccepted buckets] in the order of `names`. */
type PackedTally = (number | Record<string, number>)[];

// Literals, not Object.fromEntries: a report unpacks 500 of them and V8 keeps literal shapes fast (measured 4×).
export const zeroCounts = (): MutableCounts => ({ outgoing: 0, signed: 0, fullyElectronic: 0, unsigned: 0, inbound: 0, inboundVerified: 0, inboundRefused: 0, inboundIndeterminate: 0, recalled: 0 });
export const zeroTally = (): MutableTally => ({ counts: zeroCounts(), histograms: { toArrived: {}, toAccepted: {} } });

function packCounts(c: Readonly<Record<CounterName, number>>): number[] {
  return COUNTER_NAMES.map((n) => c[n] ?? 0);
}

function unpackCounts(names: readonly string[], values: readonly unknown[]): MutableCounts {
  const out = zeroCounts();
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (Object.hasOwn(out, n)) out[n as CounterName] = Number(values[i] ?? 0) || 0;
  }
  return out;
}

function packTally(t: CounterTally | MutableTally): PackedTally {
  return [...packCounts(t.counts), ...HISTOGRAM_NAMES.map((h) => Object.fromEntries(Object.entries(t.histograms[h] ?? {}).filter(([, v]) => v)))];
}

function unpackTally(names: readonly string[], hists: readonly string[], p: readonly unknown[]): MutableTally {
  const t: MutableTally = { counts: unpackCounts(names, p), histograms: { toArrived: {}, toAccepted: {} } };
  for (let i = 0; i < hists.length; i++) {
    const h = hists[i]!;
    if (!Object.hasOwn(t.histograms, h)) continue;
    const raw = (p[names.length + i] ?? {}) as Record<string, unknown>;
    const out = t.histograms[h as HistogramName];
    for (const b in raw) if (Number(raw[b]) > 0 && Number.isInteger(Number(b))) out[Number(b)] = Number(raw[b]);
  }
  return t;
}

export interface RollupSheet {
  total: MutableTally;
  descendants: Map<AgencyCode, MutableTally>;
}

/** The text of a roll-up's `sheet` field. */
export function packSheet(s: { total: CounterTally | MutableTally; descendants: ReadonlyMap<AgencyCode, CounterTally | MutableTally> }): string {
  return JSON.stringify({ names: COUNTER_NAMES, hists: HISTOGRAM_NAMES, t: packTally(s.total), d: Object.fromEntries([...s.descendants].map(([code, t]) => [code, packTally(t)])) });
}

export function unpackSheet(text: unknown): RollupSheet {
  if (typeof text !== 'string' || text === '') return { total: zeroTally(), descendants: new Map() };
  const j = JSON.parse(text) as { names: string[]; hists: string[]; t: unknown[]; d: Record<string, unknown[]> };
  return { total: unpackTally(j.names, j.hists, j.t), descendants: new Map(Object.entries(j.d ?? {}).map(([code, p]) => [code as AgencyCode, unpackTally(j.names, j.hists, p)])) };
}

/** A year of one agency's trend: per month `MM`, its subtree total and its own counts. */
export type TrendSheet = Map<string, { total: MutableCounts; own: MutableCounts }>;

export function packTrend(t: TrendSheet): string {
  return JSON.stringify({ names: COUNTER_NAMES, m: Object.fromEntries([...t].sort().map(([mm, v]) => [mm, [packCounts(v.total), packCounts(v.own)]])) });
}

export function unpackTrend(text: unknown): TrendSheet {
  if (typeof text !== 'string' || text === '') return new Map();
  const j = JSON.parse(text) as { names: string[]; m: Record<string, [unknown[], unknown[]]> };
  return new Map(Object.entries(j.m ?? {}).map(([mm, [t, o]]) => [mm, { total: unpackCounts(j.names, t ?? []), own: unpackCounts(j.names, o ?? []) }]));
}

/** Adds a contribution into a tally in place. */
export function addInto(t: MutableTally, by: CounterIncrement, histograms: HistogramIncrement = {}): void {
  addCounts(t.counts, by);
  for (const name of HISTOGRAM_NAMES) for (const [b, v] of Object.entries(histograms[name] ?? {})) if (v) t.histograms[name][Number(b)] = (t.histograms[name][Number(b)] ?? 0) + v;
}

export function addCounts(c: MutableCounts, by: CounterIncrement): void {
  for (const [k, v] of Object.entries(by)) if (v) c[k as CounterName] += v;
}

export const copyTally = (t: CounterTally): MutableTally => ({ counts: { ...t.counts }, histograms: Object.fromEntries(HISTOGRAM_NAMES.map((h) => [h, { ...t.histograms[h] }])) as MutableTally['histograms'] });

/** Freezes a tally in place (its objects are not copied). */
export function freezeTally(t: MutableTally): CounterTally {
  for (const h of HISTOGRAM_NAMES) Object.freeze(t.histograms[h]);
  Object.freeze(t.histograms);
  Object.freeze(t.counts);
  return Object.freeze(t) as CounterTally;
}

/*
 * The remembered keys of a packed document: the first 12 characters of each key's SHA-256 in base64url (72
 * bits: among 1,000 keys a false "seen" has odds of 1 in 10^18), one after another in one string, the most
 * recent COUNTER_RECENT_KEYS. 12 KB where the keys themselves take 50 KB, scanned on every read.
 */
const KEY_WIDTH = 12;

export const keyHashOf = (key: string): string => createHash('sha256').update(key).digest('base64url').slice(0, KEY_WIDTH);

export function remembers(recent: string, hash: string): boolean {
  for (let i = 0; i + KEY_WIDTH <= recent.length; i += KEY_WIDTH) if (recent.startsWith(hash, i)) return true;
  return false;
}

export function remember(recent: string, hash: string): string {
  const next = recent + hash;
  return next.length > KEY_WIDTH * COUNTER_RECENT_KEYS ? next.slice(next.length - KEY_WIDTH * COUNTER_RECENT_KEYS) : next;
}
