import type { AgencyCode } from '../agency/code.js';
import { parentAgencyCode, parseAgencyCode } from '../agency/code.js';

/**
 * The DEVELOPMENT agency registry: real level-1 codes from DOMAIN.md's checked table, with lower-level
 * units whose codes follow the code rules but whose numbers are illustrative, not the official list.
 * For development databases, demos and tests only; never seed a production registry from it.
 */
export const DEVELOPMENT_REGISTRY_NOTICE = 'development data: lower-level codes are illustrative, not official';

export interface RegistryAgency {
  readonly code: AgencyCode;
  readonly name: string;
  /** Derived from the code (left-most non-zero group zeroed); null at level 1. */
  readonly parentCode: AgencyCode | null;
}

/** Parents before children. */
const ENTRIES: readonly (readonly [string, string])[] = [
  ['000.00.00.G22', 'Văn phòng Chính phủ'],
  ['000.00.00.G12', 'Bộ Tài chính'],
  ['000.00.18.G12', 'Tổng cục Thuế'],
  ['000.07.18.G12', 'Cục Thuế tỉnh Hà Tĩnh'],
  ['000.00.00.G09', 'Bộ Nội vụ'],
  ['000.00.00.H49', 'Ủy ban nhân dân tỉnh Quảng Ninh'],
  ['000.00.01.H49', 'Văn phòng Ủy ban nhân dân tỉnh Quảng Ninh'],
  ['000.00.03.H49', 'Sở Nội vụ tỉnh Quảng Ninh'],
  ['000.00.07.H49', 'Sở Tài chính tỉnh Quảng Ninh'],
  ['000.00.21.H49', 'Ủy ban nhân dân thành phố Hạ Long'],
  ['000.01.21.H49', 'Ủy ban nhân dân phường Hồng Gai'],
  ['000.00.00.H27', 'Ủy ban nhân dân tỉnh Hà Tĩnh'],
  ['000.00.01.H27', 'Sở Nội vụ tỉnh Hà Tĩnh'],
  ['000.01.01.H27', 'Ban Thi đua - Khen thưởng tỉnh Hà Tĩnh'],
  ['000.00.02.H27', 'Văn phòng Ủy ban nhân dân tỉnh Hà Tĩnh'],
  ['000.00.05.H27', 'Sở Tài chính tỉnh Hà Tĩnh'],
  ['000.00.10.H27', 'Sở Khoa học và Công nghệ tỉnh Hà Tĩnh'],
];

let cached: readonly RegistryAgency[] | undefined;

/**
 * The development registry, parents before children, each with its parent code derived per QCVN 102:2016
 * (a child keeps its parent's groups and fills the next group to the left). Frozen.
 */
export function developmentAgencies(): readonly RegistryAgency[] {
  if (!cached) {
    cached = Object.freeze(
      ENTRIES.map(([code, name]) => {
        const c = parseAgencyCode(code);
        return Object.freeze({ code: c, name, parentCode: parentAgencyCode(c) });
      }),
    );
  }
  return cached;
}

/** The children of `code` in a registry list (one level down). */
export function childrenOf(agencies: readonly RegistryAgency[], code: AgencyCode): readonly RegistryAgency[] {
  return agencies.filter((a) => a.parentCode === code);
}
