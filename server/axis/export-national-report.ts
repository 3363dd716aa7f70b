import { renderTableCsv } from '../reporting/render-csv.js';
import { renderWorkbook, sheet } from '../reporting/render-xlsx.js';
import { percent, type TableColumn } from '../reporting/table.js';
import type { NationalFigures, NationalReport } from './national-report.js';

/** The formats of the national view; no PDF: the axis has no seal identity to seal one with (README). */
export const NATIONAL_REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type NationalReportFormat = (typeof NATIONAL_REPORT_FORMATS)[number];

const MEDIA_TYPES: Readonly<Record<NationalReportFormat, string>> = Object.freeze({
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
});
export const nationalMediaTypeOf = (format: NationalReportFormat) => MEDIA_TYPES[format];

/** One line of the national table: the national total, a level-1 group's total, or one agency. */
export interface NationalLine extends NationalFigures {
  readonly kind: 'Toàn quốc' | 'Tổng cấp 1' | 'Cơ quan';
  readonly code: string;
  readonly name: string;
  readonly rootCode: string;
}

/** The lines in reading order: the nation, then each level-1 group's total followed by its agencies. */
export function nationalLines(report: NationalReport): NationalLine[] {
  const lines: NationalLine[] = [{ kind: 'Toàn quốc', code: '', name: 'Toàn quốc', rootCode: '', ...report.totals }];
  for (const g of report.groups) {
    const { agencies, ...figures } = g;
    lines.push({ kind: 'Tổng cấp 1', rootCode: g.code, ...figures });
    for (const a of agencies) lines.push({ kind: 'Cơ quan', rootCode: g.code, ...a });
  }
  return lines;
}

/** The columns of the national CSV and XLSX (README, "National view"). */
export const nationalColumns = (month: string): readonly TableColumn<NationalLine>[] => [
  { header: 'Loại dòng', kind: 'text', value: (l) => l.kind },
  { header: 'Mã định danh', kind: 'text', value: (l) => l.code },
  { header: 'Tên cơ quan', kind: 'text', width: 40, value: (l) => l.name },
  { header: 'Mã cơ quan cấp 1', kind: 'text', value: (l) => l.rootCode },
  { header: 'Tháng', kind: 'text', value: () => month },
  { header: 'Gói văn bản đã gửi', kind: 'count', value: (l) => l.packagesSent },
  { header: 'Lượt gửi (gói × nơi nhận)', kind: 'count', value: (l) => l.deliveriesSent },
  { header: 'Lượt nhận', kind: 'count', value: (l) => l.received },
  { header: 'Bên nhận báo đã nhận (01)', kind: 'count', value: (l) => l.answered01 },
  { header: 'Bên nhận từ chối (02)', kind: 'count', value: (l) => l.answered02 },
  { header: 'Chưa có phản hồi 01/02', kind: 'count', value: (l) => l.unanswered },
  { header: 'Tỷ lệ 01 (%)', kind: 'percent', value: (l) => percent(l.share01) },
  { header: 'Tỷ lệ 02 (%)', kind: 'percent', value: (l) => percent(l.share02) },
];

export interface NationalReportFile {
  readonly format: NationalReportFormat;
  readonly contentType: string;
  /** `bao-cao-toan-quoc-2026-11.csv` */
  readonly filename: string;
  readonly bytes: Uint8Array;
  readonly report: NationalReport;
}

/** The national view as JSON, CSV (UTF-8 with BOM, Vietnamese headers) or XLSX (one sheet, same columns). */
export async function exportNationalReport(report: NationalReport, format: NationalReportFormat, generatedAt: Date): Promise<NationalReportFile> {
  const table = { columns: nationalColumns(report.month), rows: nationalLines(report) };
  let bytes: Uint8Array;
  if (format === 'csv') bytes = renderTableCsv(table);
  else if (format === 'xlsx') bytes = await renderWorkbook({ title: `Báo cáo toàn quốc tháng ${report.month}`, generatedAt, sheets: [sheet({ name: 'Toàn quốc', ...table })] });
  else bytes = new TextEncoder().encode(JSON.stringify(report));
  return Object.freeze({ format, contentType: MEDIA_TYPES[format], filename: `bao-cao-toan-quoc-${report.month}.${format}`, bytes, report });
}
