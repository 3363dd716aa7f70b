import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { CryptoError } from '../errors.js';
import { parseCertificate } from '../pki/certificate.js';

export interface ExportPkcs12Options {
  /** Unencrypted PKCS#8 DER (RSA or EC). */
  readonly privateKeyPkcs8: Uint8Array;
  /** The key's certificate (DER). */
  readonly certificate: Uint8Array;
  /** Further certificates towards the root (DER). */
  readonly chain?: readonly Uint8Array[];
  readonly password: string;
  readonly friendlyName?: string;
  /** PBKDF2 and MAC iterations; default 2048 (OpenSSL 3's default). */
  readonly iterations?: number;
}

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const C = asn1.Class.CONTEXT_SPECIFIC;
const T = asn1.Type;

function bin(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
}

function oid(o: string): forge.asn1.Asn1 {
  return asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
}

function attributes(localKeyId: string, friendlyName: string | undefined): forge.asn1.Asn1 {
  const attrs = [asn1.create(U, T.SEQUENCE, true, [oid(forge.pki.oids.localKeyId!), asn1.create(U, T.SET, true, [asn1.create(U, T.OCTETSTRING, false, localKeyId)])])];
  if (friendlyName !== undefined) {
    attrs.push(asn1.create(U, T.SEQUENCE, true, [oid(forge.pki.oids.friendlyName!), asn1.create(U, T.SET, true, [asn1.create(U, T.BMPSTRING, false, friendlyName)])]));
  }
  return asn1.create(U, T.SET, true, attrs);
}

function dataContentInfo(safeBags: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  const contents = asn1.toDer(asn1.create(U, T.SEQUENCE, true, safeBags)).getBytes();
  return asn1.create(U, T.SEQUENCE, true, [oid(forge.pki.oids.data!), asn1.create(C, 0, true, [asn1.create(U, T.OCTETSTRING, false, contents)])]);
}

/**
 * Writes a PKCS#12 file (RFC 7292) for an RSA or EC key: the key in a pkcs8ShroudedKeyBag encrypted with
 * PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA-256), certificates in plain cert bags (public data), and an
 * HMAC-SHA-256 integrity MAC with the PKCS#12 key derivation (RFC 7292 Appendix B). Readable by
 * OpenSSL 3 and by {@link importPkcs12}. Returns DER. Throws ERR_KEY_MALFORMED, ERR_CERT_MALFORMED, or
 * ERR_KEY_MISMATCH when the certificate is not the key's.
 */
export function exportPkcs12(options: ExportPkcs12Options): Uint8Array {
  const { password } = options;
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const iterations = options.iterations ?? 2048;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(options.privateKeyPkcs8), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new CryptoError('ERR_KEY_MALFORMED', 'privateKeyPkcs8 is not valid PKCS#8 DER', { cause: e });
  }
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  if (!spki.equals(Buffer.from(parseCertificate(options.certificate).spki))) {
    throw new CryptoError('ERR_KEY_MISMATCH', 'the certificate does not belong to the private key');
  }
  const localKeyId = forge.md.sha1.create().update(bin(options.certificate)).digest().getBytes();
  const attrs = attributes(localKeyId, options.friendlyName);
  const pkInfo = asn1.fromDer(bin(options.privateKeyPkcs8));
  // PBES2 takes the password's UTF-8 bytes (RFC 8018 §3); the MAC below takes the BMPString (RFC 7292 App. B).
  const encrypted = forge.pki.encryptPrivateKeyInfo(pkInfo, Buffer.from(password, 'utf8').toString('binary'), { algorithm: 'aes256', prfAlgorithm: 'sha256', count: iterations, saltSize: 16 } as never);
  const keyBag = asn1.create(U, T.SEQUENCE, true, [oid(forge.pki.oids.pkcs8ShroudedKeyBag!), asn1.create(C, 0, true, [encrypted]), attrs]);
  const certBag = (der: Uint8Array, withAttrs: boolean): forge.asn1.Asn1 =>
    asn1.create(U, T.SEQUENCE, true, [
      oid(forge.pki.oids.certBag!),
      asn1.create(C, 0, true, [asn1.create(U, T.SEQUENCE, true, [oid(forge.pki.oids.x509Certificate!), asn1.create(C, 0, true, [asn1.create(U, T.OCTETSTRING, false, bin(der))])])]),
      ...(withAttrs ? [attrs] : []),
    ]);
  const certBags = [certBag(options.certificate, true), ...(options.chain ?? []).map((c) => certBag(c, false))];
  const authSafe = asn1.toDer(asn1.create(U, T.SEQUENCE, true, [dataContentInfo(certBags), dataContentInfo([keyBag])])).getBytes();

  const macSalt = bin(randomBytes(16));
  const md = forge.md.sha256.create();
  const macKey = forge.pkcs12.generateKey(password, new forge.util.ByteStringBuffer(macSalt), 3, iterations, 32, md);
  const hmac = forge.hmac.create();
  hmac.start(md, macKey);
  hmac.update(authSafe);
  const macValue = hmac.getMac().getBytes();

  const pfx = asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.INTEGER, false, asn1.integerToDer(3).getBytes()),
    asn1.create(U, T.SEQUENCE, true, [oid(forge.pki.oids.data!), asn1.create(C, 0, true, [asn1.create(U, T.OCTETSTRING, false, authSafe)])]),
    asn1.create(U, T.SEQUENCE, true, [
      asn1.create(U, T.SEQUENCE, true, [asn1.create(U, T.SEQUENCE, true, [oid(forge.pki.oids.sha256!), asn1.create(U, T.NULL, false, '')]), asn1.create(U, T.OCTETSTRING, false, macValue)]),
      asn1.create(U, T.OCTETSTRING, false, macSalt),
      asn1.create(U, T.INTEGER, false, asn1.integerToDer(iterations).getBytes()),
    ]),
  ]);
  return new Uint8Array(Buffer.from(asn1.toDer(pfx).getBytes(), 'binary'));
}
