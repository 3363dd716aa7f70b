import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import {
  COUNTER_NAMES, COUNTER_RECENT_KEYS, HISTOGRAM_NAMES, type BucketCounts, type CounterIncrement, type CounterName, type CounterRepository,
  type HistogramIncrement, type HistogramName, type MonthlyCounters,
} from '../../server/domain/ports/node/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { nodeModels } from './models.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_BUCKET = 1000;

/** Histogram buckets are stored as `hist.<name>.b<index>` (a field name, never an array index). */
function histogramsOf(raw: Raw | undefined): Record<HistogramName, BucketCounts> {
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

function countersOf(d: Raw | null | undefined, agencyCode: AgencyCode, month: string): MonthlyCounters {
  const counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, Number(d?.counts?.[n] ?? 0)])) as Record<CounterName, number>;
  return Object.freeze({ ...counts, agencyCode, month, histograms: histogramsOf(d?.hist) });
}

function histogramFields(histograms: HistogramIncrement | Readonly<Record<HistogramName, BucketCounts>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of HISTOGRAM_NAMES) {
    for (const [k, v] of Object.entries(histograms[name] ?? {})) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i > MAX_BUCKET) throw new TypeError('histogram bucket must be an integer in 0..1000');
      if (v) out[`${name}.b${i}`] = v;
    }
  }
  return out;
}

/**
 * Monthly counters in node_monthly_counters, one document per (agency, month). Each contribution carries a key;
 * the document keeps the most recent keys beside the counts, and the check and the $inc are one write under
 * the record lock, so a contribution replayed after a crash is not counted twice.
 */
export function createCounterRepository(connection: mongoose.Connection): CounterRepository {
  const { Counter: M } = nodeModels(connection);
  const withLock = createRecordLock(connection);
  const idOf = (agencyCode: string, month: string) => `${agencyCode}|${month}`;
  const checkMonth = (month: string) => {
    if (!MONTH.test(month)) throw new TypeError('month must be YYYY-MM');
  };
  return {
    async apply(agencyCode: AgencyCode, month: string, key: string, by: CounterIncrement, histograms: HistogramIncrement = {}): Promise<boolean> {
      checkMonth(month);
      if (typeof key !== 'string' || key.length === 0 || key.length > 200) throw new TypeError('key must be a non-empty string of at most 200 characters');
      const inc: Record<string, number> = {};
      for (const [k, v] of Object.entries(by)) if (v) inc[`counts.${k}`] = v;
      for (const [k, v] of Object.entries(histogramFields(histograms))) inc[`hist.${k}`] = v;
      const _id = idOf(agencyCode, month);
      return withLock(`counter:${_id}`, async () => {
        try {
          const current = await M.collection.findOne({ _id } as Raw, { projection: { recent: 1 } });
          const recent: string[] = Array.isArray(current?.recent) ? current.recent : [];
          if (recent.includes(key)) return false;
          const next = [...recent, key].slice(-COUNTER_RECENT_KEYS);
          await M.collection.updateOne(
            { _id } as Raw,
            { ...(Object.keys(inc).length > 0 ? { $inc: inc } : {}), $set: { recent: next, agencyCode, month } },
            { upsert: true },
          );
          return true;
        } catch (e) {
          return translateMongoError(e, 'counter');
        }
      });
    },
    async get(agencyCode: AgencyCode, month: string): Promise<MonthlyCounters> {
      const d = await M.collection.findOne({ _id: idOf(agencyCode, month) } as Raw, { projection: { counts: 1, hist: 1 } }).catch((e) => translateMongoError(e));
      return countersOf(d, agencyCode, month);
    },
    async listRange(agencyCodes: readonly AgencyCode[], fromMonth: string, toMonth: string): Promise<readonly MonthlyCounters[]> {
      checkMonth(fromMonth);
      checkMonth(toMonth);
      if (agencyCodes.length === 0) return [];
      const wanted = new Set<string>(agencyCodes);
      // One query by month range (index month+agencyCode); the agency filter is applied here as well as in
      // the query so a long list of codes costs the database nothing more than the range.
      const rows = await M.collection
        .find({ month: { $gte: fromMonth, $lte: toMonth }, ...(agencyCodes.length <= 50 ? { agencyCode: { $in: [...agencyCodes] } } : {}) } as Raw, { projection: { counts: 1, hist: 1, agencyCode: 1, month: 1 } })
        .toArray()
        .catch((e) => translateMongoError(e));
      return rows.filter((d) => wanted.has(String(d.agencyCode))).map((d) => countersOf(d, d.agencyCode as AgencyCode, String(d.month)));
    },
    async agenciesOf(month: string): Promise<readonly AgencyCode[]> {
      checkMonth(month);
      const rows = await M.collection.find({ month } as Raw, { projection: { agencyCode: 1 } }).toArray().catch((e) => translateMongoError(e));
      return rows.map((d) => d.agencyCode as AgencyCode);
    },
    async replace(agencyCode: AgencyCode, month: string, counts: Readonly<Record<CounterName, number>>, histograms: Readonly<Record<HistogramName, BucketCounts>>): Promise<void> {
      checkMonth(month);
      const _id = idOf(agencyCode, month);
      const hist: Record<string, Record<string, number>> = {};
      for (const name of HISTOGRAM_NAMES) {
        hist[name] = {};
        for (const [k, v] of Object.entries(histograms[name] ?? {})) if (v) hist[name]![`b${Number(k)}`] = v;
      }
      await withLock(`counter:${_id}`, async () => {
        try {
          await M.collection.updateOne(
            { _id } as Raw,
            { $set: { counts: Object.fromEntries(COUNTER_NAMES.map((n) => [n, counts[n] ?? 0])), hist, agencyCode, month } },
            { upsert: true },
          );
        } catch (e) {
          translateMongoError(e, 'counter');
        }
      });
    },
  };
}
