import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import { COUNTER_NAMES, type CounterName, type CounterRepository, type MonthlyCounters } from '../../server/domain/ports/node/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { nodeModels } from './models.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';

/** Monthly counters in node_monthly_counters, one document per (agency, month), updated with $inc. */
export function createCounterRepository(connection: mongoose.Connection): CounterRepository {
  const { Counter: M } = nodeModels(connection);
  const withLock = createRecordLock(connection);
  const idOf = (agencyCode: string, month: string) => `${agencyCode}|${month}`;
  return {
    async increment(agencyCode: AgencyCode, month: string, by: Partial<Record<CounterName, number>>): Promise<void> {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new TypeError('month must be YYYY-MM');
      const inc: Record<string, number> = {};
      for (const [k, v] of Object.entries(by)) if (v) inc[`counts.${k}`] = v;
      if (Object.keys(inc).length === 0) return;
      const op = () => M.collection.updateOne({ _id: idOf(agencyCode, month) } as Raw, { $inc: inc, $setOnInsert: { agencyCode, month } }, { upsert: true });
      await withLock(`counter:${idOf(agencyCode, month)}`, async () => {
        try {
          await op();
        } catch (e) {
          // concurrent first upserts of the same month: the loser retries as an update
          if (!isDuplicateKeyError(e)) translateMongoError(e, 'counter');
          await op().catch((e2) => translateMongoError(e2, 'counter'));
        }
      });
    },
    async get(agencyCode: AgencyCode, month: string): Promise<MonthlyCounters> {
      const d = await M.collection.findOne({ _id: idOf(agencyCode, month) } as Raw).catch((e) => translateMongoError(e));
      const counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, Number(d?.counts?.[n] ?? 0)])) as Record<CounterName, number>;
      return Object.freeze({ ...counts, agencyCode, month });
    },
  };
}
