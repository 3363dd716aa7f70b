import { DomainError } from '../domain/errors.js';
import type { ThrottleEntry, ThrottleStore } from '../domain/ports/throttle-store.js';

export type { ThrottleEntry, ThrottleStore };

/** How many failures a key may have before it is locked, and how the lock grows. */
export interface ThrottlePolicy {
  /** Failures allowed before the first lock. */
  readonly freeFailures: number;
  /** The first lock; each further failure doubles it (exponential backoff). */
  readonly baseLockMs: number;
  /** The longest lock (lockout). */
  readonly maxLockMs: number;
  /** A key with no failure for this long starts afresh. */
  readonly forgetAfterMs: number;
}

/** Who is attempting: the account guessed at, and the address the attempt came from. */
export interface AttemptKeys {
  readonly account: string;
  readonly address?: string;
}

export interface ThrottlePolicies {
  readonly account: ThrottlePolicy;
  readonly address: ThrottlePolicy;
}

export interface Throttle {
  /** ERR_TOO_MANY_REQUESTS (with `retryAfterSeconds`) while the account or the address is locked. */
  check(who: AttemptKeys): Promise<void>;
  /** Counts a failed attempt against the account and the address. */
  fail(who: AttemptKeys): Promise<void>;
  /** A success forgets the account's failures (not the address's: one right password does not clear a sweep). */
  succeed(who: AttemptKeys): Promise<void>;
  /** Until when the account (alone, whatever the address) is locked now; null when it is not. */
  accountLockedUntil(account: string): Promise<Date | null>;
}

/** The lock after `failures` failures: none within the free ones, then base·2^(n−free−1), at most max. */
export function lockDuration(policy: ThrottlePolicy, failures: number): number {
  const over = failures - policy.freeFailures;
  if (over <= 0) return 0;
  return Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(over - 1, 30));
}

/**
 * Throttles guessing (logins, axis token requests) per account and per address: a few free failures, then
 * locks that double with each further failure up to a lockout, answered 429 with Retry-After. Reads time from
 * `now` only (tests inject a clock).
 */
export function createThrottle(store: ThrottleStore, now: () => Date, policies: ThrottlePolicies = DEFAULT_THROTTLE_POLICIES): Throttle {
  const keysOf = (who: AttemptKeys) => [{ key: `account:${who.account}`, policy: policies.account }, ...(who.address ? [{ key: `address:${who.address}`, policy: policies.address }] : [])];
  return {
    async check(who) {
      const t = now().getTime();
      let until = 0;
      for (const k of keysOf(who)) {
        const e = await store.get(k.key);
        if (e && t - e.lastFailureAt < k.policy.forgetAfterMs && e.lockedUntil > t) until = Math.max(until, e.lockedUntil);
      }
      if (until > t) {
        const retryAfterSeconds = Math.max(1, Math.ceil((until - t) / 1000));
        throw new DomainError('ERR_TOO_MANY_REQUESTS', `too many failed attempts; retry after ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
      }
    },
    async fail(who) {
      const t = now().getTime();
      for (const k of keysOf(who)) await store.recordFailure(k.key, t, k.policy.forgetAfterMs, (n) => lockDuration(k.policy, n));
    },
    async succeed(who) {
      await store.reset(keysOf(who)[0]!.key);
    },
    async accountLockedUntil(account) {
      const t = now().getTime();
      const e = await store.get(`account:${account}`);
      return e && t - e.lastFailureAt < policies.account.forgetAfterMs && e.lockedUntil > t ? new Date(e.lockedUntil) : null;
    },
  };
}

/** Failures kept in this process's memory, at most `maxKeys` (the oldest forgotten first). */
export function createMemoryThrottleStore(maxKeys = 100_000): ThrottleStore {
  const entries = new Map<string, ThrottleEntry>();
  return {
    async get(key) {
      return entries.get(key) ?? null;
    },
    async recordFailure(key, t, forgetAfterMs, lockFor) {
      const old = entries.get(key);
      const failures = old && t - old.lastFailureAt < forgetAfterMs ? old.failures + 1 : 1;
      const entry = { failures, lastFailureAt: t, lockedUntil: t + lockFor(failures) };
      entries.delete(key);
      entries.set(key, entry);
      if (entries.size > maxKeys) entries.delete(entries.keys().next().value!);
      return entry;
    },
    async reset(key) {
      entries.delete(key);
    },
  };
}

export const DEFAULT_ACCOUNT_POLICY: ThrottlePolicy = Object.freeze({ freeFailures: 5, baseLockMs: 1000, maxLockMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 });
export const DEFAULT_ADDRESS_POLICY: ThrottlePolicy = Object.freeze({ freeFailures: 50, baseLockMs: 1000, maxLockMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 });
export const DEFAULT_THROTTLE_POLICIES: ThrottlePolicies = Object.freeze({ account: DEFAULT_ACCOUNT_POLICY, address: DEFAULT_ADDRESS_POLICY });
