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

/** How long list() answers from this process's last read (elapsed time, not the service clock). */
const LIST_CACHE_MS = 5000;

/**
 * Hosted agencies in node_hosted_agencies, keyed by agency code. list() is kept for LIST_CACHE_MS (an upsert
 * through this repository forgets it), so an agency provisioned by another process is polled within 5 s, and
 * the leases and poll times it shows may be that old; claimPoll and find read the store.
 */
export function createHostedAgencyRepository(connection: mongoose.Connection): HostedAgencyRepository {
  const { HostedAgency: M } = nodeModels(connection);
  const withLock = createRecordLock(connection);
  const byCode = (code: string) => ({ _id: code }) as Raw;
  let listed: { agencies: readonly HostedAgency[]; until: number } | undefined;
  return {
    async upsert({ code, name, now }): Promise<HostedAgency> {
      listed = undefined;
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
      // The inbox poller lists every pass (several a second); the list changes only when an agency is provisioned.
      const now = Date.now();
      if (listed && listed.until > now) return listed.agencies;
      // Sorted here: FerretDB 1.24 (SQLite) sorts in Go after decoding, measured a quarter of this read for 501
      // agencies; codes are ASCII, so this order is the server's _id order.
      const ds = await M.collection
        .find({})
        .toArray()
        .catch((e) => translateMongoError(e));
      const agencies = Object.freeze(ds.map(toAgency).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)));
      listed = { agencies, until: now + LIST_CACHE_MS };
      return agencies;
    },
    async claimPoll(code: AgencyCode, owner: string, now: Date, leaseMs: number): Promise<boolean> {
      const r = await withLock(`poll:${code}`, () =>
        M.collection.updateOne({ _id: code, $or: [{ pollLease: null }, { 'pollLease.until': { $lte: now } }, { 'pollLease.owner': owner }] } as Raw, { $set: { pollLease: { owner, until: new Date(now.getTime() + leaseMs) } } }),
      ).catch((e) => translateMongoError(e));
      return r.matchedCount === 1;
    },
    async releasePoll(code: AgencyCode, owner: string, now: Date): Promise<void> {
      await withLock(`poll:${code}`, () => M.collection.updateOne({ _id: code, 'pollLease.owner': owner } as Raw, { $set: { pollLease: null, lastPolledAt: now } })).catch((e) => translateMongoError(e));
    },
  };
}
