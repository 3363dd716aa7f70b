import type { AgencyCode } from '../agency/code.js';
import { isAgencyCode } from '../agency/code.js';
import { isEdxmlDate } from './dates.js';
import type { EdxmlDate } from './types.js';

/** The parts of a composite `DocumentId`. */
export interface DocumentIdParts {
  readonly organId: AgencyCode;
  readonly promulgationDate: EdxmlDate;
  readonly codeNumber: string;
  readonly codeNotation: string;
}

const FORBIDDEN_IN_PART = /[,\s]/;

/**
 * Writes the composite document id of QCVN 102:2016: `{senderOrganId},{yyyy/MM/dd},{number}/{notation}`,
 * e.g. `000.00.00.G22,2024/05/02,123/VPCP-KSTT`.
 * @throws TypeError when a part is not valid (the caller built it).
 */
export function formatDocumentId(parts: DocumentIdParts): string {
  if (!isAgencyCode(parts.organId)) throw new TypeError('organId is not an agency code');
  if (!isEdxmlDate(parts.promulgationDate)) throw new TypeError('promulgationDate is not yyyy/MM/dd');
  if (!isCodeNumber(parts.codeNumber) || !isCodeNotation(parts.codeNotation)) throw new TypeError('bad code number or notation');
  return `${parts.organId},${parts.promulgationDate},${parts.codeNumber}/${parts.codeNotation}`;
}

/** The document code as `ResponseFor` carries it: `{number}/{notation}`. */
export function formatDocumentCode(codeNumber: string, codeNotation: string): string {
  return `${codeNumber}/${codeNotation}`;
}

/** A code number: non-empty, no slash, comma or white space. */
export function isCodeNumber(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length <= 64 && !FORBIDDEN_IN_PART.test(s) && !s.includes('/');
}

/** A code notation (ký hiệu, e.g. `VPCP-KSTT`, may hold slashes): non-empty, no comma or white space. */
export function isCodeNotation(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length <= 128 && !FORBIDDEN_IN_PART.test(s);
}

/** Reads a composite document id; null when it is not one. */
export function parseDocumentId(s: string): DocumentIdParts | null {
  if (typeof s !== 'string') return null;
  const parts = s.split(',');
  if (parts.length !== 3) return null;
  const [organId, date, code] = parts as [string, string, string];
  if (!isAgencyCode(organId) || !isEdxmlDate(date)) return null;
  const slash = code.indexOf('/');
  if (slash < 0) return null;
  const codeNumber = code.slice(0, slash);
  const codeNotation = code.slice(slash + 1);
  if (!isCodeNumber(codeNumber) || !isCodeNotation(codeNotation)) return null;
  return { organId, promulgationDate: date, codeNumber, codeNotation };
}
