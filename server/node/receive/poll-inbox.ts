import type { AgencyCode } from '../../domain/agency/index.js';
import { isDomainError } from '../../domain/errors.js';
import type { AxisDeliveryInfo, HostedAgency } from '../../domain/ports/node/index.js';
import type { NodeDeps, ReceivePolicy } from '../deps.js';
import { settleAll } from '../settle-all.js';
import { classifyReceiveFailure } from './classify-failure.js';
import { actsOnEarlierDocument, earlierDocumentOf, fetchDocument, receiveDelivery, storeDocument, type FetchedDocument, type ReceiveContext } from './receive-delivery.js';

const PAGE_SIZE = 50;
/** Pages read per poll: the poller pages past deliveries it cannot handle yet, up to this many pages. */
const MAX_PAGES = 20;

/**
 * Delay before a delivery's next attempt after `downloads` attempts: the first retry at once (a crash between
 * storing and acknowledging is repaired by the next poll), then exponential backoff capped by the policy.
 */
export function receiveRetryDelayMs(downloads: number, policy: ReceivePolicy): number {
  if (downloads <= 1) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (downloads - 2));
}

/** True when a delivery may be attempted at `now` (never downloaded, or its backoff has run out). */
export function isDue(item: AxisDeliveryInfo, now: Date, policy: ReceivePolicy): boolean {
  if (item.downloads === 0 || !item.lastDownloadedAt) return true;
  return now.getTime() >= item.lastDownloadedAt.getTime() + receiveRetryDelayMs(item.downloads, policy);
}

const unavailable = (deps: NodeDeps, agency: HostedAgency, e: unknown): number => {
  if (!isDomainError(e, 'ERR_AXIS_UNAVAILABLE')) throw e;
  deps.logger.info({ agency: agency.code }, 'axis unavailable; polling again later');
  return 0;
};

/** Every pending delivery of an agency, page by page (at most MAX_PAGES pages), as the axis lists them. */
async function listAllPending(deps: NodeDeps, code: AgencyCode, first?: readonly AxisDeliveryInfo[]): Promise<AxisDeliveryInfo[]> {
  const all: AxisDeliveryInfo[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const items = page === 1 && first ? first : (await deps.axis.listPending(code, { page, pageSize: PAGE_SIZE })).items;
    all.push(...items);
    if (items.length < PAGE_SIZE) break;
  }
  return all;
}

/**
 * Polls the axis for one hosted agency. It looks first (a read on the axis, no write here), and only when
 * something is due takes the agency's poll lease, so several node processes share the work without handling
 * a delivery twice and an idle node writes nothing. A crashed poller's lease expires and another takes over.
 *
 * No sender can jam the inbox: a delivery that fails for good is answered at once (transport `fail`, and a
 * status where one is owed); one that may succeed later waits for its backoff (the axis counts the
 * attempts as downloads) and is parked after `deps.receive.maxAttempts` (unless the fault is this node's own:
 * stale revocation data or busy workers are waited out, never parked); and the poller reads every page, so
 * deliveries it cannot handle yet never hide the ones behind them. Returns how many deliveries were handled.
 */
