import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt parameters (RFC 7914): N=2^15, r=8, p=1 — about 30 ms and 32 MiB per hash on this machine class. */
const PARAMS = { N: 1 << 15, r: 8, p: 1, keyLen: 32 } as const;

function scryptAsync(plain: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(plain, salt, keyLen, { ...opts, maxmem: 128 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hashes a password or system secret: `scrypt$N$r$p$salt$hash` (base64url), salted, self-describing. */
export async function hashSecret(plain: string): Promise<string> {
  if (typeof plain !== 'string' || plain.length === 0) throw new TypeError('secret must be a non-empty string');
  const salt = randomBytes(16);
  const key = await scryptAsync(plain, salt, PARAMS.keyLen, { N: PARAMS.N, r: PARAMS.r, p: PARAMS.p });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a secret against a stored hash in constant time. False for a malformed stored value. */
export async function verifySecret(plain: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (expected.length === 0 || typeof plain !== 'string') return false;
  const key = await scryptAsync(plain, salt, expected.length, { N, r, p });
  return timingSafeEqual(key, expected);
}
