import { REPORT_COLUMNS } from './columns.js';
import type { MonthlyReport } from './monthly-report.js';

const BOM = '\ufeff';

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report as CSV (RFC 4180, CRLF): UTF-8 with a byte-order mark so Excel opens Vietnamese correctly,
 * Vietnamese headers, one row per agency of the report, figures as plain numbers (a dot for decimals,
 * ratios as percentages, said in the header), blank where a ratio or median is undefined.
 */
export function renderCsv(report: MonthlyReport): Uint8Array {
  const lines = [REPORT_COLUMNS.map((c) => cell(c.header)).join(',')];
  for (const row of report.rows) lines.push(REPORT_COLUMNS.map((c) => cell(c.value(row, report.month))).join(','));
  return new TextEncoder().encode(`${BOM}${lines.join('\r\n')}\r\n`);
}
