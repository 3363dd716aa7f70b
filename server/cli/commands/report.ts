import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { parseAgencyCode } from '../../domain/agency/index.js';
import { createLogger } from '../../logger.js';
import type { ReportingDeps } from '../../compose/reports.js';
import { failCli } from '../exit.js';
import { sayOnStderr, withHeartbeat } from '../../progress.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const FORMATS = ['csv', 'xlsx', 'pdf', 'json'] as const;

/** Opens the configured database, runs `work` with the reporting dependencies, closes everything. */
async function withReporting<T>(work: (deps: ReportingDeps) => Promise<T>): Promise<T> {
  const [{ composeReporting }, { openDatabase }] = await Promise.all([import('../../compose/reports.js'), import('../../compose/database.js')]);
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, process.stderr);
  const db = await openDatabase(config, logger);
  try {
    const deps = await composeReporting(config, db.connection, logger);
    return await withHeartbeat(sayOnStderr, 'working on the report', () => work(deps));
  } finally {
    await db.close();
  }
}

function checkMonth(month: string): string {
  if (!MONTH.test(month)) throw new TypeError('--month must be YYYY-MM');
  return month;
}

export function registerReportCommands(program: Command): void {
  const report = program
    .command('report')
    .description('the monthly report of a hosted agency and its subtree, from the configured database')
    .option('--month <YYYY-MM>', 'the month (promulgation date, Vietnam time)')
    .option('--agency <code>', 'the reporting agency (a level-1 code reports its whole subtree)')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'csv')
    .option('--out <file>', 'where to write the report (default: standard output)')
    .action(async (opts: { month?: string; agency?: string; format: string; out?: string }) => {
      try {
        if (!opts.month || !opts.agency) throw new TypeError('report needs --month YYYY-MM and --agency CODE');
        const month = checkMonth(opts.month);
        const agency = parseAgencyCode(opts.agency);
        if (!(FORMATS as readonly string[]).includes(opts.format)) throw new TypeError(`--format must be one of ${FORMATS.join(', ')}`);
        const format = opts.format as (typeof FORMATS)[number];
        const { exportMonthlyReport } = await import('../../node/report/export-report.js');
        const file = await withReporting((deps) => exportMonthlyReport(deps, { userId: 'cli', agencyCode: agency, roles: ['auditor'] }, { month, agency, format }));
        if (opts.out) {
          writeFileSync(opts.out, file.bytes);
          process.stderr.write(`${file.filename}: ${file.report.rows.length} agencies, ${file.bytes.length} bytes → ${opts.out}\n`);
        } else {
          process.stdout.write(file.bytes);
        }
      } catch (e) {
        failCli(e);
      }
    });
  report
    .command('rebuild')
    .description('recompute the monthly counters of every hosted agency, and their subtree roll-ups, from the stored documents')
    .requiredOption('--month <YYYY-MM>', 'the month to rebuild')
    .action(async (opts: { month: string }) => {
      try {
        const month = checkMonth(opts.month);
        const { rebuildMonthCounters } = await import('../../node/report/rebuild-counters.js');
        const r = await withReporting((deps) => rebuildMonthCounters(deps, month));
        process.stdout.write(`${JSON.stringify(r)}\n`);
      } catch (e) {
        failCli(e);
      }
    });
}
