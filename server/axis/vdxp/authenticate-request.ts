import { createHmac, timingSafeEqual } from 'node:crypto';
import { isAgencyCode, parseAgencyCode } from '../../domain/agency/index.js';
import { DomainError } from '../../domain/errors.js';
import type { SeenRequests } from '../../domain/ports/axis/index.js';
import type { AxisDeps, AxisPrincipal } from '../deps.js';
import type { RequestKeyBox } from './request-keys.js';

/** The request as the VDXP SDKs sign it: every `XroadVnpt-*` header received, by lower-case name. */
export interface VdxpSignedRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly address?: string;
}

export interface VdxpAuthDeps extends Pick<AxisDeps, 'registry' | 'throttle' | 'now'> {
  readonly requestKeys?: RequestKeyBox;
  readonly seenRequests?: SeenRequests;
  /** How far the SDK's `timestamp` may be from the axis clock, seconds (default 900). */
  readonly timestampSkewSeconds?: number;
}

const PREFIX = 'xroadvnpt-';
/** Headers the SDK adds about the signature itself (not signed). */
const UNSIGNED = new Set(['xroadvnpt-sign-header-key', 'xroadvnpt-sign-header', 'xroadvnpt-hash-header', 'xroadvnpt-version']);
const MAX_SIGN_HEADER = 8 * 1024;
/** Vietnam time (UTC+7, no daylight saving): the SDK writes its local time without a zone. */
const VN_OFFSET_MS = 7 * 3600 * 1000;

/**
 * Parses the SDK's `timestamp` (Java pattern `ddMMyyyy'T'HHmmss+SSSS`: the `+SSSS` is milliseconds, not a
 * zone) as Vietnam local time. Null when it is not that shape or not a real date.
 */
export function parseVdxpTimestamp(s: string): Date | null {
  const m = /^(\d{2})(\d{2})(\d{4})T(\d{2})(\d{2})(\d{2})\+(\d{4})$/.exec(s);
  if (!m) return null;
  const [d, mo, y, h, mi, se, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, se, ms) - VN_OFFSET_MS;
  const back = new Date(utc + VN_OFFSET_MS);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return new Date(utc);
}

/** The SDK's `timestamp` for an instant (what a lienthong node sends in the VDXP dialect). */
export function formatVdxpTimestamp(at: Date): string {
  const v = new Date(at.getTime() + VN_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(v.getUTCDate())}${p(v.getUTCMonth() + 1)}${v.getUTCFullYear()}T${p(v.getUTCHours())}${p(v.getUTCMinutes())}${p(v.getUTCSeconds())}+${p(v.getUTCMilliseconds(), 4)}`;
}

/**
 * Authenticates a request of a VDXP client SDK. The SDK sends each header of its JSON request both as
 * `XroadVnpt-<name>` and inside `XroadVnpt-sign-header` (a JSON object of those headers), lists the names in
 * `XroadVnpt-sign-header-key`, and sends `XroadVnpt-hash-header = hex(HMAC-SHA256(secret, sign-header))`.
 * Checked here, all or nothing: the HMAC with the system's sealed secret (constant-time compare); the signed
 * JSON and the headers received say exactly the same thing (no unsigned `XroadVnpt-*` header is honoured, no
 * signed one is missing); `systemid` names a registered agency; `timestamp` is within the allowed skew.
 * Every failure is the same ERR_UNAUTHENTICATED and counts against the throttle, like `/auth/token`. A request
 * whose HMAC was already accepted inside its window is a replay: ERR_REPLAYED, counted too, nothing else done.
 * Returns the principal and the signed values (lower-case names without the prefix).
 */
export async function authenticateVdxpRequest(deps: VdxpAuthDeps, request: VdxpSignedRequest): Promise<{ principal: AxisPrincipal; values: Readonly<Record<string, string>> }> {
  const h = request.headers;
  const systemId = h['xroadvnpt-systemid'] ?? '';
  const who = { account: `vdxp:${systemId.slice(0, 64)}`, ...(request.address ? { address: `vdxp:${request.address}` } : {}) };
  const denied = async (why: string): Promise<never> => {
    await deps.throttle.fail(who);
    throw new DomainError('ERR_UNAUTHENTICATED', `VDXP request signature refused: ${why}`);
  };
  await deps.throttle.check(who);

  const signHeader = h['xroadvnpt-sign-header'];
  const hash = h['xroadvnpt-hash-header'];
  const keyList = h['xroadvnpt-sign-header-key'];
  if (!signHeader || !hash || keyList === undefined) return denied('XroadVnpt-sign-header, -sign-header-key and -hash-header are required');
  if (signHeader.length > MAX_SIGN_HEADER) return denied('XroadVnpt-sign-header too long');
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) return denied('XroadVnpt-hash-header is not a hex HMAC-SHA256');

  let signed: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(signHeader);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return denied('XroadVnpt-sign-header is not a JSON object');
    signed = parsed as Record<string, unknown>;
  } catch {
    return denied('XroadVnpt-sign-header is not JSON');
  }
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed)) {
    const name = k.toLowerCase();
    if (!name.startsWith(PREFIX) || typeof v !== 'string' || UNSIGNED.has(name) || name in values) return denied(`signed entry ${k.slice(0, 64)} not allowed`);
    if (h[name] !== v) return denied(`signed ${k.slice(0, 64)} differs from the header sent`);
    values[name.slice(PREFIX.length)] = v;
  }
  const listed = keyList
    .split(';')
    .filter((n) => n.length > 0)
    .map((n) => n.toLowerCase());
  const signedNames = Object.keys(values);
  if (listed.length !== signedNames.length || !listed.every((n) => n in values)) return denied('XroadVnpt-sign-header-key does not list the signed headers');
  for (const name of Object.keys(h)) {
    if (name.startsWith(PREFIX) && !UNSIGNED.has(name) && !(name.slice(PREFIX.length) in values)) return denied(`header ${name.slice(0, 64)} is not signed`);
  }

  const record = isAgencyCode(systemId) ? await deps.registry.findByCode(parseAgencyCode(systemId)) : null;
  const secret = record?.requestKeySealed && deps.requestKeys ? deps.requestKeys.open(record.code, record.requestKeySealed) : null;
  // Compute an HMAC even without a secret, so timing does not tell which systems exist.
  const expected = createHmac('sha256', secret ?? 'lienthong-no-such-system')
    .update(signHeader, 'utf8')
    .digest();
  const given = Buffer.from(hash, 'hex');
  if (!timingSafeEqual(expected, given) || !secret || !record) return denied('unknown system or wrong secret');

  const at = values.timestamp ? parseVdxpTimestamp(values.timestamp) : null;
  if (!at) return denied('signed timestamp missing or not ddMMyyyyTHHmmss+SSSS');
  const skew = (deps.timestampSkewSeconds ?? 900) * 1000;
  if (Math.abs(at.getTime() - deps.now().getTime()) > skew) return denied('signed timestamp outside the allowed clock skew');
  if (!deps.seenRequests) return denied('this axis has no replay guard');
  // Replay guard, last so only a request that is otherwise accepted is recorded: the HMAC (it covers every
  // signed header, timestamp included) is kept until the end of the window; a second use is refused.
  if (!(await deps.seenRequests.remember(hash.toLowerCase(), new Date(at.getTime() + skew), deps.now()))) {
    await deps.throttle.fail(who);
    throw new DomainError('ERR_REPLAYED', 'this signed request was already received: sign each request with a fresh timestamp');
  }

  await deps.throttle.succeed(who);
  return { principal: Object.freeze({ agencyCode: record.code }), values: Object.freeze(values) };
}
