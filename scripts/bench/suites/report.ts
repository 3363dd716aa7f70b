import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevelopmentPki } from '../../../crypto/index.js';
import { openDatabase } from '../../../server/compose/database.js';
import { composeReporting } from '../../../server/compose/reports.js';
import { loadConfig } from '../../../server/config/config.js';
import { parseAgencyCode, type AgencyCode } from '../../../server/domain/agency/index.js';
import { COUNTER_NAMES, type CounterName, type CounterTally, type MonthlyCounters, type MonthlyRollup, type TrendMonth } from '../../../server/domain/ports/node/index.js';
import { createLogger } from '../../../server/logger.js';
import { devIdentityToPkcs12 } from '../../../server/node/provision.js';
import { bucketOf } from '../../../server/node/report/duration-histogram.js';
import { sealedReportPdf } from '../../../server/node/report/export-report.js';
import { monthlyReport } from '../../../server/node/report/monthly-report.js';
import { renderReportPdf } from '../../../server/node/report/pdf/render-pdf.js';
import { rollupsOf, trendsOf } from '../../../server/node/report/rollup.js';
import { addMonths } from '../../../server/node/report/subtree.js';
import type { BenchContext, BenchSuite } from '../harness.js';

// BENCH_REPORT_LEVEL2 × (1 + BENCH_REPORT_LEVEL3) descendants; the defaults give the 500.
const LEVEL2 = Number(process.env.BENCH_REPORT_LEVEL2 ?? 20);
const LEVEL3_PER_2 = Number(process.env.BENCH_REPORT_LEVEL3 ?? 24);

/**
 * The monthly report of a level-1 code with 500 descendants (20 departments × 24 units) and a year of counters
 * (6,012 counter documents, as many roll-ups and 501 trends per year, bulk-loaded) on the embedded database (or
 * MONGODB_URI): the JSON report (target < 50 ms; it reads one roll-up and two trend documents by _id), warm and with
 * the hosted-agency list read again, the PDF drawn (target < 500 ms) and drawn + sealed.
 */
export const suite: BenchSuite = {
  name: 'report',
  async run(ctx: BenchContext) {
    const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
    const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-bench-report-'));
    chmodSync(dataDir, 0o755); // the embedded PostgreSQL (LIENTHONG_EMBEDDED_BACKEND=postgresql) runs as another user when root
    process.env.LIENTHONG_TOOLS_DIR ??= join(repo, '.data', 'tools');
    const config = loadConfig({
      LIENTHONG_DATA_DIR: dataDir,
      LIENTHONG_LOG_LEVEL: 'warn',
      ...(process.env.LIENTHONG_EMBEDDED_BACKEND ? { LIENTHONG_EMBEDDED_BACKEND: process.env.LIENTHONG_EMBEDDED_BACKEND } : {}),
      ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI, LIENTHONG_DB_NAME: `bench_report_${process.pid}` } : {}),
    });
    const logger = createLogger({ level: 'warn', name: 'bench-report' }, process.stderr);
    const db = await openDatabase(config, logger);
    const now = new Date('2026-11-20T03:00:00Z');
    try {
      const deps = await composeReporting(config, db.connection, logger, () => now);
      const root = parseAgencyCode('000.00.00.H99');
      const codes: AgencyCode[] = [root];
      for (let d = 1; d <= LEVEL2; d++) {
        codes.push(parseAgencyCode(`000.00.${String(d).padStart(2, '0')}.H99`));
        for (let u = 1; u <= LEVEL3_PER_2; u++) codes.push(parseAgencyCode(`000.${String(u).padStart(2, '0')}.${String(d).padStart(2, '0')}.H99`));
      }
      const t0 = performance.now();
      for (const code of codes) await deps.agencies.upsert({ code, name: `Đơn vị ${code} (BENCH)`, now });
      const month = '2026-11';
      // Seeded in bulk (insertMany), with the roll-ups the same counters imply (what report rebuild writes).
      const counters: MonthlyCounters[] = [];
      const rollups: MonthlyRollup[] = [];
      const trends: TrendMonth[] = [];
      for (let k = 0; k < 12; k++) {
        const m = addMonths(month, -k);
        const tallies = new Map<AgencyCode, CounterTally>();
        codes.forEach((code, i) => {
          const o = 20 + ((i * 7 + k * 3) % 50);
          const counts = Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Record<CounterName, number>;
          Object.assign(counts, { outgoing: o, signed: Math.floor(o * 0.8), fullyElectronic: Math.floor(o * 0.9), recalled: 1, inbound: o, inboundVerified: o - 2, inboundRefused: 1, inboundIndeterminate: 1 });
          const histograms = { toArrived: { [bucketOf(60_000 + i * 1000)]: 3 }, toAccepted: { [bucketOf(3_600_000)]: 2 } };
          tallies.set(code, { counts, histograms });
          counters.push({ ...counts, agencyCode: code, month: m, histograms });
        });
        const monthRollups = rollupsOf(m, tallies);
        rollups.push(...monthRollups);
        trends.push(...trendsOf(m, tallies, monthRollups));
      }
      await deps.counters.insertNew(counters, rollups, trends);
      const pki = await createDevelopmentPki({ now, agencies: [{ code: root, name: 'BENCH' }] });
      const p12 = devIdentityToPkcs12(pki.agencies[0]!.seal, 'seal');
      await deps.keys.putPkcs12({ agencyCode: root, kind: 'seal' }, p12.pkcs12, p12.password);
      process.stderr.write(`report bench: ${codes.length} agencies, ${counters.length} counter and ${rollups.length} roll-up documents seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

      const auditor = { userId: 'bench', agencyCode: root, roles: ['auditor'] };
      const report = await monthlyReport(deps, auditor, { month });
      if (report.rows.length !== codes.length) throw new Error(`expected ${codes.length} rows, got ${report.rows.length}`);
      // Warm: the hosted-agency list is as a serving node keeps it (the inbox poller lists every pass; cached 5 s);
      // the roll-up and trends are read from the database on every call (no report cache).
      await ctx.measure(`report json ${codes.length} agencies`, () => monthlyReport(deps, auditor, { month }), { note: 'target < 50 ms per report (µs/op); agency list cached as in a serving node' });
      // Cold: the list is read again too (as the first report of `lienthong report`); an upsert of one agency (2
      // commands, measured alone below) is what forgets the list.
      const forget = () => deps.agencies.upsert({ code: root, name: `Đơn vị ${root} (BENCH)`, now });
      await ctx.measure(
        `report json ${codes.length} cold list`,
        async () => {
          await forget();
          return monthlyReport(deps, auditor, { month });
        },
        { note: 'with the agency list re-read (501 documents); less the case below' },
      );
      await ctx.measure(`agency upsert (cold case's extra)`, forget);
      const fonts = { regular: deps.font!, ...(deps.fontBold ? { bold: deps.fontBold } : {}) };
      await ctx.measure(`report pdf draw ${codes.length} agencies`, () => renderReportPdf(report, fonts, now), { note: 'target < 500 ms per PDF (µs/op)' });
      await ctx.measure(`report pdf draw+seal ${codes.length}`, () => sealedReportPdf(deps, report));
    } finally {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
