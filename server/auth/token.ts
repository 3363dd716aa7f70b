import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, jwtVerify, type JWTPayload, type JWK } from 'jose';
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
  /** Axis tokens: a short fingerprint of the secret the system authenticated with (set-secret ends its tokens). */
  readonly secretVersion?: string;
  /** The key id (JWS `kid`) that signed the token. */
  readonly keyId: string;
}

export interface IssueTokenInput {
  readonly subject: string;
  readonly agencyCode: string;
  readonly roles?: readonly string[];
  readonly ttlSeconds: number;
  readonly secretVersion?: string;
}

/** One HMAC key of node tokens (HS256) with its key id. */
export interface NodeTokenKey {
  readonly kid: string;
  readonly secret: Uint8Array;
}

/** The node's token keys: the one that signs, and older ones still accepted while tokens they signed live. */
export interface NodeTokenKeys {
  readonly current: NodeTokenKey;
  readonly previous: readonly NodeTokenKey[];
}

/** An ES256 public key that verifies axis tokens, with its key id (RFC 7638 thumbprint). */
export interface AxisVerifyKey {
  readonly kid: string;
  readonly publicKey: KeyObject;
}

/** The axis's token keys: the private key that signs and every public key accepted (the current one first). */
export interface AxisTokenKeys {
  readonly signing: { readonly kid: string; readonly privateKey: KeyObject };
  readonly verify: readonly AxisVerifyKey[];
}

const ISSUER = { node: 'lienthong-node', axis: 'lienthong-axis' } as const;
const ALGORITHM = { node: 'HS256', axis: 'ES256' } as const;
const MAX_TOKEN_CHARS = 4096;

/** A node token key from its secret; the key id is a hash of the secret (so every process derives the same one). */
export function nodeTokenKey(secret: string | Uint8Array): NodeTokenKey {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < 32) throw new TypeError('a node token secret must be at least 32 bytes');
  const kid = `n-${createHash('sha256').update('lienthong node token key id\0').update(bytes).digest('base64url').slice(0, 16)}`;
  return Object.freeze({ kid, secret: new Uint8Array(bytes) });
}

/** An axis verification key from an EC P-256 public key: its key id is the JWK thumbprint (RFC 7638). */
export async function axisVerifyKey(publicKey: KeyObject): Promise<AxisVerifyKey> {
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('an axis token key must be an EC P-256 key (ES256)');
  }
  return Object.freeze({ kid: `a-${await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256')}`, publicKey });
}

/** The public keys of the axis as a JWK Set (RFC 7517 §5), for nodes or other axis processes that verify its tokens. */
export async function axisJwks(keys: readonly AxisVerifyKey[]): Promise<{ keys: JWK[] }> {
  return { keys: await Promise.all(keys.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: 'ES256', use: 'sig' }))) };
}

async function issue(scope: TokenScope, input: IssueTokenInput, kid: string, key: KeyObject | Uint8Array, now: Date): Promise<string> {
  if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds <= 0) throw new TypeError('ttlSeconds must be a positive integer');
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    agency: input.agencyCode,
    scope,
    roles: [...(input.roles ?? [])],
    ...(input.secretVersion ? { sv: input.secretVersion } : {}),
  })
    .setProtectedHeader({ alg: ALGORITHM[scope], kid, typ: 'JWT' })
    .setIssuer(ISSUER[scope])
    .setAudience(ISSUER[scope])
    .setSubject(input.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + input.ttlSeconds)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(key);
}

/** Issues a node (clerk API) token: a JWT (RFC 7519) signed HS256 with the node's current token key. */
export function issueNodeToken(input: IssueTokenInput, keys: NodeTokenKeys, now: Date): Promise<string> {
  return issue('node', input, keys.current.kid, keys.current.secret, now);
}

/** Issues an axis token: a JWT signed ES256 with the axis's private key, verifiable with its public key alone. */
export function issueAxisToken(input: IssueTokenInput, keys: Pick<AxisTokenKeys, 'signing'>, now: Date): Promise<string> {
  return issue('axis', input, keys.signing.kid, keys.signing.privateKey, now);
}

const unauthenticated = (why: string) => new DomainError('ERR_UNAUTHENTICATED', why);

