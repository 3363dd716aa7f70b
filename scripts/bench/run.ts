import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createContext, type BenchCase } from './harness.js';
import { SUITES } from './suites/index.js';

/**
 * `npm run bench [-- --only cms[,pdf] --json PATH --case-ms N]`: runs the suites, prints a table with ratios to
 * their baselines and writes `{"cases":[{"name","opsPerSec",...}]}` (default scripts/bench/results.json).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      json: { type: 'string' },
      'case-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`usage: node dist/scripts/bench/run.js [--only ${Object.keys(SUITES).join(',')}] [--json PATH] [--case-ms N]\n`);
    return;
  }
  const names = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : Object.keys(SUITES);
  for (const n of names) {
    if (!SUITES[n]) {
      process.stderr.write(`bench: unknown suite ${n} (known: ${Object.keys(SUITES).join(', ')})\n`);
      process.exit(3);
    }
  }
  const caseMillis = Number(values['case-ms'] ?? 1000);
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/scripts/bench → scripts/bench in the source tree.
  const jsonPath = values.json ? resolve(values.json) : resolve(here, '../../../scripts/bench/results.json');
  const loadBefore = loadavg()[0] ?? 0;
  process.stdout.write(
    `node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${caseMillis} ms per case, load average ${loadBefore.toFixed(2)}\n` +
      `ratios are same-run, measured in alternating slices; other processes on the machine still skew them (pool most)\n\n`,
  );
  const header = `${'case'.padEnd(30)} ${'ops/s'.padStart(10)} ${'µs/op'.padStart(10)} ${'ratio'.padStart(8)}  ${'vs'.padEnd(24)} target`;
  process.stdout.write(`${header}\n${'-'.repeat(header.length + 8)}\n`);
  const print = (c: BenchCase): void => {
    const ratio = c.ratio !== undefined ? c.ratio.toFixed(3) : '';
    const target = c.target !== undefined && c.ratio !== undefined ? `≥${Number(c.target.toFixed(2))} ${c.ratio >= c.target ? 'met' : 'NOT MET'}` : '';
    process.stdout.write(
      `${c.name.padEnd(30)} ${(c.opsPerSec < 10 ? c.opsPerSec.toPrecision(3) : c.opsPerSec.toFixed(0)).padStart(10)} ${c.meanMicros.toFixed(1).padStart(10)} ${ratio.padStart(8)}  ${(c.baseline ?? '').padEnd(24)} ${target}${c.note ? `  (${c.note})` : ''}\n`,
    );
  };
  const all: BenchCase[] = [];
  for (const n of names) {
    const suite = await SUITES[n]!();
    const ctx = createContext(caseMillis, print);
    await suite.run(ctx);
    all.push(...ctx.cases);
  }
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify({ node: process.version, cores: availableParallelism(), caseMillis, loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 }, date: new Date().toISOString(), cases: all }, null, 2)}\n`);
  process.stdout.write(`\nload average ${(loadavg()[0] ?? 0).toFixed(2)}; wrote ${jsonPath}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
