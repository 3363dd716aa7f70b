import { createPublicKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CryptoError } from '../errors.js';
import { decodeSignatureAlgorithm, type SignatureAlgorithm } from './algorithms.js';
import './engine.js';
import { toArrayBuffer } from './fingerprint.js';
import { formatName, nameAttribute, nameKey } from './names.js';
import { decodePem, isPem } from './pem.js';
import { hexOf, serialHex } from './bytes.js';
import { createParseCache } from './parse-cache.js';

/** RFC 5280 §4.2.1.3 key usage bits, by name. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

export const KEY_USAGE_BITS: readonly KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/** Extensions the chain validator understands; any other critical extension fails validation (RFC 5280 §4.2). */
export const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  '2.5.29.19', // basicConstraints
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extendedKeyUsage
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.17', // subjectAltName
  '2.5.29.32', // certificatePolicies (read, no policy processing: anyPolicy semantics)
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '1.3.6.1.5.5.7.1.3', // qcStatements
]);

/**
 * A certificate parsed once, with everything validation needs precomputed. Instances are shared through the
 * cache: treat them as immutable.
 */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** Hex SHA-256 of the DER. */
  readonly sha256: string;
  readonly certificate: pkijs.Certificate;
  readonly subject: string;
  readonly issuer: string;
  /** Name comparison keys (see nameKey). */
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** Hex, without leading zero bytes. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectKeyIdentifier?: string;
  readonly authorityKeyIdentifier?: string;
  readonly hasBasicConstraints: boolean;
  readonly isCa: boolean;
  readonly pathLength?: number;
  /** undefined when the certificate has no keyUsage extension. */
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  readonly extendedKeyUsage?: readonly string[];
  /** True when the certificate has a cRLDistributionPoints extension (any form). */
  readonly hasCrlDistributionPoint: boolean;
  /** The URI distribution points. */
  readonly crlDistributionPoints: readonly string[];
  /** The OCSP responder URIs of authorityInfoAccess (RFC 5280 §4.2.2.1, access method id-ad-ocsp). */
  readonly ocspUrls: readonly string[];
  /** True when the certificate carries id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): a responder not itself checked. */
  readonly ocspNoCheck: boolean;
  readonly unprocessedCriticalExtensions: readonly string[];
  readonly selfIssued: boolean;
  readonly organizationIdentifier?: string;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signatureValue: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** Parsed public key; undefined when node:crypto cannot import it. */
  readonly publicKey?: KeyObject;
  readonly keyType: 'RSA' | 'ECDSA' | 'EdDSA' | 'unknown';
  /** RSA modulus bits, EC curve bits; 0 when unknown. */
  readonly keyBits: number;
}





function keyUsageOf(bits: asn1js.BitString): Set<KeyUsageName> {
  const bytes = bits.valueBlock.valueHexView;
  const set = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = bytes[i >> 3];
    if (byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0) set.add(name);
  });
  return set;
}

function keyFacts(spki: Uint8Array): Pick<ParsedCertificate, 'publicKey' | 'keyType' | 'keyBits'> {
  try {
    const publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    const d = publicKey.asymmetricKeyDetails ?? {};
    switch (publicKey.asymmetricKeyType) {
      case 'rsa':
      case 'rsa-pss':
        return { publicKey, keyType: 'RSA', keyBits: d.modulusLength ?? 0 };
      case 'ec': {
        const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 };
        return { publicKey, keyType: 'ECDSA', keyBits: curveBits[d.namedCurve ?? ''] ?? 0 };
      }
      case 'ed25519':
        return { publicKey, keyType: 'EdDSA', keyBits: 256 };
      default:
        return { publicKey, keyType: 'unknown', keyBits: 0 };
    }
  } catch {
    return { keyType: 'unknown', keyBits: 0 };
  }
}

function uriPoints(ext: pkijs.Extension): string[] {
  const urls: string[] = [];
  const parsed = ext.parsedValue as pkijs.CRLDistributionPoints | undefined;
  for (const dp of parsed?.distributionPoints ?? []) {
    if (Array.isArray(dp.distributionPoint)) {
      for (const gn of dp.distributionPoint) if (gn.type === 6 && typeof gn.value === 'string') urls.push(gn.value);
    }
  }
  return urls;
}

