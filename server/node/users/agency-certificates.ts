import { DomainError } from '../../domain/errors.js';
import type { AxisAgencyInfo } from '../../domain/ports/node/index.js';
import type { NodeDeps, NodePrincipal } from '../deps.js';
import { requireRole } from '../principal.js';

/**
 * The caller's agency as the axis registry holds it: name, parent and the certificates bound to its code
 * (fingerprint, validity, active or revoked) — what a receiver checks a seal against. Read live from the axis
 * (role admin or auditor); ERR_AXIS_UNAVAILABLE when the axis cannot be reached.
 */
export async function readAgencyRegistryEntry(deps: Pick<NodeDeps, 'axis'>, principal: NodePrincipal): Promise<AxisAgencyInfo> {
  requireRole(principal, ['admin', 'auditor']);
  const entry = await deps.axis.getAgency(principal.agencyCode, principal.agencyCode);
  if (!entry) throw new DomainError('ERR_AGENCY_UNKNOWN', 'your agency is not registered at the axis', { details: { agency: principal.agencyCode } });
  return entry;
}
