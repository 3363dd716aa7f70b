import { renderTableCsv } from '../../reporting/render-csv.js';
import { figuresTable } from './columns.js';
import type { MonthlyReport } from './monthly-report.js';

/**
 * The report as CSV (RFC 4180, CRLF): UTF-8 with a byte-order mark so Excel opens Vietnamese correctly,
 * Vietnamese headers, one row per agency of the report, figures as plain numbers (a dot for decimals,
 * ratios as percentages, said in the header), blank where a ratio or median is undefined.
 */
export const renderCsv = (report: MonthlyReport): Uint8Array => renderTableCsv(figuresTable(report));