function build(der: Uint8Array, sha256: string): ParsedCertificate {
  let cert: pkijs.Certificate;
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1 || asn.offset !== der.byteLength) throw new Error(asn.result.error || 'trailing bytes after certificate');
    cert = new pkijs.Certificate({ schema: asn.result });
  } catch (e) {
    throw new CryptoError('ERR_CERT_MALFORMED', 'certificate is not valid DER X.509', { cause: e });
  }
  let ski: string | undefined;
  let aki: string | undefined;
  let hasBasicConstraints = false;
  let isCa = false;
  let pathLength: number | undefined;
  let keyUsage: Set<KeyUsageName> | undefined;
  let eku: string[] | undefined;
  let hasCrlDistributionPoint = false;
  let crlDistributionPoints: string[] = [];
  const ocspUrls: string[] = [];
  let ocspNoCheck = false;
  const unprocessed: string[] = [];
  for (const ext of cert.extensions ?? []) {
    const pv: unknown = ext.parsedValue;
    let understood = PROCESSED_EXTENSIONS.has(ext.extnID);
    switch (ext.extnID) {
      case '2.5.29.14':
        if (pv instanceof asn1js.OctetString) ski = hexOf(pv.valueBlock.valueHexView);
        break;
      case '2.5.29.35':
        if (pv instanceof pkijs.AuthorityKeyIdentifier && pv.keyIdentifier) aki = hexOf(pv.keyIdentifier.valueBlock.valueHexView);
        break;
      case '2.5.29.19':
        if (pv instanceof pkijs.BasicConstraints) {
          hasBasicConstraints = true;
          isCa = pv.cA === true;
          const pl = pv.pathLenConstraint;
          if (pl !== undefined) pathLength = typeof pl === 'number' ? pl : pl.valueBlock.valueDec;
        } else understood = false;
        break;
      case '2.5.29.15':
        if (pv instanceof asn1js.BitString) keyUsage = keyUsageOf(pv);
        else understood = false;
        break;
      case '2.5.29.37':
        if (pv instanceof pkijs.ExtKeyUsage) eku = [...pv.keyPurposes];
        break;
      case '2.5.29.31':
        hasCrlDistributionPoint = true;
        crlDistributionPoints = uriPoints(ext);
        break;
      case '1.3.6.1.5.5.7.1.1':
        if (pv instanceof pkijs.InfoAccess) {
          for (const d of pv.accessDescriptions) {
            if (d.accessMethod === '1.3.6.1.5.5.7.48.1' && d.accessLocation.type === 6 && typeof d.accessLocation.value === 'string') ocspUrls.push(d.accessLocation.value);
          }
        }
        break;
      case '1.3.6.1.5.5.7.48.1.5':
        ocspNoCheck = true;
        break;
      default:
        break;
    }
    if (ext.critical && !understood) unprocessed.push(ext.extnID);
  }
  const spki = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
  const subjectKey = nameKey(cert.subject);
  const issuerKey = nameKey(cert.issuer);
  const organizationIdentifier = nameAttribute(cert.subject, '2.5.4.97');
  return Object.freeze({
    der,
    sha256,
    certificate: cert,
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    subjectKey,
    issuerKey,
    serialNumber: serialHex(cert.serialNumber.valueBlock.valueHexView),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    ...(ski !== undefined ? { subjectKeyIdentifier: ski } : {}),
    ...(aki !== undefined ? { authorityKeyIdentifier: aki } : {}),
    hasBasicConstraints,
    isCa,
    ...(pathLength !== undefined ? { pathLength } : {}),
    ...(keyUsage !== undefined ? { keyUsage } : {}),
    ...(eku !== undefined ? { extendedKeyUsage: eku } : {}),
    hasCrlDistributionPoint,
    crlDistributionPoints,
    ocspUrls,
    ocspNoCheck,
    unprocessedCriticalExtensions: unprocessed,
    selfIssued: subjectKey === issuerKey,
    ...(organizationIdentifier !== undefined ? { organizationIdentifier } : {}),
    tbs: cert.tbsView,
    signatureAlgorithm: decodeSignatureAlgorithm(cert.signatureAlgorithm),
    signatureValue: cert.signatureValue.valueBlock.valueHexView,
    spki,
    ...keyFacts(spki),
  });
}

const cache = createParseCache<ParsedCertificate>({ pemLabels: ['CERTIFICATE', 'X509 CERTIFICATE'], maxEntries: 10_000, build });

/**
 * Parses a DER certificate through the process-wide cache keyed by the SHA-256 of the DER: each distinct
 * certificate is parsed once, later calls cost one hash and one map lookup. PEM input is accepted (first block).
 * Throws ERR_CERT_MALFORMED (or ERR_PEM_MALFORMED) on unparseable input.
 */
export function parseCertificate(bytes: Uint8Array): ParsedCertificate {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('certificate must be a Uint8Array');
  return cache.parse(bytes);
}

/** Looks a certificate up by its hex SHA-256 fingerprint, when it was parsed before. */
export function getCachedCertificate(sha256: string): ParsedCertificate | undefined {
  return cache.get(sha256);
}

/**
 * Decodes all certificates of a PEM text (every CERTIFICATE block) or one DER certificate.
 * Throws ERR_CERT_MALFORMED / ERR_PEM_MALFORMED.
 */
export function decodeCertificates(bytes: Uint8Array): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (bytes.length === 0) throw new CryptoError('ERR_CERT_MALFORMED', 'empty input');
  if (isPem(bytes)) {
    const blocks = decodePem(bytes).filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE');
    if (blocks.length === 0) throw new CryptoError('ERR_PEM_MALFORMED', 'no CERTIFICATE block');
    for (const b of blocks) parseCertificate(b.der);
    return blocks.map((b) => b.der);
  }
  parseCertificate(bytes);
  return [new Uint8Array(bytes)];
}
