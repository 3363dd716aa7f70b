import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import { DomainError } from '../../server/domain/errors.js';
import type { CounterIncrement, CounterRepository, HistogramIncrement, MonthlyRollup, TrendMonth } from '../../server/domain/ports/node/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { checkKey, checkMonth } from './counter-fields.js';
import { NODE_COLLECTIONS } from './models.js';
import { addCounts, addInto, freezeTally, keyHashOf, packSheet, packTrend, remember, remembers, unpackSheet, unpackTrend, zeroCounts, zeroTally, type MutableCounts } from './packed-tallies.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';

type RollupMethods = Pick<CounterRepository, 'applyRollup' | 'getRollup' | 'listRollups' | 'replaceRollup' | 'applyTrend' | 'getTrend' | 'listTrends' | 'replaceTrend' | 'insertNew'> & {
  /** The entries of one roll-up document in one write (storage/node/counter-repository.ts's applyBatch); per entry, whether it was added. */
  addRollups(ancestor: AgencyCode, month: string, entries: readonly { readonly key: string; readonly below: readonly AgencyCode[]; readonly by: CounterIncrement; readonly histograms?: HistogramIncrement }[]): Promise<boolean[]>;
  /** The entries of one trend document (agency, year) in one write; per entry, whether it was added. */
  addTrends(agencyCode: AgencyCode, year: string, entries: readonly { readonly key: string; readonly month: string; readonly own: boolean; readonly by: CounterIncrement }[]): Promise<boolean[]>;
};

const INSERT_BATCH = 200;
const MAX_ATTEMPTS = 20;

const freezeCounts = (c: MutableCounts) => Object.freeze({ ...c });

/**
 * The subtree roll-ups and the trends of the monthly report, each packed in one string field
 * (storage/node/packed-tallies.ts says why):
 * - `node_rollup_sheets_YYYY_MM`, `_id` `<code>:<YYYY-MM>`: the agency's subtree total and the subtree total of
 *   every code below it, at any depth (a report's every row);
 * - `node_rollup_trends_YYYY`, `_id` `<code>:<YYYY>`: per month of the year, the agency's subtree total and own counts.
 * A collection per month (per year for trends) because FerretDB 1.24 (SQLite) answers a find by `_id` by
 * scanning the table up to the match: it holds one document per agency and ancestor with traffic in that month
 * (year), whatever the number of months kept. A report reads one roll-up and one or two trends.
 *
 * Each write reads the document, checks its remembered keys, and writes the whole back guarded by its version
 * `v`, under the record lock (which FerretDB needs, storage/record-lock.ts; on MongoDB the guard alone suffices
 * and a lost race is read again), so a contribution replayed after a crash is counted once in every document.
 */
