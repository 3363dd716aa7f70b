import { CryptoError } from '../errors.js';

/** One PEM block: its label (`CERTIFICATE`, `X509 CRL`, ...) and DER bytes. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * True when `bytes` look like PEM text: they do not start as DER (a SEQUENCE, 0x30) and contain a
 * `-----BEGIN ` line (text before the first block, as `openssl x509 -text` writes, is allowed).
 */
export function isPem(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes[0] === 0x30) return false;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('-----BEGIN ');
}

/**
 * Decodes every PEM block of a text (RFC 7468). Text between blocks (OpenSSL's `subject=` lines) is ignored.
 * Throws ERR_PEM_MALFORMED when there is no block or a block's base64 is invalid.
 */
export function decodePem(bytes: Uint8Array): PemBlock[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    const body = (m[2] ?? '').replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    if (body.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw new CryptoError('ERR_PEM_MALFORMED', `PEM block ${m[1]} has invalid base64`);
    }
    blocks.push({ label: m[1] ?? '', der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  if (blocks.length === 0) throw new CryptoError('ERR_PEM_MALFORMED', 'no PEM block found');
  return blocks;
}

/** Encodes DER bytes as one PEM block with 64-column base64 lines (RFC 7468 §2). */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
