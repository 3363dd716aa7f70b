import { verifyNodeToken } from '../auth/token.js';
import { parseAgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import type { UserRole } from '../domain/ports/node/index.js';
import type { NodeDeps, NodePrincipal } from './deps.js';

/**
 * Turns a node bearer token into the caller (ERR_UNAUTHENTICATED on anything wrong). The token is checked
 * against the user store on every request: a user disabled or removed loses access at once, and the roles
 * are the user's roles now, not those at login.
 */
export async function authenticateNodeToken(deps: Pick<NodeDeps, 'tokenKeys' | 'now' | 'users'>, token: string): Promise<NodePrincipal> {
  const claims = await verifyNodeToken(token, deps.tokenKeys, deps.now());
  let agencyCode;
  try {
    agencyCode = parseAgencyCode(claims.agencyCode);
  } catch {
    throw new DomainError('ERR_UNAUTHENTICATED', 'bearer token names no valid agency');
  }
  const user = await deps.users.findById(claims.subject);
  if (!user || user.disabled || user.agencyCode !== agencyCode) throw new DomainError('ERR_UNAUTHENTICATED', 'the user of this token is unknown or disabled');
  return Object.freeze({ userId: user.id, agencyCode, roles: Object.freeze([...user.roles]) });
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
