import { renderWorkbook, sheet } from '../../reporting/render-xlsx.js';
import { figuresTable, TREND_COLUMNS } from './columns.js';
import type { MonthlyReport } from './monthly-report.js';

/**
 * The report as an Excel workbook (exceljs): sheet "Số liệu" with the CSV's columns (numbers as numbers,
 * percentages with two decimals), sheet "Xu hướng 12 tháng" with the reporting agency's last 12 months.
 */
export function renderXlsx(report: MonthlyReport, generatedAt: Date): Promise<Uint8Array> {
  return renderWorkbook({
    title: `Báo cáo tháng ${report.month} — ${report.agencyName} (${report.agencyCode})`,
    generatedAt,
    sheets: [sheet({ name: 'Số liệu', ...figuresTable(report) }), sheet({ name: 'Xu hướng 12 tháng', columns: TREND_COLUMNS, rows: report.trend })],
  });
}
