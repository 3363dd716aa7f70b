import { constants, createHash, createPublicKey, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { hashLength, hashOid, type NodeHash } from './algorithms.js';
import { KEY_USAGE_BITS, parseCertificate, type KeyUsageName } from './certificate.js';
import { buildName, type NameInput } from './dev-names.js';
import './engine.js';

export type { NameInput } from './dev-names.js';

/** A CA that can issue: its certificate (DER) and private key. */
export interface IssuerKeyPair {
  readonly certificate: Uint8Array;
  readonly privateKey: KeyObject;
}

/** How the issuer signs: hash (SHA-1 only to make defective test certificates) and RSA scheme. */
export interface IssueSignatureOptions {
  readonly hash?: NodeHash;
  readonly rsaScheme?: 'pkcs1' | 'pss';
}

/** An extension given as raw DER value (for unusual or defective test certificates). */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

export interface IssueCertificateOptions {
  readonly subject: NameInput;
  /** The subject's public key. */
  readonly publicKey: KeyObject;
  /** The issuing CA; absent for a self-signed certificate (then `selfSignKey` signs). */
  readonly issuer?: IssuerKeyPair;
  readonly selfSignKey?: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Hex serial; default 16 random bytes (RFC 5280 §4.1.2.2: positive, ≤ 20 octets). */
  readonly serialNumber?: string;
  /** basicConstraints (always critical when present); `null` omits it. Default `{ ca: false }`. */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number } | null;
  /** keyUsage (critical); `null` omits it. Default: keyCertSign+cRLSign for CAs, digitalSignature+nonRepudiation otherwise. */
  readonly keyUsage?: readonly KeyUsageName[] | null;
  readonly extendedKeyUsage?: readonly string[];
  /** Mark extendedKeyUsage critical (RFC 3161 §2.3 requires it for a TSA). Default false. */
  readonly extendedKeyUsageCritical?: boolean;
  readonly crlDistributionPoint?: string;
  readonly ocspUrl?: string;
  /** Default true: SKI = SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1). */
  readonly subjectKeyIdentifier?: boolean;
  /** Default true when an issuer is given: AKI = the issuer's SKI. */
  readonly authorityKeyIdentifier?: boolean;
  readonly signature?: IssueSignatureOptions;
  readonly extraExtensions?: readonly RawExtension[];
}

