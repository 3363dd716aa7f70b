import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import {
  COUNTER_NAMES, COUNTER_RECENT_KEYS, type CounterName, type CounterRepository, type MonthlyCounters,
} from '../../server/domain/ports/node/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { nodeModels } from './models.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Monthly counters in node_monthly_counters, one document per (agency, month). Each contribution carries a key;
 * the document keeps the most recent keys beside the counts, and the check and the $inc are one write under
 * the record lock, so a contribution replayed after a crash is not counted twice.
 */
export function createCounterRepository(connection: mongoose.Connection): CounterRepository {
  const { Counter: M } = nodeModels(connection);
  const withLock = createRecordLock(connection);
  const idOf = (agencyCode: string, month: string) => `${agencyCode}|${month}`;
  return {
    async apply(agencyCode: AgencyCode, month: string, key: string, by: Partial<Record<CounterName, number>>): Promise<boolean> {
      if (!MONTH.test(month)) throw new TypeError('month must be YYYY-MM');
      if (typeof key !== 'string' || key.length === 0 || key.length > 200) throw new TypeError('key must be a non-empty string of at most 200 characters');
      const inc: Record<string, number> = {};
      for (const [k, v] of Object.entries(by)) if (v) inc[`counts.${k}`] = v;
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
      const d = await M.collection.findOne({ _id: idOf(agencyCode, month) } as Raw, { projection: { counts: 1 } }).catch((e) => translateMongoError(e));
      const counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, Number(d?.counts?.[n] ?? 0)])) as Record<CounterName, number>;
      return Object.freeze({ ...counts, agencyCode, month });
    },
  };
}
