import { hashSecret, verifySecret } from '../auth/password.js';
import { issueToken, verifyToken } from '../auth/token.js';
import { isAgencyCode, parseAgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import type { AxisDeps, AxisPrincipal } from './deps.js';

export interface IssuedAxisToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly agencyCode: string;
}

let dummyHash: Promise<string> | undefined;

/**
 * Authenticates a connected system by its agency code and secret (scrypt hash in the registry) and issues a
 * bearer token scoped to that agency. Every failure is the same ERR_UNAUTHENTICATED, and an unknown code
 * still costs one scrypt, so the answer does not tell which codes exist.
 */
export async function authenticateSystem(deps: AxisDeps, input: { systemId: string; secret: string }): Promise<IssuedAxisToken> {
  const denied = () => new DomainError('ERR_UNAUTHENTICATED', 'unknown system or wrong secret');
  const record = isAgencyCode(input.systemId) ? await deps.registry.findByCode(input.systemId) : null;
  if (!record?.secretHash) {
    dummyHash ??= hashSecret('lienthong-dummy-secret');
    await verifySecret(input.secret, await dummyHash);
    throw denied();
  }
  if (!(await verifySecret(input.secret, record.secretHash))) throw denied();
  const accessToken = issueToken(
    { subject: record.code, agencyCode: record.code, scope: 'axis', ttlSeconds: deps.tokenTtlSeconds },
    deps.tokenSecret,
    deps.now(),
  );
  return { accessToken, tokenType: 'Bearer', expiresIn: deps.tokenTtlSeconds, agencyCode: record.code };
}

/** Turns a bearer token into the calling agency (ERR_UNAUTHENTICATED when bad, expired or not an axis token). */
export function verifyAxisToken(deps: AxisDeps, token: string): AxisPrincipal {
  const claims = verifyToken(token, deps.tokenSecret, deps.now(), 'axis');
  if (!isAgencyCode(claims.agencyCode)) throw new DomainError('ERR_UNAUTHENTICATED', 'token names no agency');
  return Object.freeze({ agencyCode: parseAgencyCode(claims.agencyCode) });
}
