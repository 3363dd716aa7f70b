import { deadlineIn } from './clock.js';

/**
 * Polls `probe` until it returns a value (not undefined), or fails after `ms` naming `what` and the last error
 * the probe threw. The deadline is a monotonic timer (test/support/clock.ts), never the wall clock. The default, 90 s,
 * outlasts the dispatch queue's one-minute repair (storage/node/document-repository.ts), which a loaded FerretDB can need.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000, intervalMs = 250): Promise<T> {
  const expired = deadlineIn(ms);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (expired()) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
