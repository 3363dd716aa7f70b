import { createHmac, timingSafeEqual, randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';

export type TokenScope = 'axis' | 'node';

export interface TokenClaims {
  /** Who: a system id (agency code) on the axis, a user id on the node. */
  readonly subject: string;
  readonly agencyCode: string;
  readonly scope: TokenScope;
  readonly roles: readonly string[];
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly tokenId: string;
}

export interface IssueTokenInput {
  readonly subject: string;
  readonly agencyCode: string;
  readonly scope: TokenScope;
  readonly roles?: readonly string[];
  readonly ttlSeconds: number;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`lienthong.v1.${payload}`).digest();
}

/**
 * Issues a bearer token: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`. Stateless, so several
 * processes behind a load balancer accept each other's tokens when they share the secret.
 */
export function issueToken(input: IssueTokenInput, secret: string, now: Date): string {
  if (secret.length < 32) throw new TypeError('token secret must be at least 32 characters');
  if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds <= 0) throw new TypeError('ttlSeconds must be a positive integer');
  const issuedAt = Math.floor(now.getTime() / 1000);
  const claims: TokenClaims = {
    subject: input.subject,
    agencyCode: input.agencyCode,
    scope: input.scope,
    roles: [...(input.roles ?? [])],
    issuedAt,
    expiresAt: issuedAt + input.ttlSeconds,
    tokenId: randomBytes(12).toString('base64url'),
  };
  const payload = b64url(JSON.stringify(claims));
  return `v1.${payload}.${b64url(mac(payload, secret))}`;
}

const unauthenticated = (why: string) => new DomainError('ERR_UNAUTHENTICATED', why);

/** Verifies a token's MAC, expiry and scope. Throws ERR_UNAUTHENTICATED on anything wrong. */
export function verifyToken(token: string, secret: string, now: Date, expectedScope: TokenScope): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1' || !parts[1] || !parts[2] || token.length > 4096) {
    throw unauthenticated('malformed bearer token');
  }
  const expected = mac(parts[1], secret);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated('bearer token signature invalid');
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    throw unauthenticated('malformed bearer token');
  }
  if (claims.scope !== expectedScope) throw unauthenticated('bearer token not valid for this API');
  if (!(claims.expiresAt > Math.floor(now.getTime() / 1000))) throw unauthenticated('bearer token expired');
  return Object.freeze(claims);
}
