import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import { DomainError } from '../../server/domain/errors.js';
import type { CounterRepository, MonthlyRollup, TrendMonth } from '../../server/domain/ports/node/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { checkKey, checkMonth } from './counter-fields.js';
import { NODE_COLLECTIONS } from './models.js';
import { addCounts, addInto, freezeTally, keyHashOf, packSheet, packTrend, remember, remembers, unpackSheet, unpackTrend, zeroCounts, zeroTally, type MutableCounts } from './packed-tallies.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';

type RollupMethods = Pick<CounterRepository, 'applyRollup' | 'getRollup' | 'listRollups' | 'replaceRollup' | 'applyTrend' | 'getTrend' | 'listTrends' | 'replaceTrend' | 'insertNew'>;

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
   * the fields to set, or null to leave it. With a `key`, a document that remembers it is left alone (false).
   */
  async function update(collection: mongoose.Collection, _id: string, key: string | null, change: (current: Raw | null) => Raw | null): Promise<boolean> {
    const hash = key === null ? null : keyHashOf(key);
    return withLock(`rollup:${collection.collectionName}:${_id}`, async () => {
      try {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          const current = await collection.findOne({ _id } as Raw);
          const recent = typeof current?.recent === 'string' ? current.recent : '';
          if (hash !== null && remembers(recent, hash)) return false;
          const set = change(current);
          if (set === null) return false;
          const next = { ...set, recent: hash === null ? recent : remember(recent, hash) };
          if (!current) {
            try {
              await collection.insertOne({ _id, ...next, v: 1 } as Raw);
              return true;
            } catch (e) {
              if (isDuplicateKeyError(e)) continue; // another writer created it: read it again
              throw e;
            }
          }
          const v = Number(current.v ?? 0);
          const r = await collection.updateOne({ _id, v } as Raw, { $set: { ...next, v: v + 1 } });
          if (r.matchedCount === 1) return true;
        }
        throw new DomainError('ERR_CONFLICT', 'roll-up busy; try again', { details: { reason: 'ROLLUP_CONTENDED' } });
      } catch (e) {
        return translateMongoError(e, 'counter');
      }
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
    async applyRollup(ancestor, month, key, below, by, histograms = {}) {
      checkMonth(month);
      checkKey(key);
      return update(sheets(month), sheetId(ancestor, month), key, (current) => {
        const s = unpackSheet(current?.sheet);
        addInto(s.total, by, histograms);
        for (const code of below) {
          const t = s.descendants.get(code) ?? zeroTally();
          addInto(t, by, histograms);
          s.descendants.set(code, t);
        }
        return { agencyCode: ancestor, month, sheet: packSheet(s) };
      });
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
      await update(sheets(rollup.month), sheetId(rollup.agencyCode, rollup.month), null, () => ({ agencyCode: rollup.agencyCode, month: rollup.month, sheet: packSheet(rollup) }));
    },
    async applyTrend(agencyCode, month, key, own, by) {
      checkMonth(month);
      checkKey(key);
      const year = month.slice(0, 4);
      return update(trends(year), trendId(agencyCode, year), key, (current) => {
        const t = unpackTrend(current?.trend);
        const m = t.get(month.slice(5, 7)) ?? { total: zeroCounts(), own: zeroCounts() };
        addCounts(m.total, by);
        if (own) addCounts(m.own, by);
        t.set(month.slice(5, 7), m);
        return { agencyCode, year, trend: packTrend(t) };
      });
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
      await update(trends(year), trendId(trend.agencyCode, year), null, (current) => {
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
