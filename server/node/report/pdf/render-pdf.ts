import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
import type { MonthlyReport, ReportRow } from '../monthly-report.js';
import { drawSignedBars, drawTrend } from './charts.js';
import { formatCount, formatDuration, formatDurationShort, formatMonth, formatPercent, formatVietnamTime } from './format.js';
import { A4, Canvas, MARGIN, MUTED, RULE, TextFont, type Fonts } from './page-kit.js';
import { drawTable, type TableColumn } from './table.js';

export interface ReportFonts {
  /** TrueType fonts with Vietnamese glyphs (Be Vietnam Pro); subsets are embedded. */
  readonly regular: Uint8Array;
  readonly bold?: Uint8Array;
}

const parsedFonts = new WeakMap<Uint8Array, ReturnType<Fontkit['create']>>();

/**
 * fontkit with each font file parsed once per process (keyed by the bytes, which the composition root loads once):
 * parsing the WOFF2 Be Vietnam Pro again for every PDF was a quarter of drawing a 500-agency report. pdf-lib
 * only reads the parsed font (glyphs, metrics); each document makes its own subset from it.
 */
const onceParsedFontkit: Fontkit = {
  create(buffer: Uint8Array, postscriptName?: string) {
    if (postscriptName !== undefined) return fontkit.create(buffer, postscriptName);
    let font = parsedFonts.get(buffer);
    if (!font) parsedFonts.set(buffer, (font = fontkit.create(buffer)));
    return font;
  },
};

/** Where the agency seal goes on page 1: [x, y, width, height], bottom right (the signature block). */
export const SEAL_RECT: readonly [number, number, number, number] = [A4[0] - MARGIN - 170, MARGIN + 6, 170, 140];

const OUTGOING_COLUMNS: readonly TableColumn[] = [
  { header: ['Mã định danh'], width: 70, align: 'left', value: (r) => r.code },
  { header: ['Tên cơ quan'], width: 129, align: 'left', indent: true, value: (r) => r.name },
  { header: ['Văn bản', 'đi'], width: 36, align: 'right', value: (r) => formatCount(r.outgoing) },
  { header: ['Có đủ', 'chữ ký số'], width: 38, align: 'right', value: (r) => formatCount(r.signed) },
  { header: ['Tỷ lệ', 'ký số'], width: 42, align: 'right', value: (r) => formatPercent(r.signedRatio) },
  { header: ['Hoàn toàn', 'điện tử'], width: 40, align: 'right', value: (r) => formatCount(r.fullyElectronic) },
  { header: ['Tỷ lệ', 'điện tử'], width: 42, align: 'right', value: (r) => formatPercent(r.fullyElectronicRatio) },
  { header: ['Thu hồi', '(riêng)'], width: 32, align: 'right', value: (r) => formatCount(r.recalled) },
  { header: ['Trung vị', 'đến 01'], width: 43, align: 'right', value: (r) => formatDurationShort(r.medianSecondsToArrived) },
  { header: ['Trung vị', 'đến 03'], width: 43, align: 'right', value: (r) => formatDurationShort(r.medianSecondsToAccepted) },
];

const INBOUND_COLUMNS: readonly TableColumn[] = [
  { header: ['Mã định danh'], width: 70, align: 'left', value: (r) => r.code },
  { header: ['Tên cơ quan'], width: 195, align: 'left', indent: true, value: (r) => r.name },
  { header: ['Văn bản', 'đến'], width: 45, align: 'right', value: (r) => formatCount(r.inbound) },
  { header: ['Xác thực', 'hợp lệ'], width: 45, align: 'right', value: (r) => formatCount(r.inboundVerified) },
  { header: ['Bị', 'từ chối'], width: 45, align: 'right', value: (r) => formatCount(r.inboundRefused) },
  { header: ['Chưa xác định', '(riêng)'], width: 58, align: 'right', value: (r) => formatCount(r.inboundIndeterminate) },
  { header: ['Tỷ lệ', 'hợp lệ'], width: 57, align: 'right', value: (r) => formatPercent(r.verifiedRatio) },
];

function summaryLines(r: ReportRow): Array<[string, string]> {
  return [
    ['Văn bản đi (không tính văn bản bị thu hồi)', formatCount(r.outgoing)],
    ['  có đủ chữ ký số cá nhân và chữ ký số cơ quan', `${formatCount(r.signed)}  (${formatPercent(r.signedRatio)})`],
    ['  gửi hoàn toàn điện tử (không kèm bản giấy)', `${formatCount(r.fullyElectronic)}  (${formatPercent(r.fullyElectronicRatio)})`],
    ['Văn bản đi bị thu hồi (tính riêng)', formatCount(r.recalled)],
    ['Văn bản đến', formatCount(r.inbound)],
    ['  xác thực hợp lệ', `${formatCount(r.inboundVerified)}  (${formatPercent(r.verifiedRatio)})`],
    ['  bị từ chối / chưa xác định được (tính riêng)', `${formatCount(r.inboundRefused)} / ${formatCount(r.inboundIndeterminate)}`],
    ['Thời gian trung vị đến khi bên nhận báo đã nhận (01) / tiếp nhận (03)', `${formatDuration(r.medianSecondsToArrived)} / ${formatDuration(r.medianSecondsToAccepted)}`],
  ];
}

/**
 * Draws the monthly report as an A4 PDF with pdf-lib: page 1 the key figures, a bar chart of the signed
 * ratio per child agency, the 12-month trend of the signed and fully electronic ratios and the block where the
 * agency seal goes ({@link SEAL_RECT}); then the tables of every agency of the report. Vietnamese text in an
 * embedded subset of the given font. Classic cross-reference table (no object streams), ready for sealing.
 */
