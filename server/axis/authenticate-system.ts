import { createHash } from 'node:crypto';
import { hashSecret, verifySecret } from '../auth/password.js';
import { issueAxisToken, verifyAxisToken as verifyAxisJwt } from '../auth/token.js';
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

/** A short fingerprint of the stored secret hash: a token carries it, so setting a new secret ends the old tokens. */
function secretVersion(secretHash: string): string {
  return createHash('sha256').update(secretHash).digest('base64url').slice(0, 12);
}

/**
 * Authenticates a connected system by its agency code and secret (scrypt hash in the registry) and issues a
 * bearer token scoped to that agency (ES256, RFC 7518 §3.4, so whoever holds the axis's public key can verify
 * it and nobody without the private key can mint one). Every failure is the same ERR_UNAUTHENTICATED, an
 * unknown code still costs one scrypt, so the answer does not tell which codes exist; failures are throttled
 * per system and per address (ERR_TOO_MANY_REQUESTS).
 */
export async function authenticateSystem(deps: AxisDeps, input: { systemId: string; secret: string; address?: string }): Promise<IssuedAxisToken> {
  const denied = () => new DomainError('ERR_UNAUTHENTICATED', 'unknown system or wrong secret');
  const who = { account: `axis:${input.systemId}`, ...(input.address ? { address: `axis:${input.address}` } : {}) };
  await deps.throttle.check(who);
  const record = isAgencyCode(input.systemId) ? await deps.registry.findByCode(input.systemId) : null;
  if (!record?.secretHash) {
    dummyHash ??= hashSecret('lienthong-dummy-secret');
    await verifySecret(input.secret, await dummyHash);
    await deps.throttle.fail(who);
    throw denied();
  }
  if (!(await verifySecret(input.secret, record.secretHash))) {
    await deps.throttle.fail(who);
    throw denied();
  }
  await deps.throttle.succeed(who);
  const accessToken = await issueAxisToken({ subject: record.code, agencyCode: record.code, ttlSeconds: deps.tokenTtlSeconds, secretVersion: secretVersion(record.secretHash) }, deps.tokenKeys, deps.now());
  return { accessToken, tokenType: 'Bearer', expiresIn: deps.tokenTtlSeconds, agencyCode: record.code };
}

/**
 * Turns a bearer token into the calling agency: signature by one of the axis's public keys, expiry, scope,
 * and the registry still holding the secret the token was issued for (ERR_UNAUTHENTICATED otherwise).
 */
export async function verifyAxisToken(deps: AxisDeps, token: string): Promise<AxisPrincipal> {
  const now = deps.now();
  const claims = await verifyAxisJwt(token, deps.tokenKeys.verify, now);
  if (!isAgencyCode(claims.agencyCode) || claims.subject !== claims.agencyCode) throw new DomainError('ERR_UNAUTHENTICATED', 'token names no agency');
  const principal = Object.freeze({ agencyCode: parseAgencyCode(claims.agencyCode) });
  const seen = secretChecksOf(deps.registry);
  const hit = seen.get(claims.agencyCode);
  if (hit && hit.until > now.getTime() && hit.version === claims.secretVersion) return principal;
  const record = await deps.registry.findByCode(claims.agencyCode);
  if (!record?.secretHash || claims.secretVersion !== secretVersion(record.secretHash)) {
    seen.delete(claims.agencyCode);
    throw new DomainError('ERR_UNAUTHENTICATED', 'bearer token no longer valid (the system secret changed)');
  }
  seen.set(claims.agencyCode, { version: claims.secretVersion, until: now.getTime() + SECRET_CHECK_CACHE_MS });
  return principal;
}

/**
 * How long a process reuses what it read of an agency's secret when checking that agency's tokens: a polling
 * node makes several axis calls a second, and each would otherwise read the registry. A secret set by another
 * process (the CLI) ends the old tokens at most this much later; one set in this process, at once.
 */
export const SECRET_CHECK_CACHE_MS = 2000;

const secretChecks = new WeakMap<object, Map<string, { version: string; until: number }>>();

function secretChecksOf(registry: object): Map<string, { version: string; until: number }> {
  let m = secretChecks.get(registry);
  if (!m) secretChecks.set(registry, (m = new Map()));
  return m;
}

/** Forgets the cached secret check of an agency (its secret was just set through this registry). */
export function forgetSecretCheck(registry: object, code: string): void {
  secretChecks.get(registry)?.delete(code);
}
