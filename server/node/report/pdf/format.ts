import { vietnamIsoTime } from '../../../domain/vietnam-time.js';

/** Number and duration formats for the PDF, as Vietnamese documents write them (3.465.891; 77,94 %). */

export function formatCount(n: number): string {
  const s = String(Math.abs(Math.trunc(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return n < 0 ? `-${grouped}` : grouped;
}

export function formatPercent(ratio: number | null, digits = 2): string {
  if (ratio === null) return '—';
  return `${(ratio * 100).toFixed(digits).replace('.', ',')} %`;
}

/** `45 giây`, `12 phút`, `2 giờ 5 phút`, `3 ngày 4 giờ`; `—` without data. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} giây`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} phút`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} giờ ${minutes % 60} phút` : `${hours} giờ`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} ngày ${hours % 24} giờ` : `${days} ngày`;
}

/** `2026-11` → `11/2026`. */
export const formatMonth = (month: string) => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

/** An instant in Vietnam time, ISO 8601 with the offset (Decree 30/2020 Appendix I writes times this way). */
export function formatVietnamTime(at: Date): string {
  return vietnamIsoTime(at);
}

/** The same, short enough for a table cell: `45 s`, `12 ph`, `1 h 45`, `3 ng 4 h`. */
export function formatDurationShort(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} ph`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${String(minutes % 60).padStart(2, '0')}` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} ng ${hours % 24} h` : `${days} ng`;
}
