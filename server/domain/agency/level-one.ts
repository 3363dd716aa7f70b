import type { AgencyCode } from './code.js';
import { levelOneGroup } from './code.js';

/**
 * Known level-1 codes. Level-1 digits are assigned from a list, not computed (QCVN 102:2016 Annex; Decision
 * 09/2025/QĐ-TTg for ministries), so this is a lookup table, extended as codes are verified. The letter:
 * `G` ministry or government agency, `H` provincial People's Committee, `K` provincial People's Council.
 */
export const LEVEL_ONE_NAMES: Readonly<Record<string, { readonly name: string; readonly nameVi: string }>> = Object.freeze({
  G22: { name: 'Government Office', nameVi: 'Văn phòng Chính phủ' },
  G12: { name: 'Ministry of Finance', nameVi: 'Bộ Tài chính' },
  G09: { name: 'Ministry of Home Affairs', nameVi: 'Bộ Nội vụ' },
  G17: { name: 'Ministry of Construction', nameVi: 'Bộ Xây dựng' },
  H49: { name: "People's Committee of Quảng Ninh province", nameVi: 'Ủy ban nhân dân tỉnh Quảng Ninh' },
  H27: { name: "People's Committee of Hà Tĩnh province", nameVi: 'Ủy ban nhân dân tỉnh Hà Tĩnh' },
  H54: { name: "People's Committee of Thái Bình province", nameVi: 'Ủy ban nhân dân tỉnh Thái Bình' },
  K54: { name: "People's Council of Thái Bình province", nameVi: 'Hội đồng nhân dân tỉnh Thái Bình' },
});

/** The kind of level-1 organisation by its letter; `other` for letters not verified (accepted anyway). */
export type LevelOneKind = 'ministry-or-government-agency' | 'provincial-committee' | 'provincial-council' | 'other';

/** The kind of organisation a code's level-1 group names (`G`, `H`, `K`; DOMAIN.md). */
export function levelOneKind(code: AgencyCode): LevelOneKind {
  switch (levelOneGroup(code)[0]) {
    case 'G':
      return 'ministry-or-government-agency';
    case 'H':
      return 'provincial-committee';
    case 'K':
      return 'provincial-council';
    default:
      return 'other';
  }
}

/** The known name of the level-1 organisation of `code`, or undefined when the table does not hold it. */
export function levelOneNameOf(code: AgencyCode): { readonly name: string; readonly nameVi: string } | undefined {
  return LEVEL_ONE_NAMES[levelOneGroup(code)];
}
