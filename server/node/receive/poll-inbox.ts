import { isDomainError } from '../../domain/errors.js';
import type { AxisDeliveryInfo, HostedAgency } from '../../domain/ports/node/index.js';
import type { NodeDeps } from '../deps.js';
import { settleAll } from '../settle-all.js';
import { actsOnEarlierDocument, fetchDocument, receiveDelivery, storeDocument, type FetchedDocument } from './receive-delivery.js';

const PAGE_SIZE = 50;

/**
 * Polls the axis for one hosted agency. It looks first (a read on the axis, no write here), and only when
 * something waits takes the agency's poll lease, so several node processes share the work without handling a
 * delivery twice and an idle node writes nothing. A crashed poller's lease expires and another takes over.
 * Handles each waiting delivery, renewing the lease as it goes. Returns how many deliveries were handled.
 */
export async function pollAgencyOnce(deps: NodeDeps, agency: HostedAgency): Promise<number> {
  let page;
  try {
    page = await deps.axis.listPending(agency.code, { page: 1, pageSize: PAGE_SIZE });
  } catch (e) {
    if (isDomainError(e, 'ERR_AXIS_UNAVAILABLE')) {
      deps.logger.info({ agency: agency.code }, 'axis unavailable; polling again later');
      return 0;
    }
    throw e;
  }
  if (page.items.length === 0) return 0;
  const claimed = deps.now();
  if (!(await deps.agencies.claimPoll(agency.code, deps.workerId, claimed, deps.pollLeaseMs))) return 0;
  let handled = 0;
  try {
    // Listed again under the lease: another process may have handled some while this one looked.
    const fresh = await deps.axis.listPending(agency.code, { page: 1, pageSize: PAGE_SIZE });
    const byTime = (a: AxisDeliveryInfo, b: AxisDeliveryInfo) => a.submittedAt.getTime() - b.submittedAt.getTime();
    const edocs = fresh.items.filter((i) => i.type === 'edoc').sort(byTime);
    // statuses after documents, so a recall never arrives before the document it recalls
    const statuses = fresh.items.filter((i) => i.type === 'status').sort(byTime);
    // The lease is renewed once a third of it has run (a renewal right after the claim would be a wasted write).
    let claimedAt = claimed.getTime();
    const renew = async () => {
      const now = deps.now();
      if (now.getTime() - claimedAt < deps.pollLeaseMs / 3) return true;
      claimedAt = now.getTime();
      return deps.agencies.claimPoll(agency.code, deps.workerId, now, deps.pollLeaseMs);
    };
    for (let i = 0; i < edocs.length; i += RECEIVE_WINDOW) {
      if (!(await renew())) return handled; // lease lost
      handled += await receiveWindow(deps, agency, edocs.slice(i, i + RECEIVE_WINDOW));
    }
    for (const item of statuses) {
      if (!(await renew())) break;
      handled += (await attempt(deps, agency, item, () => receiveDelivery(deps, agency.code, agency.name, item))) ? 1 : 0;
    }
  } catch (e) {
    if (isDomainError(e, 'ERR_AXIS_UNAVAILABLE')) deps.logger.info({ agency: agency.code }, 'axis unavailable; polling again later');
    else throw e;
  } finally {
    await deps.agencies.releasePoll(agency.code, deps.workerId, deps.now());
  }
  return handled;
}

/** Document packages fetched (downloaded and verified) at once; also bounds the bytes held in memory. */
const RECEIVE_WINDOW = 4;

/** A failure that stops the poll (the axis or the database is away); any other is logged and retried later. */
const stopsThePoll = (e: unknown) => isDomainError(e, 'ERR_AXIS_UNAVAILABLE') || isDomainError(e, 'ERR_DATABASE_UNAVAILABLE');

/** Runs one delivery's work; false (logged) when it failed in a way the next poll may repair. */
async function attempt(deps: NodeDeps, agency: HostedAgency, item: AxisDeliveryInfo, work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (e) {
    if (stopsThePoll(e)) throw e;
    deps.logger.error({ err: e, agency: agency.code, axisDocId: item.docId }, 'delivery not handled; retried at the next poll');
    return false;
  }
}

/**
 * Receives a window of document packages (oldest first): all are fetched side by side, new documents are
 * stored side by side, then those that revoke, update or replace an earlier document are stored one by one
 * in order, after the documents they may act on.
 */
async function receiveWindow(deps: NodeDeps, agency: HostedAgency, items: readonly AxisDeliveryInfo[]): Promise<number> {
  const fetched = new Map<AxisDeliveryInfo, FetchedDocument>();
  await settleAll(items.map((item) => attempt(deps, agency, item, async () => fetched.set(item, await fetchDocument(deps, agency.code, item)))));
  const ready = items.filter((item) => fetched.has(item));
  const store = (item: AxisDeliveryInfo) => attempt(deps, agency, item, () => storeDocument(deps, agency.code, agency.name, item, fetched.get(item)!));
  let handled = (await settleAll(ready.filter((item) => !actsOnEarlierDocument(fetched.get(item)!)).map(store))).filter(Boolean).length;
  for (const item of ready.filter((i) => actsOnEarlierDocument(fetched.get(i)!))) handled += (await store(item)) ? 1 : 0;
  return handled;
}

/** Hosted agencies polled at once: each poll is mostly waiting on the axis. */
const POLL_LANES = 4;

/** One poll of every hosted agency, a few at a time. Returns how many deliveries were handled. */
export async function pollInboxOnce(deps: NodeDeps): Promise<number> {
  const agencies = [...(await deps.agencies.list())];
  let handled = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < agencies.length) handled += await pollAgencyOnce(deps, agencies[next++]!);
  };
  // Every lane ends before the pass does (no poll outlives its pass); the first failure is reported.
  await settleAll(Array.from({ length: Math.min(POLL_LANES, agencies.length) }, lane));
  return handled;
}
