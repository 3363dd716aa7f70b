import type { ReportRow } from '../monthly-report.js';
import { HEADER_FILL, INK, MARGIN, RULE, type Canvas } from './page-kit.js';

export interface TableColumn {
  /** Header lines (at most two). */
  readonly header: readonly string[];
  readonly width: number;
  readonly align: 'left' | 'right';
  readonly value: (row: ReportRow) => string;
  /** Indent the text by the row's depth (the agency name). */
  readonly indent?: boolean;
}

const ROW = 12;
const HEAD = 22;
const SIZE = 7.5;

/**
 * Draws a table that flows over pages: the header is repeated on each page; `newPage` gives the next page
 * and the y where the table may start on it. Returns the page and y after the last row.
 */
export function drawTable(start: { page: Canvas; y: number }, columns: readonly TableColumn[], rows: readonly ReportRow[], newPage: () => { page: Canvas; y: number }): { page: Canvas; y: number } {
  let { page, y } = start;
  const width = columns.reduce((a, c) => a + c.width, 0);
  const header = () => {
    page.rect(MARGIN, y - HEAD, width, HEAD, HEADER_FILL);
    let x = MARGIN;
    for (const c of columns) {
      const lines = c.header;
      lines.forEach((line, i) => {
        const ly = y - 9 - i * 8.5 - (lines.length === 1 ? 4 : 0);
        page.text(line, c.align === 'right' ? x + c.width - 3 : x + 3, ly, { size: 6.8, font: page.fonts.bold, align: c.align, maxWidth: c.width - 4 });
      });
      x += c.width;
    }
    y -= HEAD;
  };
  header();
  for (const row of rows) {
    if (y - ROW < MARGIN + 20) {
      ({ page, y } = newPage());
      header();
    }
    let x = MARGIN;
    for (const c of columns) {
      const indent = c.indent ? Math.min(row.depth, 4) * 6 : 0;
      const v = c.value(row);
      const font = row.depth === 0 ? page.fonts.bold : page.fonts.regular;
      page.text(v, c.align === 'right' ? x + c.width - 3 : x + 3 + indent, y - ROW + 3.5, { size: SIZE, font, align: c.align, maxWidth: c.width - 5 - indent, color: INK });
      x += c.width;
    }
    page.line(MARGIN, y - ROW, MARGIN + width, y - ROW, 0.3, RULE);
    y -= ROW;
  }
  return { page, y };
}
