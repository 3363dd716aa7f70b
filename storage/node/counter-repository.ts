import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import { COUNTER_RECENT_KEYS, type BucketCounts, type CounterIncrement, type CounterName, type CounterRepository, type HistogramIncrement, type HistogramName, type MonthlyCounters } from '../../server/domain/ports/node/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { boundedAll, checkKey, checkMonth, incrementFields, storedTally, tallyOf } from './counter-fields.js';
import { nodeModels } from './models.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';
import { createRollupRepository } from './rollup-repository.js';

/** Point reads in flight at once: FerretDB answers a few in parallel faster than many (measured 4 ≈ 1, 16 ≈ 5×). */
const READ_WIDTH = 1;
const INSERT_BATCH = 1000;

function countersOf(d: Raw | null | undefined, agencyCode: AgencyCode, month: string): MonthlyCounters {
  const t = tallyOf(d ?? undefined);
  return Object.freeze({ ...t.counts, agencyCode, month, histograms: t.histograms });
}

/**
 * Monthly counters in node_monthly_counters, one document per (agency, month) (`_id` `<code>|<YYYY-MM>`); their
 * subtree roll-ups and trends are storage/node/rollup-repository.ts. Each contribution carries a key; each
 * document keeps the most recent keys beside the counts, and the check and the $inc are one write under the
 * record lock, so a contribution replayed after a crash is not counted twice in any document.
 */
export function createCounterRepository(connection: mongoose.Connection): CounterRepository {
  const { Counter: M } = nodeModels(connection);
  const withLock = createRecordLock(connection);
  const idOf = (agencyCode: string, month: string) => `${agencyCode}|${month}`;

  /** Applies `inc` to one document unless it remembers `key`: the dedup of every counter and roll-up write. */
  async function applyOnce(collection: mongoose.Collection, _id: string, key: string, inc: Record<string, number>, set: Raw): Promise<boolean> {
    return withLock(`counter:${collection.collectionName}:${_id}`, async () => {
      try {
        const current = await collection.findOne({ _id } as Raw, { projection: { recent: 1 } });
        const recent: string[] = Array.isArray(current?.recent) ? current.recent : [];
        if (recent.includes(key)) return false;
        const next = [...recent, key].slice(-COUNTER_RECENT_KEYS);
        await collection.updateOne({ _id } as Raw, { ...(Object.keys(inc).length > 0 ? { $inc: inc } : {}), $set: { ...set, recent: next } }, { upsert: true });
        return true;
      } catch (e) {
        return translateMongoError(e, 'counter');
      }
    });
  }

  async function overwrite(collection: mongoose.Collection, _id: string, set: Raw): Promise<void> {
    await withLock(`counter:${collection.collectionName}:${_id}`, async () => {
      try {
        await collection.updateOne({ _id } as Raw, { $set: set }, { upsert: true });
      } catch (e) {
        translateMongoError(e, 'counter');
      }
    });
  }

  async function insertAll(collection: mongoose.Collection, docs: Raw[]): Promise<void> {
    for (let i = 0; i < docs.length; i += INSERT_BATCH) {
      await collection.insertMany(docs.slice(i, i + INSERT_BATCH), { ordered: false }).catch((e) => translateMongoError(e, 'counter'));
    }
  }

  const rollups = createRollupRepository(connection);
  return {
    ...rollups,
    async apply(agencyCode: AgencyCode, month: string, key: string, by: CounterIncrement, histograms: HistogramIncrement = {}): Promise<boolean> {
      checkMonth(month);
      checkKey(key);
      return applyOnce(M.collection, idOf(agencyCode, month), key, incrementFields('', by, histograms), { agencyCode, month });
    },
    async get(agencyCode: AgencyCode, month: string): Promise<MonthlyCounters> {
      const d = await M.collection.findOne({ _id: idOf(agencyCode, month) } as Raw, { projection: { counts: 1, hist: 1 } }).catch((e) => translateMongoError(e));
      return countersOf(d, agencyCode, month);
    },
    async getMany(keys): Promise<readonly MonthlyCounters[]> {
      for (const k of keys) checkMonth(k.month);
      return boundedAll(keys, READ_WIDTH, async ({ agencyCode, month }) => {
        const d = await M.collection.findOne({ _id: idOf(agencyCode, month) } as Raw, { projection: { counts: 1, hist: 1 } }).catch((e) => translateMongoError(e));
        return countersOf(d, agencyCode, month);
      });
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
      const rows = await M.collection
        .find({ month } as Raw, { projection: { agencyCode: 1 } })
        .toArray()
        .catch((e) => translateMongoError(e));
      return rows.map((d) => d.agencyCode as AgencyCode);
    },
    async replace(agencyCode: AgencyCode, month: string, counts: Readonly<Record<CounterName, number>>, histograms: Readonly<Record<HistogramName, BucketCounts>>): Promise<void> {
      checkMonth(month);
      await overwrite(M.collection, idOf(agencyCode, month), { ...storedTally({ counts, histograms }), agencyCode, month });
    },
    async insertNew(counters, rollupList, trends): Promise<void> {
      for (const c of counters) checkMonth(c.month);
      await insertAll(
        M.collection,
        counters.map((c) => ({ _id: idOf(c.agencyCode, c.month), agencyCode: c.agencyCode, month: c.month, ...storedTally({ counts: c, histograms: c.histograms }), recent: [] })),
      );
      await rollups.insertNew([], rollupList, trends);
    },
  };
}
