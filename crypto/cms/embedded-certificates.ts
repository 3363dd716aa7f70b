import { parseCertificate, type ParsedCertificate } from '../pki/index.js';

const MAX = 4096;
/**
 * Certificates seen inside signatures, keyed by length and their last 16 bytes (inside the issuer's signature
 * value, so effectively random). A hit is confirmed by comparing every byte, so the answer is exactly the
 * certificate cache's — it only spares the SHA-256 the cache would compute to find it (most signatures a node
 * verifies carry the same few certificates).
 */
const seen = new Map<string, ParsedCertificate[]>();

function keyOf(der: Uint8Array): string {
  const tail = Buffer.from(der.buffer, der.byteOffset + Math.max(0, der.length - 16), Math.min(16, der.length));
  return `${der.length}:${tail.toString('latin1')}`;
}

/** Parses a certificate found in a signature through the certificate cache. Throws like parseCertificate. */
export function parseEmbeddedCertificate(der: Uint8Array): ParsedCertificate {
  const key = keyOf(der);
  const list = seen.get(key);
  if (list) {
    const view = Buffer.from(der.buffer, der.byteOffset, der.length);
    for (const c of list) if (view.equals(c.der)) return c;
  }
  const parsed = parseCertificate(der);
  if (seen.size >= MAX) {
    const oldest = seen.keys().next().value;
    if (oldest !== undefined) seen.delete(oldest);
  }
  if (list) list.push(parsed);
  else seen.set(key, [parsed]);
  return parsed;
}
