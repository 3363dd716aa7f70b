import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { importPkcs12, type SigningIdentity } from '../../../crypto/index.js';
import { DomainError } from '../../domain/errors.js';
import type { KeyRef, KeyStore, SealedItemRepository } from '../../domain/ports/node/index.js';

const VERSION = 1;

function nameOf(ref: KeyRef): string {
  return ref.kind === 'seal' ? `key:seal:${ref.agencyCode}` : `key:person:${ref.agencyCode}:${ref.userId}`;
}

/**
 * The development {@link KeyStore}: PKCS#12 files and secrets sealed with AES-256-GCM under a key derived
 * (HKDF-SHA-256, RFC 5869) from the token secret, the slot name as associated data (a sealed item moved to
 * another slot does not open). Identities are parsed once and cached (STYLE.md: parse each key once).
 * Production replaces this with an HSM-backed store behind the same port.
 */
export function createDevelopmentKeyStore(items: SealedItemRepository, masterSecret: string, now: () => Date): KeyStore {
  if (typeof masterSecret !== 'string' || masterSecret.length < 32) throw new TypeError('masterSecret must be at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', masterSecret, 'lienthong-node-keystore', 'sealed-items-v1', 32));
  const cache = new Map<string, Promise<SigningIdentity | null>>();

  const seal = (name: string, plain: Uint8Array): Uint8Array => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]));
  };
  const open = (name: string, sealed: Uint8Array): Buffer => {
    const b = Buffer.from(sealed);
    if (b.length < 29 || b[0] !== VERSION) throw new DomainError('ERR_KEY_UNAVAILABLE', `sealed item ${name} is malformed`);
    const decipher = createDecipheriv('aes-256-gcm', key, b.subarray(1, 13));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(b.subarray(13, 29));
    try {
      return Buffer.concat([decipher.update(b.subarray(29)), decipher.final()]);
    } catch (cause) {
      throw new DomainError('ERR_KEY_UNAVAILABLE', `sealed item ${name} does not open with this token secret`, { cause });
    }
  };

  return {
    async putPkcs12(ref, pkcs12, password) {
      importPkcs12(pkcs12, password); // refuse what would not open later
      const name = nameOf(ref);
      const plain = Buffer.from(JSON.stringify({ p12: Buffer.from(pkcs12).toString('base64'), password }), 'utf8');
      await items.put(name, seal(name, plain), now());
      cache.delete(name);
    },
    getIdentity(ref) {
      const name = nameOf(ref);
      let hit = cache.get(name);
      if (!hit) {
        hit = (async () => {
          const sealed = await items.get(name);
          if (!sealed) return null;
          const { p12, password } = JSON.parse(open(name, sealed).toString('utf8')) as { p12: string; password: string };
          return importPkcs12(new Uint8Array(Buffer.from(p12, 'base64')), password).identity;
        })();
        hit.then(
          (v) => {
            if (!v) cache.delete(name);
          },
          () => cache.delete(name),
        );
        cache.set(name, hit);
      }
      return hit;
    },
    async putSecret(name, value) {
      const slot = `secret:${name}`;
      await items.put(slot, seal(slot, Buffer.from(value, 'utf8')), now());
    },
    async getSecret(name) {
      const slot = `secret:${name}`;
      const sealed = await items.get(slot);
      return sealed ? open(slot, sealed).toString('utf8') : null;
    },
  };
}
