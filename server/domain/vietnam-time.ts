/** Vietnam's offset from UTC in minutes (ICT, UTC+07:00, no daylight saving). */
export const VIETNAM_OFFSET_MINUTES = 7 * 60;
export const VIETNAM_OFFSET_MS = VIETNAM_OFFSET_MINUTES * 60_000;

/** The month (`YYYY-MM`) an instant falls in, Vietnam time: the month reports count it in (DOMAIN.md, Reporting). */
export const vietnamMonthOf = (at: Date): string => new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 7);

/** An instant in Vietnam time, ISO 8601 to the second with the offset (`2026-11-20T10:00:00+07:00`). */
export const vietnamIsoTime = (at: Date): string => `${new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