async function verify(scope: TokenScope, token: string, keyOf: (kid: string) => KeyObject | Uint8Array | undefined, now: Date): Promise<TokenClaims> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || token.split('.').length !== 3) throw unauthenticated('malformed bearer token');
  let payload: JWTPayload;
  let kid: string;
  try {
    const r = await jwtVerify(
      token,
      (header) => {
        const key = typeof header.kid === 'string' ? keyOf(header.kid) : undefined;
        if (!key) throw unauthenticated('bearer token signed by an unknown key');
        return key;
      },
      { algorithms: [ALGORITHM[scope]], issuer: ISSUER[scope], audience: ISSUER[scope], currentDate: now, requiredClaims: ['sub', 'exp', 'iat', 'jti'] },
    );
    payload = r.payload;
    kid = r.protectedHeader.kid!;
  } catch (e) {
    if (e instanceof DomainError) throw e;
    const code = (e as { code?: string }).code;
    throw unauthenticated(code === 'ERR_JWT_EXPIRED' ? 'bearer token expired' : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? 'bearer token not valid for this API' : 'bearer token signature invalid');
  }
  const { sub, agency, roles, scope: s, iat, exp, jti, sv } = payload as JWTPayload & { agency?: unknown; roles?: unknown; scope?: unknown; sv?: unknown };
  if (s !== scope || typeof agency !== 'string' || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) throw unauthenticated('bearer token not valid for this API');
  return Object.freeze({
    subject: sub!,
    agencyCode: agency,
    scope,
    roles: Object.freeze([...(roles as string[])]),
    issuedAt: iat!,
    expiresAt: exp!,
    tokenId: jti!,
    ...(typeof sv === 'string' ? { secretVersion: sv } : {}),
    keyId: kid,
  });
}

/** Verifies a node token's signature (any of the node's keys, by kid), issuer, audience, expiry and scope. ERR_UNAUTHENTICATED otherwise. Verified tokens are remembered as {@link verifyAxisToken} says. */
export function verifyNodeToken(token: string, keys: NodeTokenKeys, now: Date): Promise<TokenClaims> {
  return remembered(keys, token, now, () => {
    const all = [keys.current, ...keys.previous];
    return verify('node', token, (kid) => all.find((k) => k.kid === kid)?.secret, now);
  });
}

/**
 * Verifies an axis token with the axis's public keys (by kid). ERR_UNAUTHENTICATED on anything wrong.
 *
 * A token that verified is remembered with its claims, per key set, until it expires: a polling node presents
 * the same token several times a second, and each ES256 verification costs about half a millisecond (a node
 * token's HS256 imports its key each time). A remembered token is still checked against `now` (RFC 7519
 * §4.1.4: invalid once `exp` is not after now, as jose counts it), and another key set (another object) starts
 * empty, so a key taken out of the set ends its tokens at once. Only verified tokens are remembered; a bad one
 * is verified (and refused) every time. What the caller checks after the signature (the secret version of an
 * axis token, a node user's state) it still checks on every call.
 */
export function verifyAxisToken(token: string, keys: readonly AxisVerifyKey[], now: Date): Promise<TokenClaims> {
  return remembered(keys, token, now, () => verify('axis', token, (kid) => keys.find((k) => k.kid === kid)?.publicKey, now));
}

/** Verified tokens by key set (see {@link verifyAxisToken}); a few per connected system or user are live at a time. */
const verifiedTokens = new WeakMap<object, Map<string, TokenClaims>>();
const MAX_REMEMBERED_TOKENS = 10_000;

async function remembered(keys: object, token: string, now: Date, verifyNow: () => Promise<TokenClaims>): Promise<TokenClaims> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let known = verifiedTokens.get(keys);
  const hit = known?.get(token);
  if (hit && hit.expiresAt > nowSeconds) return hit;
  const claims = await verifyNow();
  if (!known) verifiedTokens.set(keys, (known = new Map()));
  if (known.size >= MAX_REMEMBERED_TOKENS) {
    for (const [t, c] of known) if (c.expiresAt <= nowSeconds) known.delete(t);
    if (known.size >= MAX_REMEMBERED_TOKENS) known.clear();
  }
  known.set(token, claims);
  return claims;
}
