import { hashSecret, verifySecret } from '../auth/password.js';
import { issueNodeToken } from '../auth/token.js';
import { parseAgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import type { NodeDeps } from './deps.js';
import { loginAccountOf } from './users/manage-users.js';

export interface LoginResult {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly agencyCode: string;
  readonly username: string;
  readonly fullName: string;
  readonly roles: readonly string[];
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a user's password and issues a node token. Unknown agency, unknown user, disabled user and wrong
 * password all answer the same ERR_UNAUTHENTICATED after the same scrypt work (no user enumeration).
 * Failures are throttled per account and per address: after a few, ERR_TOO_MANY_REQUESTS with a growing wait.
 */
export async function login(deps: Pick<NodeDeps, 'users' | 'tokenKeys' | 'tokenTtlSeconds' | 'now' | 'throttle'>, input: { agencyCode: string; username: string; password: string; address?: string }): Promise<LoginResult> {
  const refuse = () => new DomainError('ERR_UNAUTHENTICATED', 'wrong agency code, username or password');
  const who = { account: loginAccountOf(input), ...(input.address ? { address: `node:${input.address}` } : {}) };
  await deps.throttle.check(who);
  let code;
  try {
    code = parseAgencyCode(input.agencyCode);
  } catch {
    await deps.throttle.fail(who);
    throw refuse();
  }
  const user = await deps.users.findByUsername(code, input.username);
  dummyHash ??= hashSecret('lienthong-dummy-password');
  const ok = await verifySecret(input.password, user?.passwordHash ?? (await dummyHash));
  if (!user || !ok || user.disabled) {
    await deps.throttle.fail(who);
    throw refuse();
  }
  await deps.throttle.succeed(who);
  const accessToken = await issueNodeToken({ subject: user.id, agencyCode: user.agencyCode, roles: user.roles, ttlSeconds: deps.tokenTtlSeconds }, deps.tokenKeys, deps.now());
  return { accessToken, tokenType: 'Bearer', expiresIn: deps.tokenTtlSeconds, agencyCode: user.agencyCode, username: user.username, fullName: user.fullName, roles: user.roles };
}
