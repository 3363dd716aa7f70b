import { createHash, timingSafeEqual } from 'node:crypto';
import { issueAxisToken, verifyAxisToken as verifyAxisJwt } from '../auth/token.js';
import { DomainError } from '../domain/errors.js';
import type { AxisDeps } from './deps.js';
import type { IssuedAxisToken } from './authenticate-system.js';

/**
 * The axis operator (the Government Office's team that runs the national axis): not an agency. It signs in at
 * `POST /axis/v1/auth/token` with the system id `operator` and the operator secret (config
 * LIENTHONG_AXIS_OPERATOR_SECRET), and its token opens only the operator's routes (the national report); an
 * agency's token does not open them, and the operator's token opens no agency route (its subject is no
 * agency code).
 */
export const OPERATOR_SYSTEM_ID = 'operator';
export const OPERATOR_ROLE = 'operator';

/** The caller of an operator route. */
export interface OperatorPrincipal {
  readonly operator: true;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
/** A short fingerprint of the operator secret: a token carries it, so changing the secret ends the old tokens. */
const secretVersion = (secret: string) => createHash('sha256').update(`operator:${secret}`).digest('base64url').slice(0, 12);

/**
 * Checks the operator secret (constant time on SHA-256 digests; throttled like the systems' secrets) and issues
 * an ES256 axis token with the role `operator`. ERR_UNAUTHENTICATED for a wrong secret or when no operator
 * secret is configured.
 */
export async function authenticateOperator(deps: AxisDeps, input: { secret: string; address?: string }): Promise<IssuedAxisToken> {
  const who = { account: `axis:${OPERATOR_SYSTEM_ID}`, ...(input.address ? { address: `axis:${input.address}` } : {}) };
  await deps.throttle.check(who);
  const configured = deps.operatorSecret;
  if (!configured || !timingSafeEqual(digest(input.secret), digest(configured))) {
    await deps.throttle.fail(who);
    throw new DomainError('ERR_UNAUTHENTICATED', 'unknown system or wrong secret');
  }
  await deps.throttle.succeed(who);
  const accessToken = await issueAxisToken({ subject: OPERATOR_SYSTEM_ID, agencyCode: OPERATOR_SYSTEM_ID, roles: [OPERATOR_ROLE], ttlSeconds: deps.tokenTtlSeconds, secretVersion: secretVersion(configured) }, deps.tokenKeys, deps.now());
  return { accessToken, tokenType: 'Bearer', expiresIn: deps.tokenTtlSeconds, agencyCode: OPERATOR_SYSTEM_ID };
}

/**
 * Turns a bearer token into the operator: a valid axis token (signature, expiry, scope) with the operator
 * role and the current operator secret's fingerprint. A valid agency token is ERR_FORBIDDEN (authenticated,
 * not allowed); anything else ERR_UNAUTHENTICATED.
 */
export async function verifyOperatorToken(deps: AxisDeps, token: string): Promise<OperatorPrincipal> {
  const claims = await verifyAxisJwt(token, deps.tokenKeys.verify, deps.now());
  if (claims.subject !== OPERATOR_SYSTEM_ID || !claims.roles.includes(OPERATOR_ROLE)) {
    throw new DomainError('ERR_FORBIDDEN', 'this route is for the axis operator, not for an agency', { details: { required: [OPERATOR_ROLE] } });
  }
  if (!deps.operatorSecret || claims.secretVersion !== secretVersion(deps.operatorSecret)) throw new DomainError('ERR_UNAUTHENTICATED', 'bearer token no longer valid (the operator secret changed)');
  return Object.freeze({ operator: true as const });
}
