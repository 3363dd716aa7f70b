import { percent, REPORT_COLUMNS, TREND_HEADERS } from './columns.js';
import type { MonthlyReport } from './monthly-report.js';

/**
 * The report as an Excel workbook (exceljs): sheet "Số liệu" with the CSV's columns (numbers as numbers,
 * percentages with two decimals), sheet "Xu hướng 12 tháng" with the reporting agency's last 12 months.
 */
export async function renderXlsx(report: MonthlyReport, generatedAt: Date): Promise<Uint8Array> {
  // Loaded on first use: exceljs is the slowest module of the service to load (1.9 s of a busy 2-core machine,
  // more than pdf-lib or mongoose) and only this export needs it, so a start or restart no longer pays for it.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'lienthong';
  wb.created = generatedAt;
  wb.modified = generatedAt;
  wb.title = `Báo cáo tháng ${report.month} — ${report.agencyName} (${report.agencyCode})`;

  const figures = wb.addWorksheet('Số liệu', { views: [{ state: 'frozen', ySplit: 1 }] });
  figures.columns = REPORT_COLUMNS.map((c) => ({
    header: c.header,
    width: c.kind === 'text' ? (c.header === 'Tên cơ quan' ? 40 : 16) : 14,
    ...(c.kind === 'percent' ? { style: { numFmt: '0.00' } } : {}),
  }));
  for (const row of report.rows) figures.addRow(REPORT_COLUMNS.map((c) => c.value(row, report.month)));
  figures.getRow(1).font = { bold: true };
  figures.getRow(1).alignment = { wrapText: true, vertical: 'top' };

  const trend = wb.addWorksheet('Xu hướng 12 tháng', { views: [{ state: 'frozen', ySplit: 1 }] });
  trend.columns = TREND_HEADERS.map((header, i) => ({ header, width: i === 0 ? 10 : 18, ...(i >= 2 ? { style: { numFmt: '0.00' } } : {}) }));
  for (const p of report.trend) trend.addRow([p.month, p.outgoing, percent(p.signedRatio), percent(p.fullyElectronicRatio), percent(p.verifiedRatio)]);
  trend.getRow(1).font = { bold: true };

  return new Uint8Array(await wb.xlsx.writeBuffer());
}
