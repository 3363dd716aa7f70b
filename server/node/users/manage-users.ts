import { randomBytes } from 'node:crypto';
import { hashSecret } from '../../auth/password.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { USER_ROLES, type NodeUser, type UserRole } from '../../domain/ports/node/index.js';
import type { NodeDeps, NodePrincipal } from '../deps.js';
import { requireRole } from '../principal.js';

type UserDeps = Pick<NodeDeps, 'users' | 'now' | 'newId' | 'throttle'>;

/** A user as an agency's admin sees it: never the password hash. */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly fullName: string;
  readonly roles: readonly UserRole[];
  readonly disabled: boolean;
  readonly createdAt: string;
  /** Set while the account is locked out after failed logins: until when. */
  readonly lockedUntil?: string;
}

export const userView = (u: NodeUser, lockedUntil?: Date | null): UserView =>
  Object.freeze({
    id: u.id,
    username: u.username,
    fullName: u.fullName,
    roles: u.roles,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
    ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}),
  });

/** The throttle's account key of a node user (the login use case counts failures under it). */
export const loginAccountOf = (u: { readonly agencyCode: string; readonly username: string }) => `node:${u.agencyCode}/${u.username}`;

/** A one-time password: 18 random bytes, base64url (24 characters, 144 bits). Shown once, stored only hashed. */
const temporaryPassword = () => randomBytes(18).toString('base64url');

/** The user `id` of the admin's own agency (ERR_NOT_FOUND for any other agency's user: no cross-agency probing). */
async function ownUser(deps: UserDeps, admin: NodePrincipal, id: string): Promise<NodeUser> {
  const user = await deps.users.findById(id);
  if (!user || user.agencyCode !== admin.agencyCode) throw new DomainError('ERR_NOT_FOUND', 'no such user in your agency');
  return user;
}

/** The users of the admin's agency, by username (role admin). */
export async function listAgencyUsers(deps: UserDeps, admin: NodePrincipal): Promise<readonly UserView[]> {
  requireRole(admin, ['admin']);
  const users = await deps.users.listByAgency(admin.agencyCode);
  return Promise.all(users.map(async (u) => userView(u, await deps.throttle.accountLockedUntil(loginAccountOf(u)))));
}

/**
 * Adds a user to the admin's agency with a random one-time password, answered once (role admin). The roles are
 * those of the node (clerk, leader, admin, auditor); a leader signs as a person only once a person key is
 * provisioned for them. ERR_CONFLICT when the username is taken.
 */
export async function addAgencyUser(
  deps: UserDeps,
  admin: NodePrincipal,
  input: { readonly username: string; readonly fullName: string; readonly roles: readonly UserRole[] },
): Promise<{ readonly user: UserView; readonly temporaryPassword: string }> {
  requireRole(admin, ['admin']);
  if (input.roles.length === 0 || input.roles.some((r) => !USER_ROLES.includes(r))) throw new DomainError('ERR_VALIDATION', 'roles: one or more of clerk, leader, admin, auditor', { details: { issues: [{ path: 'body.roles', message: 'invalid' }] } });
  const password = temporaryPassword();
  try {
    const user = await deps.users.create({
      id: deps.newId(),
      agencyCode: admin.agencyCode,
      username: input.username,
      fullName: input.fullName,
      roles: [...new Set(input.roles)],
      passwordHash: await hashSecret(password),
      createdAt: deps.now(),
    });
    return { user: userView(user), temporaryPassword: password };
  } catch (e) {
    if (isDomainError(e, 'ERR_DUPLICATE_KEY')) throw new DomainError('ERR_CONFLICT', 'this username is taken in your agency', { details: { username: input.username } });
    throw e;
  }
}

/**
 * Disables (or enables again) a user of the admin's agency: a disabled user cannot log in and its tokens stop
 * working at once (the token check reads the user store). An admin cannot disable themselves (ERR_VALIDATION),
 * so an agency is never left without the admin who made the change.
 */
export async function setAgencyUserDisabled(deps: UserDeps, admin: NodePrincipal, id: string, disabled: boolean): Promise<UserView> {
  requireRole(admin, ['admin']);
  const user = await ownUser(deps, admin, id);
  if (disabled && user.id === admin.userId) throw new DomainError('ERR_VALIDATION', 'an admin cannot disable their own account', { details: { issues: [{ path: 'params.id', message: 'yourself' }] } });
  await deps.users.setDisabled(user.id, disabled);
  return userView({ ...user, disabled });
}

/**
 * Replaces a user's password by a random one-time password, answered once, and lifts the account's login
 * lockout (its failed attempts are forgotten; the per-address count is kept). Role admin, own agency.
 */
export async function resetAgencyUserPassword(deps: UserDeps, admin: NodePrincipal, id: string): Promise<{ readonly user: UserView; readonly temporaryPassword: string }> {
  requireRole(admin, ['admin']);
  const user = await ownUser(deps, admin, id);
  const password = temporaryPassword();
  await deps.users.setPasswordHash(user.id, await hashSecret(password));
  await deps.throttle.succeed({ account: loginAccountOf(user) });
  return { user: userView(user), temporaryPassword: password };
}

/**
 * Lifts a user's login lockout without changing the password (the user mistyped; nobody else is guessing):
 * the account's failed attempts are forgotten, the per-address count is kept. Role admin, own agency.
 */
export async function unlockAgencyUser(deps: UserDeps, admin: NodePrincipal, id: string): Promise<UserView> {
  requireRole(admin, ['admin']);
  const user = await ownUser(deps, admin, id);
  await deps.throttle.succeed({ account: loginAccountOf(user) });
  return userView(user);
}
