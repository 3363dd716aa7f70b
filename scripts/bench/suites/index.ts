import type { BenchSuite } from '../harness.js';

/** Benchmark suites by name; adding one is one line (`--only NAME` picks suites). */
export const SUITES: Readonly<Record<string, () => Promise<BenchSuite>>> = {
  cms: async () => (await import('./cms.js')).suite,
  pdf: async () => (await import('./pdf.js')).suite,
  exchange: async () => (await import('./exchange.js')).suite,
  report: async () => (await import('./report.js')).suite,
};
