import { createHash, createHmac, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { CryptoError } from '../errors.js';
import { parseCertificate, type ParsedCertificate } from '../pki/certificate.js';
import { createKeySigner } from './key-signer.js';
import type { SigningIdentity } from './signer.js';

/** What a PKCS#12 file yields: a ready signing identity and its key as PKCS#8 DER (for re-export). */
export interface ImportedPkcs12 {
  readonly identity: SigningIdentity;
  readonly privateKeyPkcs8: Uint8Array;
}

const MAX_CACHE = 256;
const cache = new Map<string, ImportedPkcs12>();
// Cache keys hold an HMAC of the password under a per-process random key, never the password itself.
const passwordKey = randomBytes(32);

function toBinary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
}

function fromBinary(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'binary'));
}

function keyFromBag(bag: forge.pkcs12.Bag): KeyObject | undefined {
  let pkcs8: Uint8Array | undefined;
  if (bag.key) {
    const rsa = forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey));
    pkcs8 = fromBinary(forge.asn1.toDer(rsa).getBytes());
  } else if (bag.asn1) {
    // node-forge cannot read EC (or other non-RSA) keys; it hands over the decrypted PrivateKeyInfo.
    pkcs8 = fromBinary(forge.asn1.toDer(bag.asn1).getBytes());
  }
  if (!pkcs8) return undefined;
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new CryptoError('ERR_KEY_MALFORMED', 'the PKCS#12 private key cannot be read', { cause: e });
  }
}

function certFromBag(bag: forge.pkcs12.Bag): Uint8Array | undefined {
  const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  return asn ? fromBinary(forge.asn1.toDer(asn).getBytes()) : undefined;
}

function orderChain(leaf: ParsedCertificate, others: readonly ParsedCertificate[]): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const used = new Set([leaf.sha256]);
  let current = leaf;
  for (;;) {
    if (current.selfIssued) break;
    const next = others.find((c) => !used.has(c.sha256) && c.subjectKey === current.issuerKey);
    if (!next) break;
    used.add(next.sha256);
    chain.push(next.der);
    current = next;
  }
  for (const c of others) if (!used.has(c.sha256)) chain.push(c.der); // unrelated extras, kept last
  return chain;
}

/**
 * RFC 7292 Appendix B derives MAC and PKCS#12-PBE keys from the BMPString password, while PBES2
 * (RFC 8018) takes the UTF-8 bytes, as OpenSSL does. node-forge uses one string for both, so a non-ASCII
 * password opens the MAC and legacy bags but not PBES2 bags. Then, the MAC having been verified by the first
 * attempt, the PFX is re-read without its MAC with the password's UTF-8 bytes.
 */
function openPfx(asn: forge.asn1.Asn1, password: string): forge.pkcs12.Pkcs12Pfx {
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn, true, password);
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(password) || !/decrypt/i.test(message) || !Array.isArray(asn.value)) throw e;
    const withoutMac = forge.asn1.create(asn.tagClass, asn.type, asn.constructed, asn.value.slice(0, 2));
    return forge.pkcs12.pkcs12FromAsn1(withoutMac, true, Buffer.from(password, 'utf8').toString('binary'));
  }
}

function decode(bytes: Uint8Array, password: string): ImportedPkcs12 {
  let asn: forge.asn1.Asn1;
  try {
    asn = forge.asn1.fromDer(toBinary(bytes), true);
  } catch (e) {
    throw new CryptoError('ERR_PKCS12_MALFORMED', 'not a DER PKCS#12 file', { cause: e });
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = openPfx(asn, password);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/MAC could not be verified|wrong password|Invalid password/i.test(message)) {
      throw new CryptoError('ERR_PKCS12_PASSWORD', 'wrong PKCS#12 password', { cause: e });
    }
    throw new CryptoError('ERR_PKCS12_MALFORMED', 'unreadable PKCS#12 structure', { cause: e });
  }
  const keys: KeyObject[] = [];
  const certs: ParsedCertificate[] = [];
  for (const sc of p12.safeContents) {
    for (const bag of sc.safeBags) {
      if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        const k = keyFromBag(bag);
        if (k) keys.push(k);
      } else if (bag.type === forge.pki.oids.certBag) {
        const der = certFromBag(bag);
        if (der) {
          try {
            certs.push(parseCertificate(der));
          } catch (e) {
            throw new CryptoError('ERR_PKCS12_MALFORMED', 'a PKCS#12 certificate is unreadable', { cause: e });
          }
        }
      }
    }
  }
  const key = keys[0];
  if (!key) throw new CryptoError('ERR_PKCS12_NO_KEY', 'the PKCS#12 file holds no private key');
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const leaf = certs.find((c) => Buffer.compare(Buffer.from(c.spki), spki) === 0);
  if (!leaf) throw new CryptoError('ERR_KEY_MISMATCH', 'no certificate in the PKCS#12 file matches its private key');
  const privateKeyPkcs8 = new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
  const identity: SigningIdentity = Object.freeze({
    signer: createKeySigner(key),
    certificate: leaf.der,
    chain: Object.freeze(
      orderChain(
        leaf,
        certs.filter((c) => c.sha256 !== leaf.sha256),
      ),
    ),
  });
  return Object.freeze({ identity, privateKeyPkcs8 });
}

/**
 * Imports a PKCS#12 file (RFC 7292) through node-forge: OpenSSL 3 defaults (PBES2 AES-256-CBC,
 * PBKDF2-HMAC-SHA-256, SHA-256 MAC), legacy files (3DES / RC2-40, SHA-1 MAC) and EC keys (node-forge hands
 * the decrypted PKCS#8 over; node:crypto parses it). Parsed once: later calls with the same bytes and
 * password return the cached identity (key: SHA-256 of the bytes + HMAC of the password under a process key).
 * Errors: ERR_PKCS12_MALFORMED, ERR_PKCS12_PASSWORD, ERR_PKCS12_NO_KEY, ERR_KEY_MISMATCH.
 */
export function importPkcs12(bytes: Uint8Array, password: string): ImportedPkcs12 {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  if (bytes.length === 0) throw new CryptoError('ERR_PKCS12_MALFORMED', 'empty PKCS#12 input');
  const cacheKey = `${createHash('sha256').update(bytes).digest('hex')}:${createHmac('sha256', passwordKey).update(password, 'utf8').digest('hex')}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const imported = decode(bytes, password);
  if (cache.size >= MAX_CACHE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(cacheKey, imported);
  return imported;
}