function hexToBytes(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0) throw new TypeError(`invalid hex serial ${hex}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** A positive INTEGER from raw serial bytes (a leading 0x00 added when the high bit is set). */
export function serialInteger(bytes: Uint8Array): asn1js.Integer {
  const body = (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : Buffer.from(bytes);
  return new asn1js.Integer({ valueHex: body });
}

/** 16 random bytes, high bit clear, never zero. */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return b.toString('hex');
}

/** Time as UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function x509Time(date: Date): pkijs.Time {
  return new pkijs.Time({ type: date.getUTCFullYear() < 2050 ? 0 : 1, value: date });
}

function keyUsageBits(usages: readonly KeyUsageName[]): asn1js.BitString {
  let bits = 0;
  let highest = -1;
  for (const u of usages) {
    const i = KEY_USAGE_BITS.indexOf(u);
    if (i < 0) throw new TypeError(`unknown key usage ${u}`);
    bits |= 1 << (15 - i);
    highest = Math.max(highest, i);
  }
  const bytes = highest >= 8 ? [bits >> 8, bits & 0xff] : [bits >> 8];
  const unused = highest < 0 ? 0 : (highest >= 8 ? 16 : 8) - (highest + 1);
  return new asn1js.BitString({ valueHex: new Uint8Array(bytes), unusedBits: unused });
}

function spkiOf(key: KeyObject): pkijs.PublicKeyInfo {
  const der = key.export({ format: 'der', type: 'spki' });
  return pkijs.PublicKeyInfo.fromBER(der);
}

function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest();
}

/** The AlgorithmIdentifier for signing with `key` (RFC 4055, RFC 5758). */
export function signatureAlgorithmFor(key: KeyObject, hash: NodeHash, rsaScheme: 'pkcs1' | 'pss'): pkijs.AlgorithmIdentifier {
  const kt = key.asymmetricKeyType;
  const names: Partial<Record<NodeHash, string>> =
    kt === 'ec'
      ? { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' }
      : { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13' };
  if (kt === 'rsa' && rsaScheme === 'pss') {
    const hashAlg = new pkijs.AlgorithmIdentifier({ algorithmId: hashOid(hash), algorithmParams: new asn1js.Null() });
    const params = new pkijs.RSASSAPSSParams({
      hashAlgorithm: hashAlg,
      maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.8', algorithmParams: hashAlg.toSchema() }),
      saltLength: hashLength(hash),
    });
    return new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.10', algorithmParams: params.toSchema() });
  }
  const oid = names[hash];
  if (!oid || (kt !== 'ec' && kt !== 'rsa')) throw new TypeError(`cannot sign with ${String(kt)}/${hash}`);
  return kt === 'ec' ? new pkijs.AlgorithmIdentifier({ algorithmId: oid }) : new pkijs.AlgorithmIdentifier({ algorithmId: oid, algorithmParams: new asn1js.Null() });
}

/** Signs encoded TBS bytes as the given AlgorithmIdentifier says. */
export function signTbs(key: KeyObject, hash: NodeHash, rsaScheme: 'pkcs1' | 'pss', tbs: Uint8Array): Uint8Array {
  if (key.asymmetricKeyType === 'ec') return cryptoSign(hash, tbs, { key, dsaEncoding: 'der' });
  if (rsaScheme === 'pss') return cryptoSign(hash, tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashLength(hash) });
  return cryptoSign(hash, tbs, key);
}

function ext(oid: string, critical: boolean, value: asn1js.BaseBlock | pkijs.PkiObject): pkijs.Extension {
  const schema = value instanceof pkijs.PkiObject ? value.toSchema() : value;
  return new pkijs.Extension({ extnID: oid, critical, extnValue: schema.toBER(false) });
}

/**
 * Issues an X.509 v3 certificate (RFC 5280) — the development CA's only way to make certificates, flexible
 * enough to make defective ones for tests (no keyUsage, CA as signer, SHA-1, RSA-1024, expired...).
 * Returns the DER certificate.
 */
export function issueCertificate(options: IssueCertificateOptions): Uint8Array {
  const signingKey = options.issuer?.privateKey ?? options.selfSignKey;
  if (!signingKey) throw new TypeError('issueCertificate needs issuer or selfSignKey');
  const hash = options.signature?.hash ?? 'sha256';
  const scheme = options.signature?.rsaScheme ?? 'pkcs1';
  const spki = spkiOf(options.publicKey);
  const subject = buildName(options.subject);
  const issuerCert = options.issuer ? parseCertificate(options.issuer.certificate) : undefined;
  const issuerName = issuerCert ? issuerCert.certificate.subject : subject;

  const bc = options.basicConstraints === undefined ? { ca: false } : options.basicConstraints;
  const extensions: pkijs.Extension[] = [];
  if (bc) {
    extensions.push(
      ext('2.5.29.19', true, new pkijs.BasicConstraints({ cA: bc.ca, ...(bc.pathLength !== undefined ? { pathLenConstraint: bc.pathLength } : {}) })),
    );
  }
  const ku = options.keyUsage === undefined ? (bc?.ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'nonRepudiation']) : options.keyUsage;
  if (ku) extensions.push(ext('2.5.29.15', true, keyUsageBits(ku as KeyUsageName[])));
  if (options.extendedKeyUsage) extensions.push(ext('2.5.29.37', options.extendedKeyUsageCritical === true, new pkijs.ExtKeyUsage({ keyPurposes: [...options.extendedKeyUsage] })));
  if (options.subjectKeyIdentifier !== false) {
    extensions.push(ext('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyIdentifier(spki) })));
  }
  if (options.authorityKeyIdentifier !== false) {
    const akiBytes = issuerCert?.subjectKeyIdentifier
      ? Buffer.from(issuerCert.subjectKeyIdentifier, 'hex')
      : issuerCert
        ? keyIdentifier(issuerCert.certificate.subjectPublicKeyInfo)
        : keyIdentifier(spki);
    extensions.push(ext('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: akiBytes }) })));
  }
  if (options.crlDistributionPoint) {
    const dp = new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: 6, value: options.crlDistributionPoint })] });
    extensions.push(ext('2.5.29.31', false, new pkijs.CRLDistributionPoints({ distributionPoints: [dp] })));
  }
  if (options.ocspUrl) {
    const ad = new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: new pkijs.GeneralName({ type: 6, value: options.ocspUrl }) });
    extensions.push(ext('1.3.6.1.5.5.7.1.1', false, new pkijs.InfoAccess({ accessDescriptions: [ad] })));
  }
  for (const raw of options.extraExtensions ?? []) {
    extensions.push(new pkijs.Extension({ extnID: raw.oid, critical: raw.critical, extnValue: raw.value.slice().buffer }));
  }

  const sigAlg = signatureAlgorithmFor(signingKey, hash, scheme);
  const cert = new pkijs.Certificate({
    version: 2,
    serialNumber: serialInteger(hexToBytes(options.serialNumber ?? randomSerial())),
    signature: sigAlg,
    issuer: issuerName,
    subject,
    notBefore: x509Time(options.notBefore),
    notAfter: x509Time(options.notAfter),
    subjectPublicKeyInfo: spki,
    extensions,
  });
  const tbsSchema = cert.encodeTBS();
  const tbs = new Uint8Array(tbsSchema.toBER(false));
  const signature = signTbs(signingKey, hash, scheme, tbs);
  const der = new asn1js.Sequence({
    value: [tbsSchema, sigAlg.toSchema(), new asn1js.BitString({ valueHex: signature })],
  }).toBER(false);
  return new Uint8Array(der);
}

/** Derives the public key of a private key. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}
