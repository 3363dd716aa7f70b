import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CryptoError } from '../errors.js';
import { keyIdOfSpki } from '../keys/key-id.js';
import type { HashName, RsaScheme, Signer } from '../keys/signer.js';
import { hashLength, oidOfHash, signatureOidFor } from './algorithms.js';
import { OID } from './oids.js';
// The pkijs engine is installed once, by crypto/pki (STYLE.md); nothing here calls pkijs crypto.
import '../pki/index.js';

/** How the signing-time attribute is encoded (RFC 5652 §11.3: UTCTime for 1950–2049, else GeneralizedTime). */
export type TimeKind = 'none' | 'utc' | 'generalized';

/** Everything fixed for one identity and one set of options, encoded once by pkijs. */
export interface SigningTemplate {
  readonly signerKeyId: string;
  readonly hash: HashName;
  readonly scheme: RsaScheme;
  readonly timeKind: TimeKind;
  /** DER of the signed attributes as signed (SET OF, tag 0x31), with placeholders. */
  readonly attributes: Uint8Array;
  readonly digestOffset: number;
  /** Offset of the signing-time characters, -1 without signing time. */
  readonly timeOffset: number;
  /** Complete ContentInfo layouts, one per signature length (ECDSA signatures vary by a byte or two). */
  layout(signatureLength: number): SignatureLayout;
}

export interface SignatureLayout {
  readonly bytes: Uint8Array;
  /** Offset of the [0] IMPLICIT signedAttrs TLV inside `bytes`. */
  readonly attributesOffset: number;
  readonly signatureOffset: number;
}

function certificateFromDer(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(der);
  } catch (e) {
    throw new CryptoError('ERR_CERT_MALFORMED', 'signing certificate is not valid DER X.509', { cause: e });
  }
}

function toBytes(block: { toBER(sizeOnly?: boolean): ArrayBuffer }): Uint8Array {
  return new Uint8Array(block.toBER(false));
}

function indexOfUnique(haystack: Uint8Array, needle: Uint8Array, what: string): number {
  const h = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  const at = h.indexOf(needle);
  if (at < 0 || h.indexOf(needle, at + 1) >= 0) throw new Error(`template: ${what} not located exactly once`);
  return at;
}

/**
 * ESS signing-certificate-v2 (RFC 5035 §3; ETSI EN 319 122-1 §5.2.2.3): the SHA-256 of the signer's certificate
 * (hashAlgorithm left out, it is the DEFAULT) and its issuer and serial number.
 */
export function signingCertificateV2(certDer: Uint8Array, cert: pkijs.Certificate): pkijs.Attribute {
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })] }),
    serialNumber: cert.serialNumber,
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(certDer).digest() }), issuerSerial.toSchema()],
  });
  return new pkijs.Attribute({
    type: OID.signingCertificateV2,
    values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })],
  });
}

function signatureAlgorithm(signer: Signer, hash: HashName, scheme: RsaScheme): pkijs.AlgorithmIdentifier {
  const oid = signatureOidFor(signer.keyType, hash, scheme);
  if (oid !== OID.rsassaPss) return new pkijs.AlgorithmIdentifier({ algorithmId: oid });
  // RFC 4055 §3.1: hash and MGF1 with the same hash, salt length = hash length, trailer field 1 (default).
  const hashAlg = new pkijs.AlgorithmIdentifier({ algorithmId: oidOfHash(hash), algorithmParams: new asn1js.Null() });
  const params = new pkijs.RSASSAPSSParams({
    hashAlgorithm: hashAlg,
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.mgf1, algorithmParams: hashAlg.toSchema() }),
    saltLength: hashLength(hash),
  });
  return new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsassaPss, algorithmParams: params.toSchema() });
}

function placeholderTime(kind: TimeKind): { block: asn1js.BaseBlock; text: string } {
  if (kind === 'utc') {
    const d = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));
    return { block: new asn1js.UTCTime({ valueDate: d }), text: '000101000000Z' };
  }
  const d = new Date(Date.UTC(2100, 0, 1, 0, 0, 0));
  return { block: new asn1js.GeneralizedTime({ valueDate: d }), text: '21000101000000Z' };
}

