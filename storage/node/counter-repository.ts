import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import {
  COUNTER_RECENT_KEYS,
  type BucketCounts,
  type CounterBatchResult,
  type CounterIncrement,
  type CounterWrite,
  type CounterWriteOutcome,
  type CounterName,
  type CounterRepository,
  type HistogramIncrement,
  type HistogramName,
  type MonthlyCounters,
} from '../../server/domain/ports/node/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { boundedAll, checkKey, checkMonth, incrementFields, storedTally, tallyOf } from './counter-fields.js';
import { nodeModels } from './models.js';
import { keyHashOf, remember, remembers } from './packed-tallies.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';
import { createRollupRepository } from './rollup-repository.js';

/** Point reads in flight at once: FerretDB answers a few in parallel faster than many (measured 4 ≈ 1, 16 ≈ 5×). */
const READ_WIDTH = 1;
const INSERT_BATCH = 1000;
/** Stored documents written at once by a batch (each under its own record lock). */
const WRITE_WIDTH = 4;
/** Keys one write of a batch remembers at most, well inside the window of remembered keys. */
const MAX_KEYS_PER_WRITE = Math.floor(COUNTER_RECENT_KEYS / 4);

type CounterEntry = { readonly key: string; readonly by: CounterIncrement; readonly histograms?: HistogramIncrement };

function countersOf(d: Raw | null | undefined, agencyCode: AgencyCode, month: string): MonthlyCounters {
  const t = tallyOf(d ?? undefined);
  return Object.freeze({ ...t.counts, agencyCode, month, histograms: t.histograms });
}

/**
 * Monthly counters in node_monthly_counters, one document per (agency, month) (`_id` `<code>|<YYYY-MM>`); their
 * subtree roll-ups and trends are storage/node/rollup-repository.ts. Each contribution carries a key; each
 * document keeps the most recent keys beside the counts, and the check and the $inc are one write under the
 * record lock, so a contribution replayed after a crash is not counted twice in any document. A batch
 * (`applyBatch`) sums every contribution to one document into that one write.
 */
export function createCounterRepository(connection: mongoose.Connection): CounterRepository {
  const { Counter: M } = nodeModels(connection);
  const withLock = createRecordLock(connection);
  const idOf = (agencyCode: string, month: string) => `${agencyCode}|${month}`;

  /**
   * Adds the entries whose key the document does not remember (nor an earlier entry of the same call) in one
   * write that remembers all their keys: the dedup of every counter write. Per entry, whether it was added.
   * The keys are remembered packed (storage/node/packed-tallies.ts); an older document's array of keys is read
   * as well and packed at its next write.
   */
  async function applyOnce(_id: string, agencyCode: AgencyCode, month: string, entries: readonly CounterEntry[]): Promise<boolean[]> {
    const incs = entries.map((e) => incrementFields('', e.by, e.histograms));
    const hashes = entries.map((e) => keyHashOf(e.key));
    return withLock(`counter:${M.collection.collectionName}:${_id}`, async () => {
      try {
        const current = await M.collection.findOne({ _id } as Raw, { projection: { recent: 1 } });
        let recent = typeof current?.recent === 'string' ? current.recent : Array.isArray(current?.recent) ? (current.recent as string[]).map(keyHashOf).join('') : '';
        const added = hashes.map((h) => {
          if (remembers(recent, h)) return false;
          recent = remember(recent, h);
          return true;
        });
        if (!added.includes(true)) return added;
        const inc: Record<string, number> = {};
        incs.forEach((fields, i) => {
          if (added[i]) for (const [f, v] of Object.entries(fields)) inc[f] = (inc[f] ?? 0) + v;
        });
        await M.collection.updateOne({ _id } as Raw, { ...(Object.keys(inc).length > 0 ? { $inc: inc } : {}), $set: { agencyCode, month, recent } }, { upsert: true });
        return added;
      } catch (e) {
        return translateMongoError(e, 'counter');
      }
    });
  }

  /** The writes of a batch grouped by the stored document they touch, each group at most MAX_KEYS_PER_WRITE. */
  function groupsOf(writes: readonly CounterWrite[]): Map<string, number[]> {
    const groups = new Map<string, number[]>();
    writes.forEach((w, i) => {
      checkMonth(w.month);
      checkKey(w.key);
      const id = w.target === 'counter' ? `c|${idOf(w.agencyCode, w.month)}` : w.target === 'rollup' ? `r|${w.ancestor}|${w.month}` : `t|${w.agencyCode}|${w.month.slice(0, 4)}`;
      let chunk = 0;
      while ((groups.get(`${id}#${chunk}`)?.length ?? 0) >= MAX_KEYS_PER_WRITE) chunk++;
      const g = groups.get(`${id}#${chunk}`) ?? [];
      g.push(i);
      groups.set(`${id}#${chunk}`, g);
    });
    return groups;
  }

  /** One group's write: every write in it touches the same document. */
  function writeGroup(writes: readonly CounterWrite[], indices: readonly number[]): Promise<boolean[]> {
    const first = writes[indices[0]!]!;
    const of = <T extends CounterWrite['target']>(_target: T) => indices.map((i) => writes[i] as Extract<CounterWrite, { target: T }>);
    if (first.target === 'counter') return applyOnce(idOf(first.agencyCode, first.month), first.agencyCode, first.month, of('counter'));
    if (first.target === 'rollup') return rollups.addRollups(first.ancestor, first.month, of('rollup'));
    return rollups.addTrends(first.agencyCode, first.month.slice(0, 4), of('trend'));
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
  const { addRollups: _r, addTrends: _t, ...rollupMethods } = rollups;
  return {
    ...rollupMethods,
    async apply(agencyCode: AgencyCode, month: string, key: string, by: CounterIncrement, histograms: HistogramIncrement = {}): Promise<boolean> {
      checkMonth(month);
      checkKey(key);
      const [added] = await applyOnce(idOf(agencyCode, month), agencyCode, month, [{ key, by, histograms }]);
      return added!;
    },
    async applyBatch(writes: readonly CounterWrite[]): Promise<CounterBatchResult> {
      const outcomes: CounterWriteOutcome[] = writes.map(() => 'failed');
      let error: unknown;
      const groups = [...groupsOf(writes).values()];
      await boundedAll(groups, WRITE_WIDTH, async (indices) => {
        try {
          const added = await writeGroup(writes, indices);
          indices.forEach((i, j) => (outcomes[i] = added[j] ? 'applied' : 'seen'));
        } catch (e) {
          error ??= e;
        }
      });
      return error === undefined ? { outcomes } : { outcomes, error };
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
        counters.map((c) => ({ _id: idOf(c.agencyCode, c.month), agencyCode: c.agencyCode, month: c.month, ...storedTally({ counts: c, histograms: c.histograms }), recent: '' })),
      );
      await rollups.insertNew([], rollupList, trends);
    },
  };
}
