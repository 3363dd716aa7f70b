/** A small benchmark harness: warm-up, time-boxed iterations, ops/s. Benchmarks, not timed tests. */

export interface BenchCase {
  readonly name: string;
  readonly opsPerSec: number;
  /** Mean time of one operation, microseconds. */
  readonly meanMicros: number;
  readonly iterations: number;
  /** Name of the case this one is compared with, and the ratio opsPerSec / baseline.opsPerSec. */
  readonly baseline?: string;
  readonly ratio?: number;
  /** Target ratio from the issue, when there is one. */
  readonly target?: number;
  readonly note?: string;
}

export interface MeasureOptions {
  readonly baseline?: string;
  readonly target?: number;
  readonly note?: string;
  /** Operations started per timed call (for concurrent drivers). Default 1. */
  readonly opsPerCall?: number;
}

/** One side of an interleaved comparison. */
export interface PairSide {
  readonly name: string;
  readonly fn: () => unknown;
  readonly note?: string;
}

export interface BenchContext {
  /**
   * Measures `baseline` and `candidate` in alternating slices (A B A B …) so both see the same machine load,
   * then records both; the candidate's ratio is to the baseline of the same run.
   */
  pair(
    baseline: PairSide,
    candidate: PairSide,
    options?: { target?: number; rounds?: number; /** the baseline case was recorded by an earlier pair: measure it again alongside, do not record it twice */ baselineRecorded?: boolean },
  ): Promise<[BenchCase, BenchCase]>;
  /** Time budget of one case, milliseconds (warm-up is a quarter of it). */
  readonly caseMillis: number;
  /** Runs `fn` repeatedly (awaiting it when it returns a promise) and records the case. */
  measure(name: string, fn: () => unknown, options?: MeasureOptions): Promise<BenchCase>;
  /** Records a case measured by the suite itself (e.g. a concurrent driver). */
  record(c: Omit<BenchCase, 'ratio'> & { ratio?: number }): BenchCase;
  readonly cases: readonly BenchCase[];
}

export interface BenchSuite {
  readonly name: string;
  run(ctx: BenchContext): Promise<void>;
}

async function loop(fn: () => unknown, millis: number): Promise<{ iterations: number; nanos: bigint }> {
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(millis * 1e6));
  let iterations = 0;
  let now = start;
  const first = fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  iterations++;
  // Batches keep the clock reads out of the measurement for fast operations.
  let batch = 1;
  while (now < deadline) {
    if (isAsync) for (let i = 0; i < batch; i++) await fn();
    else for (let i = 0; i < batch; i++) fn();
    iterations += batch;
    now = process.hrtime.bigint();
    if (batch < 64) batch *= 2;
  }
  return { iterations, nanos: now - start };
}

export function createContext(caseMillis: number, onCase: (c: BenchCase) => void): BenchContext {
  const cases: BenchCase[] = [];
  const withRatio = (c: Omit<BenchCase, 'ratio'> & { ratio?: number }): BenchCase => {
    const base = c.baseline ? cases.find((x) => x.name === c.baseline) : undefined;
    const made: BenchCase = c.ratio !== undefined ? { ...c } : base ? { ...c, ratio: c.opsPerSec / base.opsPerSec } : { ...c };
    cases.push(made);
    onCase(made);
    return made;
  };
  return {
    caseMillis,
    cases,
    record: withRatio,
    async pair(baseline, candidate, options = {}) {
      // Short alternating slices (~25 ms) average out bursts of load from other processes.
      const rounds = options.rounds ?? Math.max(6, Math.round(caseMillis / 25));
      const slice = caseMillis / rounds;
      await loop(baseline.fn, caseMillis / 8);
      await loop(candidate.fn, caseMillis / 8);
      const totals = [
        { iterations: 0, nanos: 0n },
        { iterations: 0, nanos: 0n },
      ];
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        for (const i of order) {
          const res = await loop(i === 0 ? baseline.fn : candidate.fn, slice);
          totals[i]!.iterations += res.iterations;
          totals[i]!.nanos += res.nanos;
        }
      }
      const make = (side: PairSide, t: { iterations: number; nanos: bigint }) => {
        const seconds = Number(t.nanos) / 1e9;
        return { name: side.name, opsPerSec: t.iterations / seconds, meanMicros: (seconds * 1e6) / t.iterations, iterations: t.iterations, ...(side.note ? { note: side.note } : {}) };
      };
      const a = options.baselineRecorded ? make(baseline, totals[0]!) : withRatio(make(baseline, totals[0]!));
      const c = make(candidate, totals[1]!);
      const b = withRatio({
        ...c,
        baseline: baseline.name,
        ...(options.baselineRecorded ? { ratio: c.opsPerSec / a.opsPerSec, note: `${c.note ?? ''}; baseline re-measured alongside: ${a.opsPerSec.toFixed(0)} ops/s`.replace(/^; /, '') } : {}),
        ...(options.target !== undefined ? { target: options.target } : {}),
      });
      return [a, b];
    },
    async measure(name, fn, options = {}) {
      await loop(fn, caseMillis / 4);
      const { iterations, nanos } = await loop(fn, caseMillis);
      const ops = iterations * (options.opsPerCall ?? 1);
      const seconds = Number(nanos) / 1e9;
      return withRatio({
        name,
        opsPerSec: ops / seconds,
        meanMicros: (seconds * 1e6) / ops,
        iterations: ops,
        ...(options.baseline ? { baseline: options.baseline } : {}),
        ...(options.target !== undefined ? { target: options.target } : {}),
        ...(options.note ? { note: options.note } : {}),
      });
    },
  };
}
