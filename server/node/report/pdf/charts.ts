import type { ReportRow, TrendPoint } from '../monthly-report.js';
import { BAR, GRID, INK, LINE_ELECTRONIC, LINE_SIGNED, MUTED, RULE, type Canvas } from './page-kit.js';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const MAX_BARS = 40;

function axis(page: Canvas, plot: Box): void {
  for (const pct of [0, 25, 50, 75, 100]) {
    const y = plot.y + (plot.height * pct) / 100;
    page.line(plot.x, y, plot.x + plot.width, y, pct === 0 ? 0.8 : 0.4, pct === 0 ? RULE : GRID);
    page.text(`${pct}`, plot.x - 4, y - 2.5, { size: 7, color: MUTED, align: 'right' });
  }
}

/**
 * Vertical bars of the signed ratio (0–100 %) for each child agency of the report (its direct children, or
 * the agency itself when it has none). More than 40 children: the first 40 by code, and a note saying so.
 */
export function drawSignedBars(page: Canvas, box: Box, rows: readonly ReportRow[]): void {
  page.text('Tỷ lệ văn bản đi có đủ chữ ký số cá nhân và cơ quan, theo đơn vị (%)', box.x, box.y + box.height - 10, { size: 10, font: page.fonts.bold });
  const children = rows.filter((r) => r.depth === 1);
  const bars = (children.length > 0 ? children : rows.slice(0, 1)).slice(0, MAX_BARS);
  const labelSpace = 46;
  const plot: Box = { x: box.x + 24, y: box.y + labelSpace, width: box.width - 30, height: box.height - labelSpace - 30 };
  axis(page, plot);
  const slot = plot.width / Math.max(bars.length, 1);
  const barWidth = Math.min(30, slot * 0.7);
  bars.forEach((r, i) => {
    const cx = plot.x + slot * (i + 0.5);
    if (r.signedRatio !== null) {
      const h = Math.max(plot.height * r.signedRatio, r.signedRatio > 0 ? 0.8 : 0);
      if (h > 0) page.rect(cx - barWidth / 2, plot.y, barWidth, h, BAR);
      if (bars.length <= 24) page.text((r.signedRatio * 100).toFixed(1).replace('.', ','), cx, plot.y + h + 2, { size: 6.5, align: 'center', color: INK });
    } else {
      page.text('—', cx, plot.y + 2, { size: 7, align: 'center', color: MUTED });
    }
    // Codes written downwards at 60°, ending under the bar.
    page.text(r.code, cx + 2, plot.y - 4, { size: bars.length > 24 ? 5 : 6, rotate: -60, maxWidth: 60, color: INK });
  });
  const note =
    children.length > MAX_BARS ? `${MAX_BARS} trong số ${children.length} đơn vị trực thuộc (theo mã); đầy đủ trong bảng số liệu.` : children.length === 0 ? 'Không có đơn vị trực thuộc trong báo cáo: cột là của chính cơ quan báo cáo.' : '';
  if (note) page.text(note, box.x, box.y + box.height - 23, { size: 7, color: MUTED });
}

/** Two lines over the 12 months: the signed ratio and the fully electronic ratio (months without documents are gaps). */
export function drawTrend(page: Canvas, box: Box, trend: readonly TrendPoint[]): void {
  page.text('Xu hướng 12 tháng: tỷ lệ ký số và tỷ lệ hoàn toàn điện tử (%)', box.x, box.y + box.height - 10, { size: 10, font: page.fonts.bold });
  const plot: Box = { x: box.x + 24, y: box.y + 28, width: box.width - 40, height: box.height - 28 - 34 };
  axis(page, plot);
  const step = plot.width / Math.max(trend.length - 1, 1);
  trend.forEach((p, i) => page.text(`${p.month.slice(5, 7)}/${p.month.slice(2, 4)}`, plot.x + step * i, plot.y - 11, { size: 6.5, align: 'center', color: INK }));
  const series = [
    { pick: (p: TrendPoint) => p.signedRatio, color: LINE_SIGNED, label: 'Tỷ lệ ký số' },
    { pick: (p: TrendPoint) => p.fullyElectronicRatio, color: LINE_ELECTRONIC, label: 'Tỷ lệ hoàn toàn điện tử' },
  ];
  for (const s of series) {
    let prev = null as { x: number; y: number } | null;
    trend.forEach((p, i) => {
      const v = s.pick(p);
      if (v === null) {
        prev = null;
        return;
      }
      const pt = { x: plot.x + step * i, y: plot.y + plot.height * v };
      if (prev) page.line(prev.x, prev.y, pt.x, pt.y, 1.6, s.color);
      page.dot(pt.x, pt.y, 2.2, s.color);
      prev = pt;
    });
  }
  let lx = plot.x;
  for (const s of series) {
    page.line(lx, box.y + 4, lx + 16, box.y + 4, 2, s.color);
    lx += 20 + page.text(s.label, lx + 20, box.y + 1.5, { size: 7.5 }) + 18;
  }
}
