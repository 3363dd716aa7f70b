/** A column of a report table (CSV, XLSX sheet): a Vietnamese header and how to read a row's value. */
export interface TableColumn<R> {
  /** Vietnamese header, as the provinces' reports word it; ratios say "(%)". */
  readonly header: string;
  readonly kind: 'text' | 'count' | 'percent' | 'seconds';
  readonly value: (row: R) => string | number | null;
  /** XLSX column width in characters (default: 16 for text, 14 for figures). */
  readonly width?: number;
}

/** A report table: its columns, in order, and its rows. */
export interface Table<R> {
  readonly columns: readonly TableColumn<R>[];
  readonly rows: readonly R[];
}

/** A ratio in [0, 1] as a percentage with two decimals (a plain number: 77.94), blank when undefined. */
export const percent = (r: number | null): number | null => (r === null ? null : Math.round(r * 10_000) / 100);
