import { verifyToken } from '../auth/token.js';
import { parseAgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import type { UserRole } from '../domain/ports/node/index.js';
import type { NodeDeps, NodePrincipal } from './deps.js';

/** Turns a node bearer token into the caller (ERR_UNAUTHENTICATED on anything wrong). */
export function authenticateNodeToken(deps: Pick<NodeDeps, 'tokenSecret' | 'now'>, token: string): NodePrincipal {
  const claims = verifyToken(token, deps.tokenSecret, deps.now(), 'node');
  let agencyCode;
  try {
    agencyCode = parseAgencyCode(claims.agencyCode);
  } catch {
    throw new DomainError('ERR_UNAUTHENTICATED', 'bearer token names no valid agency');
  }
  return Object.freeze({ userId: claims.subject, agencyCode, roles: claims.roles });
}

/** Roles that act on documents (send, status, recall). */
export const ACTING_ROLES: readonly UserRole[] = ['clerk', 'leader'];
/** Roles that may read an agency's documents. */
export const READING_ROLES: readonly UserRole[] = ['clerk', 'leader', 'admin', 'auditor'];

/** ERR_FORBIDDEN unless the caller holds one of `roles`. */
export function requireRole(principal: NodePrincipal, roles: readonly UserRole[]): void {
  if (!principal.roles.some((r) => (roles as readonly string[]).includes(r))) {
    throw new DomainError('ERR_FORBIDDEN', `requires one of the roles: ${roles.join(', ')}`, { details: { required: roles } });
  }
}
