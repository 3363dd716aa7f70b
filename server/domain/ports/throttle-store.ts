/** One key's failures: how many, since when unbroken, and until when it is locked. */
export interface ThrottleEntry {
  readonly failures: number;
  readonly lastFailureAt: number;
  readonly lockedUntil: number;
}

/**
 * Where failed attempts (logins, axis token requests) are counted. The in-memory store holds in one process;
 * the database's holds across every process behind a load balancer. `recordFailure` must be atomic per key.
 */
export interface ThrottleStore {
  get(key: string): Promise<ThrottleEntry | null>;
  /** Adds a failure at `now` and returns the entry after it, with `lockedUntil` from `lockFor`. */
  recordFailure(key: string, now: number, forgetAfterMs: number, lockFor: (failures: number) => number): Promise<ThrottleEntry>;
  reset(key: string): Promise<void>;
}
