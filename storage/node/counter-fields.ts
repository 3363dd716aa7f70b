import { COUNTER_NAMES, HISTOGRAM_NAMES, type BucketCounts, type CounterIncrement, type CounterName, type CounterTally, type HistogramIncrement, type HistogramName } from '../../server/domain/ports/node/index.js';
import type { Raw } from './raw.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_BUCKET = 1000;

export function checkMonth(month: string): void {
  if (!MONTH.test(month)) throw new TypeError('month must be YYYY-MM');
}

export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) throw new TypeError('key must be a non-empty string of at most 200 characters');
}

/** Histogram buckets are stored as `hist.<name>.b<index>` (a field name, never an array index). */
export function histogramsOf(raw: Raw | undefined): Record<HistogramName, BucketCounts> {
  const out = {} as Record<HistogramName, Record<number, number>>;
  for (const name of HISTOGRAM_NAMES) {
    const h: Record<number, number> = {};
    for (const [k, v] of Object.entries((raw?.[name] ?? {}) as Raw)) {
      const i = Number(k.slice(1));
      if (k.startsWith('b') && Number.isInteger(i) && Number(v) > 0) h[i] = Number(v);
    }
    out[name] = Object.freeze(h);
  }
  return Object.freeze(out);
}

export function countsOf(raw: Raw | undefined): Record<CounterName, number> {
  return Object.fromEntries(COUNTER_NAMES.map((n) => [n, Number(raw?.[n] ?? 0)])) as Record<CounterName, number>;
}

export function tallyOf(d: Raw | undefined): CounterTally {
  return Object.freeze({ counts: Object.freeze(countsOf(d?.counts)), histograms: histogramsOf(d?.hist) });
}

/** `$inc` fields of a contribution under `prefix` (`counts.<name>`, `hist.<name>.b<i>`). */
export function incrementFields(prefix: string, by: CounterIncrement, histograms: HistogramIncrement = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(by)) {
    if (!(COUNTER_NAMES as readonly string[]).includes(k)) throw new TypeError(`unknown counter ${k}`);
    if (v) out[`${prefix}counts.${k}`] = v;
  }
  for (const name of HISTOGRAM_NAMES) {
    for (const [k, v] of Object.entries(histograms[name] ?? {})) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i > MAX_BUCKET) throw new TypeError('histogram bucket must be an integer in 0..1000');
      if (v) out[`${prefix}hist.${name}.b${i}`] = v;
    }
  }
  return out;
}

/** The stored shape of a tally (`counts`, `hist.<name>.b<i>`), for a `$set` or an insert. */
export function storedTally(t: CounterTally): { counts: Record<string, number>; hist: Record<string, Record<string, number>> } {
  const hist: Record<string, Record<string, number>> = {};
  for (const name of HISTOGRAM_NAMES) {
    hist[name] = {};
    for (const [k, v] of Object.entries(t.histograms[name] ?? {})) if (v) hist[name]![`b${Number(k)}`] = v;
  }
  return { counts: Object.fromEntries(COUNTER_NAMES.map((n) => [n, t.counts[n] ?? 0])), hist };
}

/** Runs `read` over `items` with at most `width` in flight, answers in order (point reads on _id). */
export async function boundedAll<T, R>(items: readonly T[], width: number, read: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await read(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}
