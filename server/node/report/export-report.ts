import { signPdf } from '../../../crypto/index.js';
import { DomainError } from '../../domain/errors.js';
import type { NodeDeps, NodePrincipal } from '../deps.js';
import { sealIdentityOf } from '../outgoing.js';
import { monthlyReport, type MonthlyReport, type MonthlyReportRequest } from './monthly-report.js';
import { renderReportPdf, SEAL_RECT } from './pdf/render-pdf.js';
import { renderCsv } from './render-csv.js';
import { renderXlsx } from './render-xlsx.js';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_MEDIA_TYPES: Readonly<Record<ReportFormat, string>> = Object.freeze({
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
});

export interface ReportFile {
  readonly format: ReportFormat;
  readonly contentType: string;
  /** `bao-cao-thang-2026-11-000.00.00.G12.csv` */
  readonly filename: string;
  readonly bytes: Uint8Array;
  readonly report: MonthlyReport;
}

export type ReportDeps = Pick<NodeDeps, 'counters' | 'agencies' | 'now' | 'keys' | 'font' | 'fontBold'>;

/**
 * Draws the report as a PDF and seals it with the reporting agency's key (PAdES, the same path as outgoing
 * documents: Decree 30/2020 Art. 5's agency signature, visible seal with the ISO 8601 time), so it verifies
 * with `pdfsig` and `lienthong pdf verify`.
 */
export async function sealedReportPdf(deps: ReportDeps, report: MonthlyReport): Promise<Uint8Array> {
  if (!deps.font) throw new DomainError('ERR_CONFIG_INVALID', 'no Vietnamese font for PDF reports (install @expo-google-fonts/be-vietnam-pro)');
  const at = deps.now();
  const seal = await sealIdentityOf(deps, report.agencyCode);
  const drawn = await renderReportPdf(report, { regular: deps.font, ...(deps.fontBold ? { bold: deps.fontBold } : {}) }, at);
  const signed = await signPdf(drawn, {
    identity: seal,
    role: 'seal',
    signingTime: at,
    reason: `Xác thực báo cáo tháng ${report.month}`,
    appearance: { name: report.agencyName, font: deps.font, page: 1, rect: SEAL_RECT, sealSize: 100 },
  });
  return signed.pdf;
}

/** The monthly report in one of the formats: JSON, CSV (UTF-8 with BOM), XLSX, or a sealed PDF. */
export async function exportMonthlyReport(deps: ReportDeps, principal: NodePrincipal, request: MonthlyReportRequest & { readonly format: ReportFormat }): Promise<ReportFile> {
  const report = await monthlyReport(deps, principal, request);
  const { format } = request;
  let bytes: Uint8Array;
  if (format === 'csv') bytes = renderCsv(report);
  else if (format === 'xlsx') bytes = await renderXlsx(report, deps.now());
  else if (format === 'pdf') bytes = await sealedReportPdf(deps, report);
  else bytes = new TextEncoder().encode(JSON.stringify(report));
  return Object.freeze({ format, contentType: REPORT_MEDIA_TYPES[format], filename: `bao-cao-thang-${report.month}-${report.agencyCode}.${format}`, bytes, report });
}