export function createRollupRepository(connection: mongoose.Connection): RollupMethods {
  const collectionOf = (name: string) => {
    const db = connection.db;
    if (!db) throw new DomainError('ERR_DATABASE_UNAVAILABLE', 'database not connected');
    return db.collection(name) as unknown as mongoose.Collection;
  };
  const sheets = (month: string) => collectionOf(`${NODE_COLLECTIONS.rollupSheetsPrefix}${month.replace('-', '_')}`);
  const trends = (year: string) => collectionOf(`${NODE_COLLECTIONS.rollupTrendsPrefix}${year}`);
  const sheetId = (code: string, month: string) => `${code}:${month}`;
  const trendId = (code: string, year: string) => `${code}:${year}`;
  const withLock = createRecordLock(connection);

  /**
   * Read-modify-write of one packed document: `change` gets the current document (null when absent) and answers
   * the fields to set, or null to leave it. Without keys (`null`) it always runs (a recount).
   */
  async function update(collection: mongoose.Collection, _id: string, change: (current: Raw | null) => Raw | null): Promise<void> {
    await guarded(collection, _id, (current) => {
      const set = change(current);
      return set === null ? null : { ...set, recent: typeof current?.recent === 'string' ? current.recent : '' };
    });
  }

  /**
   * Adds the entries whose key the document does not remember (nor an earlier entry of the same call) with one
   * guarded write that remembers all their keys: `add` sums the fresh entries into the current document and
   * answers the fields to set. Answers, per entry, whether it was added.
   */
  async function updateOnce<E extends { readonly key: string }>(collection: mongoose.Collection, _id: string, entries: readonly E[], add: (current: Raw | null, fresh: readonly E[]) => Raw): Promise<boolean[]> {
    const hashes = entries.map((e) => keyHashOf(e.key));
    let added: boolean[] = [];
    await guarded(collection, _id, (current) => {
      let recent = typeof current?.recent === 'string' ? current.recent : '';
      added = hashes.map((h) => {
        if (remembers(recent, h)) return false;
        recent = remember(recent, h);
        return true;
      });
      const fresh = entries.filter((_, i) => added[i]);
      return fresh.length === 0 ? null : { ...add(current, fresh), recent };
    });
    return added;
  }

  /** The read, the version-guarded write (or the first insert) and the retry of a lost race, under the record lock. */
  async function guarded(collection: mongoose.Collection, _id: string, next: (current: Raw | null) => Raw | null): Promise<void> {
    await withLock(`rollup:${collection.collectionName}:${_id}`, async () => {
      try {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          const current = await collection.findOne({ _id } as Raw);
          const set = next(current);
          if (set === null) return;
          if (!current) {
            try {
              await collection.insertOne({ _id, ...set, v: 1 } as Raw);
              return;
            } catch (e) {
              if (isDuplicateKeyError(e)) continue; // another writer created it: read it again
              throw e;
            }
          }
          const v = Number(current.v ?? 0);
          const r = await collection.updateOne({ _id, v } as Raw, { $set: { ...set, v: v + 1 } });
          if (r.matchedCount === 1) return;
        }
        throw new DomainError('ERR_CONFLICT', 'roll-up busy; try again', { details: { reason: 'ROLLUP_CONTENDED' } });
      } catch (e) {
        translateMongoError(e, 'counter');
      }
    });
  }

  type RollupEntry = { readonly key: string; readonly below: readonly AgencyCode[]; readonly by: CounterIncrement; readonly histograms?: HistogramIncrement };
  type TrendEntry = { readonly key: string; readonly month: string; readonly own: boolean; readonly by: CounterIncrement };

  /** Adds roll-up entries of one (ancestor, month) in one write; per entry, whether it was added. */
  function addRollups(ancestor: AgencyCode, month: string, entries: readonly RollupEntry[]): Promise<boolean[]> {
    checkMonth(month);
    for (const e of entries) checkKey(e.key);
    return updateOnce(sheets(month), sheetId(ancestor, month), entries, (current, fresh) => {
      const s = unpackSheet(current?.sheet);
      for (const e of fresh) {
        addInto(s.total, e.by, e.histograms);
        for (const code of e.below) {
          const t = s.descendants.get(code) ?? zeroTally();
          addInto(t, e.by, e.histograms);
          s.descendants.set(code, t);
        }
      }
      return { agencyCode: ancestor, month, sheet: packSheet(s) };
    });
  }

  /** Adds trend entries of one (agency, year) in one write; per entry, whether it was added. */
  function addTrends(agencyCode: AgencyCode, year: string, entries: readonly TrendEntry[]): Promise<boolean[]> {
    for (const e of entries) {
      checkMonth(e.month);
      checkKey(e.key);
      if (e.month.slice(0, 4) !== year) throw new TypeError('a trend entry of another year');
    }
    return updateOnce(trends(year), trendId(agencyCode, year), entries, (current, fresh) => {
      const t = unpackTrend(current?.trend);
      for (const e of fresh) {
        const m = t.get(e.month.slice(5, 7)) ?? { total: zeroCounts(), own: zeroCounts() };
        addCounts(m.total, e.by);
        if (e.own) addCounts(m.own, e.by);
        t.set(e.month.slice(5, 7), m);
      }
      return { agencyCode, year, trend: packTrend(t) };
    });
  }

  const rollupOf = (d: Raw | null, agencyCode: AgencyCode, month: string): MonthlyRollup => {
    // Rows are not frozen one by one (a province has 500; the port's types are read-only).
    const s = unpackSheet(d?.sheet);
    return Object.freeze({ agencyCode, month, total: freezeTally(s.total), descendants: s.descendants });
  };

  const trendMonthOf = (d: Raw | null, agencyCode: AgencyCode, month: string): TrendMonth => {
    const m = unpackTrend(d?.trend).get(month.slice(5, 7));
    return Object.freeze({ agencyCode, month, total: freezeCounts(m?.total ?? zeroCounts()), own: freezeCounts(m?.own ?? zeroCounts()) });
  };

  const monthsOf = (from: string, to: string): string[] => {
    const out: string[] = [];
    for (let y = Number(from.slice(0, 4)), m = Number(from.slice(5, 7)); y * 12 + m <= Number(to.slice(0, 4)) * 12 + Number(to.slice(5, 7)); m === 12 ? ((m = 1), y++) : m++) {
      out.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
    }
    return out;
  };

  async function insertAll(collection: mongoose.Collection, docs: Raw[]): Promise<void> {
    for (let i = 0; i < docs.length; i += INSERT_BATCH) {
      await collection.insertMany(docs.slice(i, i + INSERT_BATCH), { ordered: false }).catch((e) => translateMongoError(e, 'counter'));
    }
  }

  return {
    addRollups,
    addTrends,
    async applyRollup(ancestor, month, key, below, by, histograms = {}) {
      const [added] = await addRollups(ancestor, month, [{ key, below, by, histograms }]);
      return added!;
    },
    async getRollup(agencyCode, month) {
      checkMonth(month);
      const d = await sheets(month)
        .findOne({ _id: sheetId(agencyCode, month) } as Raw, { projection: { sheet: 1 } })
        .catch((e) => translateMongoError(e));
      return rollupOf(d, agencyCode, month);
    },
    async listRollups(month) {
      checkMonth(month);
      const ds = await sheets(month)
        .find({} as Raw, { projection: { sheet: 1, agencyCode: 1 } })
        .toArray()
        .catch((e) => translateMongoError(e));
      return ds.map((d) => rollupOf(d, d.agencyCode as AgencyCode, month));
    },
    async replaceRollup(rollup) {
      checkMonth(rollup.month);
      await update(sheets(rollup.month), sheetId(rollup.agencyCode, rollup.month), () => ({ agencyCode: rollup.agencyCode, month: rollup.month, sheet: packSheet(rollup) }));
    },
    async applyTrend(agencyCode, month, key, own, by) {
      checkMonth(month);
      const [added] = await addTrends(agencyCode, month.slice(0, 4), [{ key, month, own, by }]);
      return added!;
    },
    async getTrend(agencyCode, fromMonth, toMonth) {
      checkMonth(fromMonth);
      checkMonth(toMonth);
      const months = monthsOf(fromMonth, toMonth);
      if (months.length > 12) throw new TypeError('a trend spans at most 12 months');
      const years = [...new Set(months.map((m) => m.slice(0, 4)))];
      const docs = await Promise.all(
        years.map((y) =>
          trends(y)
            .findOne({ _id: trendId(agencyCode, y) } as Raw, { projection: { trend: 1 } })
            .catch((e) => translateMongoError(e)),
        ),
      );
      const byYear = new Map(years.map((y, i) => [y, docs[i] ?? null]));
      return months.map((m) => trendMonthOf(byYear.get(m.slice(0, 4)) ?? null, agencyCode, m));
    },
    async listTrends(month) {
      checkMonth(month);
      const ds = await trends(month.slice(0, 4))
        .find({} as Raw, { projection: { trend: 1, agencyCode: 1 } })
        .toArray()
        .catch((e) => translateMongoError(e));
      return ds.map((d) => trendMonthOf(d, d.agencyCode as AgencyCode, month));
    },
    async replaceTrend(trend) {
      checkMonth(trend.month);
      const year = trend.month.slice(0, 4);
      await update(trends(year), trendId(trend.agencyCode, year), (current) => {
        const t = unpackTrend(current?.trend);
        t.set(trend.month.slice(5, 7), { total: { ...trend.total }, own: { ...trend.own } });
        return { agencyCode: trend.agencyCode, year, trend: packTrend(t) };
      });
    },
    async insertNew(_counters, rollups, trendMonths) {
      for (const r of [...rollups, ...trendMonths]) checkMonth(r.month);
      for (const month of [...new Set(rollups.map((r) => r.month))].sort()) {
        const docs = rollups.filter((r) => r.month === month).map((r) => ({ _id: sheetId(r.agencyCode, month), agencyCode: r.agencyCode, month, sheet: packSheet(r), recent: '', v: 1 }));
        await insertAll(sheets(month), docs);
      }
      const byDoc = new Map<string, { agencyCode: AgencyCode; year: string; months: TrendMonth[] }>();
      for (const t of trendMonths) {
        const year = t.month.slice(0, 4);
        const id = trendId(t.agencyCode, year);
        const entry = byDoc.get(id) ?? { agencyCode: t.agencyCode, year, months: [] };
        entry.months.push(t);
        byDoc.set(id, entry);
      }
      for (const year of [...new Set([...byDoc.values()].map((e) => e.year))].sort()) {
        const docs = [...byDoc]
          .filter(([, e]) => e.year === year)
          .map(([id, e]) => ({ _id: id, agencyCode: e.agencyCode, year, trend: packTrend(new Map(e.months.map((t) => [t.month.slice(5, 7), { total: { ...t.total }, own: { ...t.own } }]))), recent: '', v: 1 }));
        await insertAll(trends(year), docs);
      }
    },
  };
}
