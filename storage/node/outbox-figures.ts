import type mongoose from 'mongoose';
import type { OutboxFigures, OutboxFiguresReader } from '../../server/domain/ports/node/index.js';
import { translateMongoError } from '../mongo-errors.js';
import { nodeModels } from './models.js';
import type { Raw } from './raw.js';

/** Documents read per figure at most: monitoring must stay cheap even with a huge backlog (then it says "at least"). */
const CAP = 1000;

/**
 * The outbox figures from the documents: pending messages sit in documents with a `dispatchDue` (indexed),
 * failed ones anywhere (an unindexed filter, so the caller reads it at most every few seconds).
 */
export function createOutboxFiguresReader(connection: mongoose.Connection): OutboxFiguresReader {
  const c = () => nodeModels(connection).Document.collection;
  const messages = async (filter: Raw) =>
    (
      await c()
        .find(filter, { projection: { outgoing: 1 } })
        .limit(CAP)
        .toArray()
        .catch((e) => translateMongoError(e))
    ).flatMap((d: Raw) => (Array.isArray(d.outgoing) ? (d.outgoing as Raw[]) : []));
  return {
    async read(): Promise<OutboxFigures> {
      const pending = (await messages({ dispatchDue: { $ne: null } })).filter((m) => m.state === 'pending');
      const failed = (await messages({ 'outgoing.state': 'failed' })).filter((m) => m.state === 'failed');
      const oldest = pending
        .map((m) => new Date(m.createdAt).getTime())
        .filter(Number.isFinite)
        .sort((a, b) => a - b)[0];
      return { pending: pending.length, oldestPendingSince: oldest === undefined ? null : new Date(oldest), failed: failed.length };
    },
  };
}
