/**
 * PDF dates (ISO 32000-1 §7.9.4): "D:YYYYMMDDHHmmSSOHH'mm'". The offset is a parameter because the core reads
 * no clock or time zone; Vietnam is +07:00 (420 minutes).
 */
export function formatPdfDate(date: Date, offsetMinutes = 420): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('date must be a valid Date');
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp = `${p(local.getUTCFullYear(), 4)}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}`;
  if (offsetMinutes === 0) return `D:${stamp}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `D:${stamp}${sign}${p(Math.floor(abs / 60))}'${p(abs % 60)}'`;
}

/** ISO 8601 with an explicit offset, e.g. 2026-11-23T09:15:00+07:00 (Decree 30/2020 Appendix I). */
export function formatIsoWithOffset(date: Date, offsetMinutes = 420): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const iso = local.toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${iso}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${iso}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Parses a PDF date; undefined when it is not one. Missing parts default as §7.9.4 says. */
export function parsePdfDate(text: string): Date | undefined {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(?:(\d{2})'?)?)?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(utc)) return undefined;
  const off = sign === '+' || sign === '-' ? (Number(oh) * 60 + Number(om)) * (sign === '+' ? 1 : -1) : 0;
  return new Date(utc - off * 60_000);
}
