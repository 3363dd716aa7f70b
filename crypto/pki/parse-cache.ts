import { CryptoError } from '../errors.js';
import { sameBytes } from './bytes.js';
import { sha256Hex } from './fingerprint.js';
import { decodePem, isPem } from './pem.js';

/**
 * A process-wide parse cache for DER objects (certificates, CRLs): first by the caller's own byte array,
 * confirmed by a byte comparison on every hit (memcmp is ~50× cheaper than SHA-256, and a reused, mutated
 * buffer can never return a stale parse), then by the SHA-256 of the DER. Oldest entries leave first.
 */
export function createParseCache<T extends { readonly der: Uint8Array }>(options: {
  readonly pemLabels: readonly string[];
  readonly maxEntries: number;
  readonly build: (der: Uint8Array, sha256: string) => T;
}) {
  const byFingerprint = new Map<string, T>();
  const byArray = new WeakMap<Uint8Array, T>();
  return {
    parse(bytes: Uint8Array): T {
      const known = byArray.get(bytes);
      if (known && sameBytes(known.der, bytes)) return known;
      let der = bytes;
      if (isPem(bytes)) {
        const block = decodePem(bytes).find((b) => options.pemLabels.includes(b.label));
        if (!block) throw new CryptoError('ERR_PEM_MALFORMED', `no ${options.pemLabels[0]} block`);
        der = block.der;
      }
      const fp = sha256Hex(der);
      let parsed = byFingerprint.get(fp);
      if (!parsed) {
        parsed = options.build(new Uint8Array(der), fp);
        if (byFingerprint.size >= options.maxEntries) {
          const oldest = byFingerprint.keys().next().value;
          if (oldest !== undefined) byFingerprint.delete(oldest);
        }
        byFingerprint.set(fp, parsed);
      }
      if (der === bytes) byArray.set(bytes, parsed);
      return parsed;
    },
    get: (sha256: string): T | undefined => byFingerprint.get(sha256),
  };
}
