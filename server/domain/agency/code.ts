import { DomainError } from '../errors.js';

/**
 * An agency identification code (mã định danh) that passed {@link parseAgencyCode}. The brand keeps an
 * unchecked string from ever reaching the domain: only this module creates values of this type.
 */
export type AgencyCode = string & { readonly __brand: 'AgencyCode' };

/** Longest code allowed since QCVN 102:2016 Amendment 1:2022 (Circular 01/2022/TT-BTTTT). */
export const AGENCY_CODE_MAX_LENGTH = 35;

/**
 * The same rules as one regular expression (with {@link AGENCY_CODE_MAX_LENGTH}), for schemas and documents
 * that describe the code to clients; validation itself goes through {@link parseAgencyCode}.
 */
export const AGENCY_CODE_PATTERN = '^[0-9A-Z]+(\\.[0-9A-Z]+)*\\.[A-Z][0-9]{2}$';

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
  // Real registries hold codes with a non-zero group left of a zero group (001.00.99.H44, 001.00.10.H47):
  // accepted since issue 14; their level and derived parent count the non-zero groups (see agencyLevel).
  return null;
}

/**
 * Parses and validates an agency identification code (QCVN 102:2016/BTTTT and Amendment 1:2022).
 *
 * Accepts the common 13-character form `NNN.NN.NN.LNN` and the general form of up to 35 characters:
 * dot-separated, non-empty groups of `0-9` and upper-case `A-Z`, the last group being the level-1 code
 * (one upper-case letter and two digits). Never trims, never upper-cases: lower case, white space and empty
 * groups are refused. Non-zero groups need not be contiguous: real registries use codes such as
 * `001.00.99.H44` (a non-zero group left of a zero group), whose parent the registry records (`pcode`).
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
 * left-most group is non-zero (QCVN 102:2016: read right to left). In general one plus the number of non-zero
 * groups left of the level-1 group, so a code with a gap (`001.00.99.H44`) is level 3.
 */
export function agencyLevel(code: AgencyCode): number {
  const groups = groupsOf(code);
  return 1 + groups.slice(0, -1).filter((g) => !ZERO_GROUP.test(g)).length;
}

/**
 * The parent's code derived from the groups: the left-most non-zero group is replaced by zeros of the same
 * width (`000.07.18.G12` → `000.00.18.G12`, `001.00.99.H44` → `000.00.99.H44`). Null for a level-1 code.
 * The registry may record another registered ancestor as the parent (its `pcode`); this is the fallback.
 */
export function parentAgencyCode(code: AgencyCode): AgencyCode | null {
  const groups = groupsOf(code);
  const index = groups.slice(0, -1).findIndex((g) => !ZERO_GROUP.test(g)); // the left-most non-zero group
  if (index < 0) return null;
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
