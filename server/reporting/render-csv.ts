import type { Table } from './table.js';

const BOM = '\ufeff';

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A report table as CSV (RFC 4180, CRLF): UTF-8 with a byte-order mark so Excel opens Vietnamese correctly,
 * the columns' Vietnamese headers, one line per row, figures as plain numbers (a dot for decimals), blank
 * where a value is undefined.
 */
export function renderTableCsv<R>(table: Table<R>): Uint8Array {
  const lines = [table.columns.map((c) => cell(c.header)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => cell(c.value(row))).join(','));
  return new TextEncoder().encode(`${BOM}${lines.join('\r\n')}\r\n`);
}
