import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import type { HostedAgency, HostedAgencyRepository } from '../../server/domain/ports/node/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { nodeModels } from './models.js';
import type { Raw } from './raw.js';
import { createRecordLock } from './record-lock.js';

function toAgency(d: Raw): HostedAgency {
  return Object.freeze({
    code: String(d._id) as AgencyCode,
    name: String(d.name),
    pollLease: d.pollLease ? Object.freeze({ owner: String(d.pollLease.owner), until: new Date(d.pollLease.until) }) : null,
    lastPolledAt: d.lastPolledAt ? new Date(d.lastPolledAt) : null,
    createdAt: new Date(d.createdAt),
  });
}

/** Hosted agencies in node_hosted_agencies, keyed by agency code. */
export function createHostedAgencyRepository(connection: mongoose.Connection): HostedAgencyRepository {
  const { HostedAgency: M } = nodeModels(connection);
  const withLock = createRecordLock(connection);
  const byCode = (code: string) => ({ _id: code }) as Raw;
  return {
    async upsert({ code, name, now }): Promise<HostedAgency> {
      try {
        await M.collection.updateOne(byCode(code), { $set: { name }, $setOnInsert: { pollLease: null, lastPolledAt: null, createdAt: now } }, { upsert: true });
      } catch (e) {
        // two processes seeding at once: the other insert won, which is the same outcome
        if (!isDuplicateKeyError(e)) translateMongoError(e, 'hosted agency');
      }
      const d = await M.collection.findOne(byCode(code));
      if (!d) throw new Error('hosted agency vanished after upsert');
      return toAgency(d);
    },
    async find(code: AgencyCode): Promise<HostedAgency | null> {
      const d = await M.collection.findOne(byCode(code)).catch((e) => translateMongoError(e));
      return d ? toAgency(d) : null;
    },
    async list(): Promise<readonly HostedAgency[]> {
      const ds = await M.collection.find({}).sort({ _id: 1 }).toArray().catch((e) => translateMongoError(e));
      return ds.map(toAgency);
    },
    async claimPoll(code: AgencyCode, owner: string, now: Date, leaseMs: number): Promise<boolean> {
      const r = await withLock(`poll:${code}`, () =>
        M.collection.updateOne(
          { _id: code, $or: [{ pollLease: null }, { 'pollLease.until': { $lte: now } }, { 'pollLease.owner': owner }] } as Raw,
          { $set: { pollLease: { owner, until: new Date(now.getTime() + leaseMs) } } },
        ),
      ).catch((e) => translateMongoError(e));
      return r.matchedCount === 1;
    },
    async releasePoll(code: AgencyCode, owner: string, now: Date): Promise<void> {
      await withLock(`poll:${code}`, () => M.collection.updateOne({ _id: code, 'pollLease.owner': owner } as Raw, { $set: { pollLease: null, lastPolledAt: now } })).catch((e) =>
        translateMongoError(e),
      );
    },
  };
}
