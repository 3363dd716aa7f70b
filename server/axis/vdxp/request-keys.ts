import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';

/**
 * Seals system secrets for the VDXP facade. The VDXP SDKs never send the secret: they send
 * `XroadVnpt-hash-header = hex(HMAC-SHA256(secret, XroadVnpt-sign-header))`, so the axis must hold the secret
 * itself, not only its scrypt hash. It is kept sealed (AES-256-GCM, random 96-bit IV, the agency code as
 * additional data so a sealed value cannot be moved to another agency) under a key of its own.
 */
export interface RequestKeyBox {
  seal(code: string, secret: string): string;
  /** The secret, or null when the sealed value does not open (wrong key, tampered, other agency). */
  open(code: string, sealed: string): string | null;
}

const VERSION = 'v1';

/** A box whose key is derived (HKDF-SHA256) from the key-encryption key, for this one purpose. */
export function createRequestKeyBox(keyEncryptionKey: string): RequestKeyBox {
  if (typeof keyEncryptionKey !== 'string' || keyEncryptionKey.length < 16) throw new DomainError('ERR_CONFIG_INVALID', 'the request-key box needs a key-encryption key of at least 16 characters');
  const key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, 'lienthong-axis', 'vdxp request keys', 32));
  return Object.freeze({
    seal(code: string, secret: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(code, 'utf8'));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(code: string, sealed: string): string | null {
      if (!sealed.startsWith(`${VERSION}.`)) return null;
      const b = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
      if (b.length < 29) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
        decipher.setAAD(Buffer.from(code, 'utf8'));
        decipher.setAuthTag(b.subarray(12, 28));
        return Buffer.concat([decipher.update(b.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  });
}
