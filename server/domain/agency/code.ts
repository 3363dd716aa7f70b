import { DomainError } from '../errors.js';

/**
 * An agency identification code (mã định danh) that passed {@link parseAgencyCode}. The brand keeps an
 * unchecked string from ever reaching the domain: only this module creates values of this type.
 */
export type AgencyCode = string & { readonly __brand: 'AgencyCode' };

/** Longest code allowed since QCVN 102:2016 Amendment 1:2022 (Circular 01/2022/TT-BTTTT). */
export const AGENCY_CODE_MAX_LENGTH = 35;

const GROUP = /^[0-9A-Z]+$/;
const LEVEL_ONE = /^[A-Z][0-9]{2}$/;
const ZERO_GROUP = /^0+$/;
const COMMON_FORM = /^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$/;

function invalid(input: string, reason: string): DomainError {
  return new DomainError('ERR_AGENCY_CODE_INVALID', `invalid agency code: ${reason}`, {
    details: { reason, input: input.length > 64 ? `${input.slice(0, 64)}…` : input },
  });
}

/** Why `s` is not a code, or null when it is one. One place holds every rule. */
function rejectionOf(s: string): string | null {
  if (s.length === 0) return 'empty';
  if (s.length > AGENCY_CODE_MAX_LENGTH) return `longer than ${AGENCY_CODE_MAX_LENGTH} characters`;
  if (/\s/.test(s)) return 'contains white space';
  if (/[a-z]/.test(s)) return 'contains lower-case letters';
  const groups = s.split('.');
  if (groups.some((g) => g.length === 0)) return 'empty group';
  if (groups.some((g) => !GROUP.test(g))) return 'a group holds characters other than 0-9 and A-Z';
  if (groups.length < 2) return 'fewer than two groups';
  const last = groups[groups.length - 1] ?? '';
  if (!LEVEL_ONE.test(last)) return 'the last group is not a level-1 code (one upper-case letter and two digits)';
  // A child fills the next group to the left of its parent's, so the non-zero groups are contiguous
  // from the right (QCVN 102:2016 §2.2, read right to left).
  let seenZero = false;
  for (let i = groups.length - 2; i >= 0; i--) {
    const zero = ZERO_GROUP.test(groups[i] ?? '');
    if (zero) seenZero = true;
    else if (seenZero) return 'a non-zero group left of a zero group (gap in the hierarchy)';
  }
  return null;
}

/**
 * Parses and validates an agency identification code (QCVN 102:2016/BTTTT and Amendment 1:2022).
 *
 * Accepts the common 13-character form `NNN.NN.NN.LNN` and the general form of up to 35 characters:
 * dot-separated, non-empty groups of `0-9` and upper-case `A-Z`, the last group being the level-1 code
 * (one upper-case letter and two digits). Never trims, never upper-cases: lower case, white space and empty
 * groups are refused. Non-zero groups must be contiguous from the right (a child fills the next group to the
 * left of its parent's).
 *
 * @throws DomainError `ERR_AGENCY_CODE_INVALID` with `details.reason`.
 * @throws TypeError when `s` is not a string.
 */
export function parseAgencyCode(s: string): AgencyCode {
  if (typeof s !== 'string') throw new TypeError('parseAgencyCode expects a string');
  const reason = rejectionOf(s);
  if (reason !== null) throw invalid(s, reason);
  return s as AgencyCode;
}

/** True when `s` is a valid agency code (see {@link parseAgencyCode}). */
export function isAgencyCode(s: unknown): s is AgencyCode {
  return typeof s === 'string' && rejectionOf(s) === null;
}

/** True for the common 13-character form `NNN.NN.NN.LNN` (digits in the lower levels). */
export function isCommonForm(code: AgencyCode): boolean {
  return COMMON_FORM.test(code);
}

function groupsOf(code: AgencyCode): string[] {
  if (!isAgencyCode(code)) throw new TypeError('not an AgencyCode: parse it with parseAgencyCode first');
  return code.split('.');
}

/**
 * The level of a code: 1 for `000.00.00.G12`, 2 for `000.00.18.G12`, 3 for `000.07.18.G12`, 4 when the
 * left-most group is non-zero (QCVN 102:2016: read right to left). For the general form the level is one
 * plus the number of non-zero groups left of the level-1 group.
 */
export function agencyLevel(code: AgencyCode): number {
  const groups = groupsOf(code);
  let level = 1;
  for (let i = groups.length - 2; i >= 0 && !ZERO_GROUP.test(groups[i] ?? ''); i--) level++;
  return level;
}

/**
 * The parent's code: the left-most non-zero group is replaced by zeros of the same width
 * (`000.07.18.G12` → `000.00.18.G12`). Null for a level-1 code.
 */
export function parentAgencyCode(code: AgencyCode): AgencyCode | null {
  const groups = groupsOf(code);
  const level = agencyLevel(code);
  if (level === 1) return null;
  const index = groups.length - level; // the left-most non-zero group
  groups[index] = '0'.repeat((groups[index] ?? '').length);
  return groups.join('.') as AgencyCode;
}

/** The chain of ancestors, nearest first, ending with the level-1 code. Empty for a level-1 code. */
export function ancestorsOf(code: AgencyCode): readonly AgencyCode[] {
  const out: AgencyCode[] = [];
  for (let p = parentAgencyCode(code); p !== null; p = parentAgencyCode(p)) out.push(p);
  return out;
}

/** True when `ancestor` is a strict ancestor of `child` (a code is not its own descendant). */
export function isDescendantOf(child: AgencyCode, ancestor: AgencyCode): boolean {
  return ancestorsOf(child).includes(ancestor);
}

/** The level-1 group (`G12`, `H27`) of a code. */
export function levelOneGroup(code: AgencyCode): string {
  const groups = groupsOf(code);
  return groups[groups.length - 1] ?? '';
}

/** The level-1 code of the organisation a code belongs to (`000.07.18.G12` → `000.00.00.G12`). */
export function rootAgencyCode(code: AgencyCode): AgencyCode {
  const chain = ancestorsOf(code);
  return chain.length === 0 ? code : (chain[chain.length - 1] as AgencyCode);
}