export async function pollAgencyOnce(deps: NodeDeps, agency: HostedAgency): Promise<number> {
  let first: readonly AxisDeliveryInfo[];
  try {
    first = (await deps.axis.listPending(agency.code, { page: 1, pageSize: PAGE_SIZE })).items;
  } catch (e) {
    return unavailable(deps, agency, e);
  }
  if (first.length === 0) return 0;
  if (first.length < PAGE_SIZE && !first.some((i) => isDue(i, deps.now(), deps.receive))) return 0; // all in backoff
  const claimed = deps.now();
  if (!(await deps.agencies.claimPoll(agency.code, deps.workerId, claimed, deps.pollLeaseMs))) return 0;
  let handled = 0;
  try {
    // Listed again under the lease: another process may have handled some while this one looked.
    const pending = await listAllPending(deps, agency.code);
    const now = deps.now();
    const due = pending.filter((i) => isDue(i, now, deps.receive));
    // The lease is renewed once a third of it has run (a renewal right after the claim would be a wasted write).
    let claimedAt = claimed.getTime();
    const renew = async () => {
      const at = deps.now();
      if (at.getTime() - claimedAt < deps.pollLeaseMs / 3) return true;
      claimedAt = at.getTime();
      return deps.agencies.claimPoll(agency.code, deps.workerId, at, deps.pollLeaseMs);
    };
    const ready = due;
    const byTime = (a: AxisDeliveryInfo, b: AxisDeliveryInfo) => a.submittedAt.getTime() - b.submittedAt.getTime();
    const edocs = fairShare(ready.filter((i) => i.type === 'edoc').sort(byTime)).slice(0, PASS_EDOCS);
    // statuses after documents, so a recall never arrives before the document it recalls
    const statuses = fairShare(ready.filter((i) => i.type === 'status').sort(byTime)).slice(0, PASS_STATUSES);
    const done = new Set<AxisDeliveryInfo>();
    const waitingKey = (from: string, documentId: string) => `${from}|${documentId}`;
    const waiting = () => new Set(pending.filter((i) => i.type === 'edoc' && !done.has(i)).map((i) => waitingKey(i.from, i.documentId)));
    for (const window of windows(edocs)) {
      if (!(await renew())) return handled; // lease lost
      const context: ReceiveContext = {
        awaiting: (from, documentId) => {
          const w = waiting();
          return w.has(waitingKey(from, documentId));
        },
      };
      for (const item of await receiveWindow(deps, agency, window, context)) done.add(item);
    }
    handled += done.size;
    // A status about a document whose package still waits (in backoff) waits with it.
    const stillWaiting = waiting();
    for (const item of statuses) {
      if (stillWaiting.has(waitingKey(item.from, item.documentId))) continue;
      if (!(await renew())) break;
      handled += (await attempt(deps, agency, item, () => receiveDelivery(deps, agency.code, agency.name, item))) ? 1 : 0;
    }
  } catch (e) {
    unavailable(deps, agency, e);
  } finally {
    await deps.agencies.releasePoll(agency.code, deps.workerId, deps.now());
  }
  return handled;
}

/** Document packages fetched (downloaded and verified) at once, and the bytes they may hold in memory together. */
const RECEIVE_WINDOW = 4;
const RECEIVE_WINDOW_BYTES = 16 * 1024 * 1024;
/**
 * Deliveries one pass handles at most; the rest wait for the next pass, which lists again and shares again,
 * so a document arriving behind a flood waits for one short pass, not for the whole flood.
 */
const PASS_EDOCS = 16;
const PASS_STATUSES = 50;

