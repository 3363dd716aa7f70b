import type { Table } from './table.js';

export interface WorkbookSheet<R> extends Table<R> {
  readonly name: string;
}

/**
 * Report tables as an Excel workbook (exceljs), one sheet each: a bold, frozen header row, numbers as numbers,
 * percentages with two decimals.
 */
export async function renderWorkbook(book: { readonly title: string; readonly generatedAt: Date; readonly sheets: readonly WorkbookSheet<never>[] }): Promise<Uint8Array> {
  // Loaded on first use: exceljs is the slowest module of the service to load (1.9 s of a busy 2-core machine,
  // more than pdf-lib or mongoose) and only the report exports need it, so a start or restart does not pay for it.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'lienthong';
  wb.created = book.generatedAt;
  wb.modified = book.generatedAt;
  wb.title = book.title;
  for (const s of book.sheets as unknown as readonly WorkbookSheet<unknown>[]) {
    const sheet = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = s.columns.map((c) => ({
      header: c.header,
      width: c.width ?? (c.kind === 'text' ? 16 : 14),
      ...(c.kind === 'percent' ? { style: { numFmt: '0.00' } } : {}),
    }));
    for (const row of s.rows) sheet.addRow(s.columns.map((c) => c.value(row)));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).alignment = { wrapText: true, vertical: 'top' };
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A sheet of the workbook, typed by its rows. */
export const sheet = <R>(s: WorkbookSheet<R>): WorkbookSheet<never> => s as unknown as WorkbookSheet<never>;
