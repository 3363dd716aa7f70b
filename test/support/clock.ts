/**
 * The one clock of the test suite. No test reads the wall clock: a test takes its instants from a `TestClock`,
 * which starts at a fixed instant and moves forward only with the elapsed monotonic time (so leases, retries
 * and timeouts still see time pass) or when the test advances it. Code under test gets the same clock through
 * its `now` dependency, so dates in documents, certificates, CRLs, tokens and reports all agree, whatever the
 * calendar says when the suite runs.
 */
import { performance } from 'node:perf_hooks';

/** 2026-11-20 10:00 in Vietnam time (+07:00): mid-month, so a test run never straddles a month boundary. */
export const TEST_START = new Date('2026-11-20T03:00:00Z');

export interface TestClock {
  /** The current instant of this clock. */
  (): Date;
  /** Moves this clock forward by `ms` (it never goes back). */
  advance(ms: number): void;
  /** The month of `now()` in Vietnam time, `YYYY-MM`. */
  month(): string;
  /** The date of `now()` in Vietnam time, `YYYY-MM-DD`. */
  day(): string;
}

const VIETNAM_OFFSET_MS = 7 * 3600_000;

export function createTestClock(start: Date = TEST_START): TestClock {
  const t0 = performance.now();
  let skew = 0;
  const now = (() => new Date(start.getTime() + Math.floor(performance.now() - t0) + skew)) as TestClock;
  now.advance = (ms: number) => {
    if (!(ms >= 0)) throw new TypeError('a test clock only moves forward');
    skew += ms;
  };
  now.day = () => new Date(now().getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
  now.month = () => now.day().slice(0, 7);
  return now;
}

/** Elapsed-time deadlines for polling loops (monotonic; not a date). */
export function deadlineIn(ms: number): () => boolean {
  const end = performance.now() + ms;
  return () => performance.now() > end;
}

/** The shared clock of this test process (for fixtures; a test that advances time makes its own). */
export const testClock: TestClock = createTestClock();

/** `YYYY/MM/DD` of a clock's day in Vietnam time, as edXML writes dates. */
export function edxmlDay(clock: TestClock = testClock): string {
  return clock.day().replaceAll('-', '/');
}
