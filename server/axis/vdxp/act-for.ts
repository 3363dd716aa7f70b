import { isAgencyCode, parseAgencyCode, type AgencyCode } from '../../domain/agency/index.js';
import { DomainError } from '../../domain/errors.js';
import type { AgencyRegistry } from '../../domain/ports/axis/index.js';
import type { AxisPrincipal } from '../deps.js';

/** Deepest registry chain walked (the code has at most four groups, so five levels at most). */
const MAX_HOPS = 6;

/**
 * The agency a connected system acts for in one request (issue 14 §4: a province's LGSP sends and receives for
 * the agencies registered under it). `named` absent or the system itself: the system. Otherwise `named` must
 * be registered below the system, following the registry's parent links (not the code's shape), or the answer
 * is ERR_FORBIDDEN — the same answer for an unknown agency, so a system cannot probe outside its subtree.
 */
export async function actingAgency(registry: AgencyRegistry, system: AxisPrincipal, named: string | undefined): Promise<AxisPrincipal> {
  if (named === undefined || named === '' || named === system.agencyCode) return system;
  const forbidden = () => new DomainError('ERR_FORBIDDEN', `system ${system.agencyCode} does not act for ${named.slice(0, 40)}`, { details: { system: system.agencyCode } });
  if (!isAgencyCode(named)) throw forbidden();
  const target: AgencyCode = parseAgencyCode(named);
  let code: AgencyCode | null = target;
  for (let hop = 0; hop < MAX_HOPS && code; hop++) {
    const record = await registry.findByCode(code);
    if (!record) break;
    if (record.parentCode === system.agencyCode) return Object.freeze({ agencyCode: target });
    code = record.parentCode;
  }
  throw forbidden();
}
