import type { ReportRow } from './monthly-report.js';

/** A ratio in [0, 1] as a percentage with two decimals (a plain number: 77.94), blank when undefined. */
export const percent = (r: number | null): number | null => (r === null ? null : Math.round(r * 10_000) / 100);

export interface Column {
  /** Vietnamese header, as the provinces' reports word it; ratios say "(%)". */
  readonly header: string;
  readonly kind: 'text' | 'count' | 'percent' | 'seconds';
  readonly value: (row: ReportRow, month: string) => string | number | null;
}

/** The columns of the CSV and of the XLSX figures sheet, in order (README, "Monthly reports"). */
export const REPORT_COLUMNS: readonly Column[] = Object.freeze([
  { header: 'Mã định danh', kind: 'text', value: (r) => r.code },
  { header: 'Tên cơ quan', kind: 'text', value: (r) => r.name },
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

/** The columns of the XLSX trend sheet. */
export const TREND_HEADERS = Object.freeze(['Tháng', 'Văn bản đi', 'Tỷ lệ ký số (%)', 'Tỷ lệ hoàn toàn điện tử (%)', 'Tỷ lệ văn bản đến hợp lệ (%)']);
