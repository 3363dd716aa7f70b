import type { EdxmlDate, EdxmlTimestamp } from './types.js';

import { VIETNAM_OFFSET_MINUTES } from '../vietnam-time.js';

export { VIETNAM_OFFSET_MINUTES };

const DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** True when `s` is a real calendar date written `yyyy/MM/dd` (QCVN 102:2016 date format). */
export function isEdxmlDate(s: unknown): s is EdxmlDate {
  if (typeof s !== 'string') return false;
  const m = DATE.exec(s);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** True when `s` is a real date and time written `yyyy/MM/dd HH:mm:ss`. */
export function isEdxmlTimestamp(s: unknown): s is EdxmlTimestamp {
  if (typeof s !== 'string') return false;
  const m = TIMESTAMP.exec(s);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 59;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function shifted(instant: Date, offsetMinutes: number): Date {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) throw new TypeError('expected a valid Date');
  return new Date(instant.getTime() + offsetMinutes * 60_000);
}

/** Formats an instant as an edXML date in Vietnam local time (or the given offset). */
export function formatEdxmlDate(instant: Date, offsetMinutes = VIETNAM_OFFSET_MINUTES): EdxmlDate {
  const t = shifted(instant, offsetMinutes);
  return `${pad(t.getUTCFullYear(), 4)}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}`;
}

/** Formats an instant as an edXML timestamp in Vietnam local time (or the given offset). */
export function formatEdxmlTimestamp(instant: Date, offsetMinutes = VIETNAM_OFFSET_MINUTES): EdxmlTimestamp {
  const t = shifted(instant, offsetMinutes);
  return `${formatEdxmlDate(instant, offsetMinutes)} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** The instant an edXML timestamp denotes, read as Vietnam local time (or the given offset). */
export function edxmlTimestampToDate(s: EdxmlTimestamp, offsetMinutes = VIETNAM_OFFSET_MINUTES): Date {
  if (!isEdxmlTimestamp(s)) throw new TypeError(`not an edXML timestamp: ${String(s)}`);
  const m = TIMESTAMP.exec(s) as RegExpExecArray;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return new Date(utc - offsetMinutes * 60_000);
}