export async function renderReportPdf(report: MonthlyReport, fonts: ReportFonts, generatedAt: Date): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(onceParsedFontkit);
  const regular = new TextFont(await pdf.embedFont(fonts.regular, { subset: true }));
  const f: Fonts = { regular, bold: fonts.bold ? new TextFont(await pdf.embedFont(fonts.bold, { subset: true })) : regular };
  const canvases: Canvas[] = [];
  const addPage = () => {
    const c = new Canvas(pdf, pdf.addPage(A4), f);
    canvases.push(c);
    return c;
  };
  const title = `Báo cáo tháng ${formatMonth(report.month)} — ${report.agencyName}`;
  pdf.setTitle(title);
  pdf.setSubject('Tình hình gửi, nhận văn bản điện tử');
  pdf.setLanguage('vi-VN');
  pdf.setProducer('lienthong');
  pdf.setCreator('lienthong');
  pdf.setCreationDate(generatedAt);
  pdf.setModificationDate(generatedAt);

  const [W, H] = A4;
  const p1 = addPage();
  p1.text(report.agencyName.toLocaleUpperCase('vi'), MARGIN + 105, H - MARGIN - 8, { size: 9.5, font: f.bold, align: 'center', maxWidth: 230 });
  p1.text(`Mã định danh: ${report.agencyCode}`, MARGIN + 105, H - MARGIN - 21, { size: 8, align: 'center' });
  p1.text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', W - MARGIN - 115, H - MARGIN - 8, { size: 9.5, font: f.bold, align: 'center' });
  p1.text('Độc lập - Tự do - Hạnh phúc', W - MARGIN - 115, H - MARGIN - 21, { size: 9, font: f.bold, align: 'center' });
  p1.line(W - MARGIN - 175, H - MARGIN - 25, W - MARGIN - 55, H - MARGIN - 25, 0.6);

  p1.text(`BÁO CÁO THÁNG ${formatMonth(report.month)}`, W / 2, H - 118, { size: 16, font: f.bold, align: 'center' });
  p1.text('Tình hình gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia', W / 2, H - 134, { size: 10, align: 'center' });
  const scope = report.scope === 'subtree' ? `gồm ${formatCount(report.rows.length - 1)} đơn vị trực thuộc` : 'riêng cơ quan';
  p1.text(`Theo ngày ban hành (giờ Việt Nam, +07:00) · ${scope} · lập lúc ${formatVietnamTime(generatedAt)}`, W / 2, H - 148, { size: 8, color: MUTED, align: 'center' });

  let y = H - 172;
  p1.line(MARGIN, y + 8, W - MARGIN, y + 8, 0.5, RULE);
  for (const [label, value] of summaryLines(report.rows[0]!)) {
    p1.text(label, MARGIN + 6, y - 3, { size: 9, maxWidth: 360 });
    p1.text(value, W - MARGIN - 6, y - 3, { size: 9, font: f.bold, align: 'right' });
    y -= 14;
  }
  p1.line(MARGIN, y + 4, W - MARGIN, y + 4, 0.5, RULE);

  drawSignedBars(p1, { x: MARGIN, y: y - 230, width: W - 2 * MARGIN, height: 215 }, report.rows);
  drawTrend(p1, { x: MARGIN, y: y - 420, width: W - 2 * MARGIN - 180, height: 175 }, report.trend);

  const [sx, sy, sw, sh] = SEAL_RECT;
  // Both caption lines sit above the seal's rectangle: the seal is drawn at the top of it.
  p1.text('XÁC THỰC CỦA CƠ QUAN BÁO CÁO', sx + sw / 2, sy + sh + 17, { size: 8.5, font: f.bold, align: 'center' });
  p1.text('Ký số (chữ ký số của cơ quan, tổ chức)', sx + sw / 2, sy + sh + 6, { size: 7, color: MUTED, align: 'center' });
  p1.text('Tỷ lệ tính trên văn bản đi không bị thu hồi. Trung vị đọc từ biểu đồ tần suất (±9 %).', MARGIN, MARGIN + 12, { size: 6.8, color: MUTED, maxWidth: W - 2 * MARGIN - sw - 10 });
  p1.text('Văn bản đến chưa xác định được tính riêng (thường do cấu hình).', MARGIN, MARGIN + 3, { size: 6.8, color: MUTED, maxWidth: W - 2 * MARGIN - sw - 10 });

  const newPage = (): { page: Canvas; y: number } => {
    const page = addPage();
    page.text(title, MARGIN, H - MARGIN + 8, { size: 7, color: MUTED, maxWidth: W - 2 * MARGIN });
    return { page, y: H - MARGIN - 4 };
  };
  let at = newPage();
  at.page.text('I. VĂN BẢN ĐI', MARGIN, at.y - 10, { size: 10.5, font: f.bold });
  at = drawTable({ page: at.page, y: at.y - 18 }, OUTGOING_COLUMNS, report.rows, newPage);
  if (at.y < MARGIN + 120) at = newPage();
  else at = { page: at.page, y: at.y - 18 };
  at.page.text('II. VĂN BẢN ĐẾN', MARGIN, at.y - 10, { size: 10.5, font: f.bold });
  drawTable({ page: at.page, y: at.y - 18 }, INBOUND_COLUMNS, report.rows, newPage);

  canvases.forEach((page, i) => {
    page.text(`Trang ${i + 1}/${canvases.length}`, W / 2, MARGIN - 22, { size: 7, color: MUTED, align: 'center' });
    page.finish();
  });
  return pdf.save({ useObjectStreams: false });
}