/** Consecutive windows of at most RECEIVE_WINDOW packages and RECEIVE_WINDOW_BYTES (a larger package goes alone). */
function windows(items: readonly AxisDeliveryInfo[]): AxisDeliveryInfo[][] {
  const out: AxisDeliveryInfo[][] = [];
  let current: AxisDeliveryInfo[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= RECEIVE_WINDOW || bytes + item.size > RECEIVE_WINDOW_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Interleaves the senders (oldest first within each, then one of each in turn), so a sender who floods an
 * inbox delays only its own packages: another agency's document goes in the first window. Order within one
 * sender is kept, which is all that ordering needs (a revoke, update or replace acts on its sender's own document).
 */
export function fairShare(items: readonly AxisDeliveryInfo[]): AxisDeliveryInfo[] {
  const bySender = new Map<string, AxisDeliveryInfo[]>();
  for (const item of items) {
    const queue = bySender.get(item.from);
    if (queue) queue.push(item);
    else bySender.set(item.from, [item]);
  }
  const queues = [...bySender.values()];
  const out: AxisDeliveryInfo[] = [];
  for (let round = 0; out.length < items.length; round++) for (const q of queues) if (round < q.length) out.push(q[round]!);
  return out;
}

/** Answers a delivery `fail` with the reason; one answered already (by a crashed earlier attempt) is left alone. */
async function answerFail(deps: NodeDeps, agency: HostedAgency, item: AxisDeliveryInfo, reason: string): Promise<void> {
  try {
    await deps.axis.ack(agency.code, item.docId, 'fail', reason.slice(0, 1000));
  } catch (e) {
    if (classifyReceiveFailure(e) === 'stop') throw e;
    deps.logger.warn({ err: e, agency: agency.code, axisDocId: item.docId }, 'delivery could not be answered fail');
  }
}

/** A delivery whose attempts are spent: parked in the axis's visible `fail` state, with the reason. */
async function park(deps: NodeDeps, agency: HostedAgency, item: AxisDeliveryInfo, attempts: number, e: unknown): Promise<void> {
  deps.logger.error({ err: e, agency: agency.code, axisDocId: item.docId, attempts }, 'delivery parked as failed after its last attempt');
  const why = isDomainError(e) ? `${e.code}: ${e.message}` : 'unexpected error';
  await answerFail(deps, agency, item, `ERR_RECEIVE_GAVE_UP: not handled after ${attempts} attempts (last: ${why})`);
}

/**
 * Runs one delivery's work. True when the delivery is settled: handled, refused at once (a failure that
 * cannot change on retry: transport `fail` with the reason), or parked after its last attempt. False (logged)
 * when a later attempt may succeed; a delivery this node cannot judge yet (`wait`) is never parked.
 */
async function attempt(deps: NodeDeps, agency: HostedAgency, item: AxisDeliveryInfo, work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (e) {
    const kind = classifyReceiveFailure(e);
    if (kind === 'stop') throw e;
    if (kind === 'refuse' && isDomainError(e)) {
      deps.logger.warn({ agency: agency.code, axisDocId: item.docId, code: e.code }, 'delivery refused at once');
      await answerFail(deps, agency, item, `${e.code}: ${e.message}`);
      return true;
    }
    // This attempt downloaded the package once more: the axis now counts downloads + 1.
    const attempts = item.downloads + 1;
    if (kind === 'retry' && attempts >= deps.receive.maxAttempts) {
      await park(deps, agency, item, attempts, e);
      return true;
    }
    const log = kind === 'wait' ? deps.logger.warn.bind(deps.logger) : deps.logger.error.bind(deps.logger);
    log({ err: e, agency: agency.code, axisDocId: item.docId, attempt: attempts }, kind === 'wait' ? 'delivery cannot be judged yet; tried again after a backoff' : 'delivery not handled; retried after a backoff');
    return false;
  }
}

/**
 * Receives a window of document packages (oldest first): all are fetched side by side, new documents are
 * stored side by side, then those that revoke, update or replace an earlier document are stored one by one
 * in order, after the documents they may act on. Returns the deliveries settled.
 */
async function receiveWindow(deps: NodeDeps, agency: HostedAgency, items: readonly AxisDeliveryInfo[], context: ReceiveContext): Promise<AxisDeliveryInfo[]> {
  const fetched = new Map<AxisDeliveryInfo, FetchedDocument>();
  const settled: AxisDeliveryInfo[] = [];
  const track = (item: AxisDeliveryInfo) => (ok: boolean) => {
    if (ok) settled.push(item);
  };
  await settleAll(
    items.map((item) =>
      attempt(deps, agency, item, async () => fetched.set(item, await fetchDocument(deps, agency.code, item))).then((ok) => {
        if (ok && !fetched.has(item)) settled.push(item); // refused at once
      }),
    ),
  );
  const ready = items.filter((item) => fetched.has(item));
  const store = (item: AxisDeliveryInfo) => attempt(deps, agency, item, () => storeDocument(deps, agency.code, agency.name, item, fetched.get(item)!, context)).then(track(item));
  await settleAll(ready.filter((item) => !actsOnEarlierDocument(fetched.get(item)!)).map(store));
  // Those acting on the same earlier document go in order; different targets go side by side.
  const chains = new Map<string, AxisDeliveryInfo[]>();
  for (const item of ready.filter((i) => actsOnEarlierDocument(fetched.get(i)!))) {
    const key = `${item.from}|${earlierDocumentOf(fetched.get(item)!, agency.code)}`;
    chains.set(key, [...(chains.get(key) ?? []), item]);
  }
  await settleAll(
    [...chains.values()].map(async (chain) => {
      for (const item of chain) await store(item);
    }),
  );
  return settled;
}

/** Hosted agencies polled at once: each poll is mostly waiting on the axis. */
const POLL_LANES = 4;

/** Passes one poll runs back to back while they find work: a backlog drains without waiting for the timer. */
const DRAIN_PASSES = 8;

/**
 * One poll of every hosted agency, a few at a time; an agency whose pass handled something (a full share,
 * PASS_EDOCS, may leave more behind) is polled again at once, up to DRAIN_PASSES times. Returns how many
 * deliveries were handled.
 */
export async function pollInboxOnce(deps: NodeDeps): Promise<number> {
  const agencies = [...(await deps.agencies.list())];
  let handled = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < agencies.length) {
      const agency = agencies[next++]!;
      for (let pass = 0; pass < DRAIN_PASSES; pass++) {
        const n = await pollAgencyOnce(deps, agency);
        handled += n;
        if (n === 0) break;
      }
    }
  };
  // Every lane ends before the pass does (no poll outlives its pass); the first failure is reported.
  await settleAll(Array.from({ length: Math.min(POLL_LANES, agencies.length) }, lane));
  return handled;
}
