import { isDomainError } from '../../domain/errors.js';
import type { HostedAgency } from '../../domain/ports/node/index.js';
import type { NodeDeps } from '../deps.js';
import { receiveDelivery } from './receive-delivery.js';

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
  if (!(await deps.agencies.claimPoll(agency.code, deps.workerId, deps.now(), deps.pollLeaseMs))) return 0;
  let handled = 0;
  try {
    // Listed again under the lease: another process may have handled some while this one looked.
    const fresh = await deps.axis.listPending(agency.code, { page: 1, pageSize: PAGE_SIZE });
    // statuses after documents, so a recall never arrives before the document it recalls
    const items = [...fresh.items].sort((a, b) => (a.type === b.type ? a.submittedAt.getTime() - b.submittedAt.getTime() : a.type === 'edoc' ? -1 : 1));
    for (const item of items) {
      if (!(await deps.agencies.claimPoll(agency.code, deps.workerId, deps.now(), deps.pollLeaseMs))) break; // lease lost
      try {
        await receiveDelivery(deps, agency.code, agency.name, item);
        handled++;
      } catch (e) {
        if (isDomainError(e, 'ERR_AXIS_UNAVAILABLE') || isDomainError(e, 'ERR_DATABASE_UNAVAILABLE')) throw e;
        deps.logger.error({ err: e, agency: agency.code, axisDocId: item.docId }, 'delivery not handled; retried at the next poll');
      }
    }
  } catch (e) {
    if (isDomainError(e, 'ERR_AXIS_UNAVAILABLE')) deps.logger.info({ agency: agency.code }, 'axis unavailable; polling again later');
    else throw e;
  } finally {
    await deps.agencies.releasePoll(agency.code, deps.workerId, deps.now());
  }
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
  const results = await Promise.allSettled(Array.from({ length: Math.min(POLL_LANES, agencies.length) }, lane));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return handled;
}
