import { DomainError } from '../errors.js';
import { DISPATCH_PRIORITY, type DispatchPriority, type NodeDocument, type OutgoingMessage } from '../ports/node/index.js';

/** What every write that touches a document's messages carries: the messages and when the next one is due. */
export interface MessageChanges {
  readonly outgoing: OutgoingMessage[];
  readonly dispatchDue: Date | null;
}

/**
 * When the document's next message is due: the first unsent message, unless it failed (then nothing moves, so
 * a status never overtakes the document it is about). The one place `dispatchDue` is computed.
 */
export function dispatchDueOf(outgoing: readonly OutgoingMessage[]): Date | null {
  const next = outgoing.find((m) => m.state !== 'sent');
  return next && next.state === 'pending' ? next.nextAttemptAt : null;
}

/** The messages given, with the `dispatchDue` they make. */
export function withMessages(outgoing: OutgoingMessage[]): MessageChanges {
  return { outgoing, dispatchDue: dispatchDueOf(outgoing) };
}

/** The dispatcher's order for a document's traffic (DISPATCH_PRIORITY): its box and, for the inbox, its verdict. */
export function dispatchPriorityOf(doc: Pick<NodeDocument, 'box' | 'verification'>): DispatchPriority {
  if (doc.box === 'outbox') return DISPATCH_PRIORITY.send;
  return doc.verification.verdict === 'refused' ? DISPATCH_PRIORITY.refusal : DISPATCH_PRIORITY.answer;
}

/** Exponential backoff with equal jitter: half the exponential step fixed, half random (AWS architecture blog). */
export function backoffDelayMs(attempt: number, policy: { readonly baseDelayMs: number; readonly maxDelayMs: number }, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random * (step / 2));
}

/** The message to send next at `at`: the first unsent one, when it is pending and due; else null. */
export function dueMessageOf(doc: Pick<NodeDocument, 'outgoing'>, at: Date): OutgoingMessage | null {
  const m = doc.outgoing.find((x) => x.state !== 'sent');
  return !m || m.state === 'failed' || m.nextAttemptAt.getTime() > at.getTime() ? null : m;
}

function replaceMessage(doc: Pick<NodeDocument, 'outgoing'>, id: string, change: (m: OutgoingMessage) => OutgoingMessage): MessageChanges {
  return withMessages(doc.outgoing.map((m) => (m.id === id ? change(m) : m)));
}

/** The axis took message `id`: it is sent, with the axis's docId, and counts one more attempt. */
export function markSent(doc: Pick<NodeDocument, 'outgoing'>, id: string, sent: { readonly axisDocId: string; readonly at: Date }): MessageChanges {
  return replaceMessage(doc, id, (x) => ({ ...x, state: 'sent', axisDocId: sent.axisDocId, sentAt: sent.at, attempts: x.attempts + 1 }));
}

/** What one failed attempt to send a message leads to. */
export interface FailedAttempt {
  readonly attempts: number;
  readonly lastError: string;
  /** True when the message stops (`failed`): a refusal, or the last attempt allowed. */
  readonly give: boolean;
  /** When it is tried again (unless it stops). */
  readonly nextAttemptAt: Date;
}

/**
 * Decides what a failed attempt of `message` leads to: a failure that is not `transient`, or the
 * `maxAttempts`-th, stops it; otherwise the next attempt comes after the backoff (`random` in [0, 1)).
 */
export function failedAttemptOf(
  message: Pick<OutgoingMessage, 'attempts'>,
  failure: { readonly transient: boolean; readonly lastError: string; readonly at: Date; readonly maxAttempts: number; readonly policy: { readonly baseDelayMs: number; readonly maxDelayMs: number }; readonly random: number },
): FailedAttempt {
  const attempts = message.attempts + 1;
  return {
    attempts,
    lastError: failure.lastError,
    give: !failure.transient || attempts >= failure.maxAttempts,
    nextAttemptAt: new Date(failure.at.getTime() + backoffDelayMs(attempts, failure.policy, failure.random)),
  };
}

/** Records a failed attempt of message `id`: `failed` when it stops (nothing after it is due then), else rescheduled. */
export function markFailed(doc: Pick<NodeDocument, 'outgoing'>, id: string, f: FailedAttempt): MessageChanges {
  return replaceMessage(doc, id, (x) => ({ ...x, attempts: f.attempts, lastError: f.lastError, ...(f.give ? { state: 'failed' as const } : { nextAttemptAt: f.nextAttemptAt }) }));
}

/**
 * Puts the failed messages back in the queue at `at` (attempts start again), or ERR_CONFLICT
 * (`NOTHING_TO_RETRY`) when none failed.
 */
export function retryFailed(doc: Pick<NodeDocument, 'outgoing'>, at: Date): MessageChanges {
  if (!doc.outgoing.some((m) => m.state === 'failed')) throw new DomainError('ERR_CONFLICT', 'no failed message to retry', { details: { reason: 'NOTHING_TO_RETRY' } });
  return withMessages(doc.outgoing.map((m) => (m.state === 'failed' ? { ...m, state: 'pending' as const, attempts: 0, nextAttemptAt: at } : m)));
}

/**
 * The dispatch lease of `owner` comes off in the same write as `changes` when nothing else is due at `at`
 * (another owner's lease is left alone).
 */
export function releasingIfDone<C extends MessageChanges>(doc: Pick<NodeDocument, 'dispatchLease'>, changes: C, owner: string, at: Date): C | (C & { readonly dispatchLease: null }) {
  const moreDue = changes.outgoing.some((x) => x.state === 'pending' && x.nextAttemptAt.getTime() <= at.getTime());
  return moreDue || doc.dispatchLease?.owner !== owner ? changes : { ...changes, dispatchLease: null };
}

/** Gives back `owner`'s dispatch lease; null (nothing to write) when `owner` does not hold it. */
export function releaseLease(doc: Pick<NodeDocument, 'dispatchLease'>, owner: string): { readonly dispatchLease: null } | null {
  return doc.dispatchLease?.owner === owner ? { dispatchLease: null } : null;
}
