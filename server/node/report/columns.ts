import { percent, type TableColumn } from '../../reporting/table.js';
import type { MonthlyReport, ReportRow, TrendPoint } from './monthly-report.js';

export { percent };

/** A column of the agency report; its value may depend on the report's month. */
export interface Column extends Omit<TableColumn<ReportRow>, 'value'> {
  readonly value: (row: ReportRow, month: string) => string | number | null;
}

/** The columns of the CSV and of the XLSX figures sheet, in order (README, "Monthly reports"). */
export const REPORT_COLUMNS: readonly Column[] = Object.freeze([
  { header: 'Mã định danh', kind: 'text', value: (r) => r.code },
  { header: 'Tên cơ quan', kind: 'text', width: 40, value: (r) => r.name },
  { header: 'Mã cơ quan cấp trên', kind: 'text', value: (r) => r.parentCode ?? '' },
  { header: 'Cấp trong báo cáo', kind: 'count', value: (r) => r.depth },
  { header: 'Tháng', kind: 'text', value: (_r, month) => month },
  { header: 'Văn bản đi (không tính bị thu hồi)', kind: 'count', value: (r) => r.outgoing },
  { header: 'Văn bản đi có chữ ký số cá nhân và cơ quan', kind: 'count', value: (r) => r.signed },
  { header: 'Tỷ lệ ký số (%)', kind: 'percent', value: (r) => percent(r.signedRatio) },
  { header: 'Văn bản đi hoàn toàn điện tử', kind: 'count', value: (r) => r.fullyElectronic },
  { header: 'Tỷ lệ hoàn toàn điện tử (%)', kind: 'percent', value: (r) => percent(r.fullyElectronicRatio) },
  { header: 'Văn bản đi không ký số', kind: 'count', value: (r) => r.unsigned },
  { header: 'Văn bản đi bị thu hồi (tính riêng)', kind: 'count', value: (r) => r.recalled },
  { header: 'Văn bản đến', kind: 'count', value: (r) => r.inbound },
  { header: 'Văn bản đến xác thực hợp lệ', kind: 'count', value: (r) => r.inboundVerified },
  { header: 'Văn bản đến bị từ chối', kind: 'count', value: (r) => r.inboundRefused },
  { header: 'Văn bản đến chưa xác định được (tính riêng)', kind: 'count', value: (r) => r.inboundIndeterminate },
  { header: 'Tỷ lệ văn bản đến hợp lệ (%)', kind: 'percent', value: (r) => percent(r.verifiedRatio) },
  { header: 'Thời gian trung vị đến khi nhận (01) (giây)', kind: 'seconds', value: (r) => r.medianSecondsToArrived },
  { header: 'Thời gian trung vị đến khi tiếp nhận (03) (giây)', kind: 'seconds', value: (r) => r.medianSecondsToAccepted },
] satisfies Column[]);

/** The figures table of a report: {@link REPORT_COLUMNS} over its rows (the CSV, the XLSX's first sheet). */
export const figuresTable = (report: MonthlyReport) => ({
  columns: REPORT_COLUMNS.map((c): TableColumn<ReportRow> => ({ ...c, value: (r) => c.value(r, report.month) })),
  rows: report.rows,
});

/** The columns of the XLSX trend sheet. */
export const TREND_COLUMNS: readonly TableColumn<TrendPoint>[] = Object.freeze([
  { header: 'Tháng', kind: 'text', width: 10, value: (p) => p.month },
  { header: 'Văn bản đi', kind: 'count', width: 18, value: (p) => p.outgoing },
  { header: 'Tỷ lệ ký số (%)', kind: 'percent', width: 18, value: (p) => percent(p.signedRatio) },
  { header: 'Tỷ lệ hoàn toàn điện tử (%)', kind: 'percent', width: 18, value: (p) => percent(p.fullyElectronicRatio) },
  { header: 'Tỷ lệ văn bản đến hợp lệ (%)', kind: 'percent', width: 18, value: (p) => percent(p.verifiedRatio) },
] satisfies TableColumn<TrendPoint>[]);