function derSetOrder(a: Uint8Array, b: Uint8Array): number {
  // X.690 §11.6: SET OF components in ascending order of their encodings, shorter ones padded with zeros.
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Builds, with pkijs, the CAdES B-B SignedData (RFC 5652 §5; ETSI EN 319 122-1 §5.2) for one identity with
 * placeholders for the message digest, signing time and signature value, and records where they sit. Signing
 * then copies the bytes and writes the three values in place: the structure is pkijs's, encoded once.
 */
export function buildSigningTemplate(options: { signer: Signer; certificate: Uint8Array; chain: readonly Uint8Array[]; includeChain: boolean; hash: HashName; scheme: RsaScheme; timeKind: TimeKind }): SigningTemplate {
  const { signer, hash, scheme, timeKind } = options;
  const cert = certificateFromDer(options.certificate);
  const spki = toBytes(cert.subjectPublicKeyInfo.toSchema());
  if (keyIdOfSpki(spki) !== signer.keyId) {
    throw new CryptoError('ERR_KEY_MISMATCH', 'the signer key does not belong to the signing certificate');
  }
  const digestPlaceholder = randomBytes(hashLength(hash));
  const attributes: pkijs.Attribute[] = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digestPlaceholder })] }),
    signingCertificateV2(options.certificate, cert),
  ];
  let timeText: string | undefined;
  if (timeKind !== 'none') {
    const t = placeholderTime(timeKind);
    timeText = t.text;
    attributes.push(new pkijs.Attribute({ type: OID.signingTime, values: [t.block] }));
  }
  const sorted = attributes
    .map((a) => ({ a, der: toBytes(a.toSchema()) }))
    .sort((x, y) => derSetOrder(x.der, y.der))
    .map((x) => x.a);
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted });
  const attrsTagged = toBytes(signedAttrs.toSchema());
  // RFC 5652 §5.4: the signature covers the DER of the attributes with the EXPLICIT SET OF tag.
  const attrsDer = new Uint8Array(attrsTagged);
  attrsDer[0] = 0x31;
  const digestOffset = indexOfUnique(attrsDer, digestPlaceholder, 'message digest');
  const timeOffset = timeText === undefined ? -1 : indexOfUnique(attrsDer, Buffer.from(timeText, 'latin1'), 'signing time');

  const chainCerts: Uint8Array[] = [];
  if (options.includeChain) {
    const seen = new Set<string>();
    for (const der of [options.certificate, ...options.chain]) {
      const fp = createHash('sha256').update(der).digest('hex');
      if (!seen.has(fp)) {
        seen.add(fp);
        chainCerts.push(der);
      }
    }
  }
  // `certificates` is a SET OF (RFC 5652 §5.1): DER order, not leaf first (the sid names the signer's certificate).
  chainCerts.sort(derSetOrder);
  const certificates = chainCerts.map((der) => (der === options.certificate ? cert : certificateFromDer(der)));
  const digestAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: oidOfHash(hash) });
  const sigAlg = signatureAlgorithm(signer, hash, scheme);
  const layouts = new Map<number, SignatureLayout>();

  const layout = (signatureLength: number): SignatureLayout => {
    const hit = layouts.get(signatureLength);
    if (hit) return hit;
    const sigPlaceholder = randomBytes(signatureLength);
    const signerInfo = new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
      digestAlgorithm,
      signedAttrs,
      signatureAlgorithm: sigAlg,
      signature: new asn1js.OctetString({ valueHex: sigPlaceholder }),
    });
    const signedData = new pkijs.SignedData({
      version: 1,
      digestAlgorithms: [digestAlgorithm],
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
      ...(certificates.length > 0 ? { certificates } : {}),
      signerInfos: [signerInfo],
    });
    const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
    const bytes = toBytes(contentInfo.toSchema());
    for (const der of chainCerts) indexOfUnique(bytes, der, 'certificate');
    const attributesOffset = indexOfUnique(bytes, attrsTagged, 'signed attributes');
    const signatureOffset = indexOfUnique(bytes, sigPlaceholder, 'signature');
    const made = Object.freeze({ bytes, attributesOffset, signatureOffset });
    if (layouts.size < 8) layouts.set(signatureLength, made);
    return made;
  };

  return Object.freeze({
    signerKeyId: signer.keyId,
    hash,
    scheme,
    timeKind,
    attributes: attrsDer,
    digestOffset,
    timeOffset,
    layout,
  });
}
