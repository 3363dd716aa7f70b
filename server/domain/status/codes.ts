import { DomainError } from '../errors.js';

/**
 * Business status codes carried by status packages (QCVN 102:2016 status feedback; DOMAIN.md).
 * Codes 07–12 and 14 were never seen in public sources: they are reserved and refused.
 */
export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';

/** Who may send a status: the receiving agency or the original sender. */
export type StatusActor = 'receiver' | 'sender';

export interface StatusDefinition {
  readonly code: StatusCode;
  readonly meaning: string;
  readonly meaningVi: string;
  readonly sentBy: StatusActor;
}

/** The status table of DOMAIN.md, in code order. */
export const STATUS_TABLE: readonly StatusDefinition[] = Object.freeze(
  [
    { code: '01', meaning: 'arrived', meaningVi: 'Đã đến', sentBy: 'receiver' },
    { code: '02', meaning: 'refused / returned', meaningVi: 'Từ chối tiếp nhận', sentBy: 'receiver' },
    { code: '03', meaning: 'accepted / registered', meaningVi: 'Đã tiếp nhận', sentBy: 'receiver' },
    { code: '04', meaning: 'assigned', meaningVi: 'Phân công', sentBy: 'receiver' },
    { code: '05', meaning: 'being processed', meaningVi: 'Đang xử lý', sentBy: 'receiver' },
    { code: '06', meaning: 'completed', meaningVi: 'Hoàn thành', sentBy: 'receiver' },
    { code: '13', meaning: 'recall of a sent document', meaningVi: 'Lấy lại / thu hồi', sentBy: 'sender' },
    { code: '15', meaning: 'agrees to the recall or update', meaningVi: 'Đồng ý lấy lại / cập nhật', sentBy: 'receiver' },
    { code: '16', meaning: 'refuses the recall or update', meaningVi: 'Từ chối lấy lại / cập nhật', sentBy: 'receiver' },
  ].map((d) => Object.freeze(d as StatusDefinition)),
);

/** Codes never seen in public sources; refused on input. */
export const RESERVED_STATUS_CODES: readonly string[] = Object.freeze(['07', '08', '09', '10', '11', '12', '14']);

const BY_CODE = new Map<string, StatusDefinition>(STATUS_TABLE.map((d) => [d.code, d]));

/** True when `s` is one of the known status codes (reserved codes are not). */
export function isStatusCode(s: unknown): s is StatusCode {
  return typeof s === 'string' && BY_CODE.has(s);
}

/**
 * Parses a status code as it travels (two digits).
 * @throws DomainError `ERR_VALIDATION` with `details.reason` `reserved` (07–12, 14) or `unknown`.
 */
export function parseStatusCode(s: string): StatusCode {
  if (typeof s !== 'string') throw new TypeError('parseStatusCode expects a string');
  if (isStatusCode(s)) return s;
  const reason = RESERVED_STATUS_CODES.includes(s) ? 'reserved' : 'unknown';
  throw new DomainError('ERR_VALIDATION', `status code ${reason}`, { details: { field: 'StatusCode', reason } });
}

/** The table row of a known code. */
export function statusDefinition(code: StatusCode): StatusDefinition {
  const d = BY_CODE.get(code);
  if (!d) throw new TypeError(`not a status code: ${String(code)}`);
  return d;
}

/** True when `actor` is the party allowed to send `code` (01–06, 15, 16: receiver; 13: sender). */
export function maySendStatus(code: StatusCode, actor: StatusActor): boolean {
  return statusDefinition(code).sentBy === actor;
}
