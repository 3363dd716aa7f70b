import { CryptoError } from '../errors.js';
import { children, contentBytes, decodeOid, decodeSmallInt, DerError, expectTag, readRoot, tlvBytes, type Tlv } from './der.js';
import { OID } from './oids.js';

/** How a SignerInfo names its certificate (RFC 5652 §5.3). */
export type SignerIdentifier = { readonly kind: 'issuerAndSerialNumber'; readonly issuer: Uint8Array; readonly serial: Uint8Array } | { readonly kind: 'subjectKeyIdentifier'; readonly keyIdentifier: Uint8Array };

export interface ParsedAttribute {
  readonly oid: string;
  /** Each AttributeValue as a complete TLV (views into the signature bytes). */
  readonly values: readonly Uint8Array[];
}

export interface ParsedSignerInfo {
  readonly version: number;
  readonly sid: SignerIdentifier;
  readonly digestAlgorithm: string;
  /** DER of the signed attributes re-tagged as SET OF (0x31), as signed (RFC 5652 §5.4); undefined without. */
  readonly signedAttributesDer?: Uint8Array;
  readonly signedAttributes?: readonly ParsedAttribute[];
  readonly signatureAlgorithm: string;
  /** Complete TLV of the algorithm parameters, when present. */
  readonly signatureAlgorithmParams?: Uint8Array;
  readonly signature: Uint8Array;
  /** Unsigned attributes (RFC 5652 §5.3), e.g. the signature-time-stamp of RFC 3161 Appendix A. */
  readonly unsignedAttributes?: readonly ParsedAttribute[];
}

export interface ParsedSignedData {
  readonly version: number;
  readonly digestAlgorithms: readonly string[];
  readonly eContentType: string;
  /** Encapsulated content when present (attached or adbe.pkcs7.sha1 style). */
  readonly eContent?: Uint8Array;
  /** Certificates of the `certificates` field (X.509 only), DER views. */
  readonly certificates: readonly Uint8Array[];
  readonly signerInfos: readonly ParsedSignerInfo[];
}

function algorithmOid(buf: Uint8Array, t: Tlv | undefined, what: string): { oid: string; params?: Uint8Array } {
  const seq = children(buf, expectTag(t, 0x30, what));
  const oid = decodeOid(buf, expectTag(seq[0], 0x06, `${what} OID`));
  return seq[1] ? { oid, params: tlvBytes(buf, seq[1]) } : { oid };
}

function parseAttributes(buf: Uint8Array, t: Tlv): ParsedAttribute[] {
  return children(buf, t).map((a) => {
    const parts = children(buf, expectTag(a, 0x30, 'attribute'));
    const oid = decodeOid(buf, expectTag(parts[0], 0x06, 'attribute type'));
    const set = expectTag(parts[1], 0x31, 'attribute values');
    if (parts.length !== 2) throw new DerError('attribute with extra fields');
    return { oid, values: children(buf, set).map((v) => tlvBytes(buf, v)) };
  });
}

function parseSignerInfo(buf: Uint8Array, t: Tlv): ParsedSignerInfo {
  const f = children(buf, expectTag(t, 0x30, 'SignerInfo'));
  let i = 0;
  const version = decodeSmallInt(buf, expectTag(f[i++], 0x02, 'SignerInfo version'));
  const sidTlv = f[i++];
  let sid: SignerIdentifier;
  if (sidTlv?.tag === 0x30) {
    const parts = children(buf, sidTlv);
    const issuer = expectTag(parts[0], 0x30, 'issuer');
    const serial = expectTag(parts[1], 0x02, 'serialNumber');
    sid = { kind: 'issuerAndSerialNumber', issuer: tlvBytes(buf, issuer), serial: contentBytes(buf, serial) };
  } else if (sidTlv?.tag === 0x80) {
    sid = { kind: 'subjectKeyIdentifier', keyIdentifier: contentBytes(buf, sidTlv) };
  } else throw new DerError('SignerInfo sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');
  const digestAlgorithm = algorithmOid(buf, f[i++], 'digestAlgorithm').oid;
  let signedAttributesDer: Uint8Array | undefined;
  let signedAttributes: ParsedAttribute[] | undefined;
  if (f[i]?.tag === 0xa0) {
    const attrs = f[i++]!;
    signedAttributes = parseAttributes(buf, attrs);
    signedAttributesDer = new Uint8Array(tlvBytes(buf, attrs));
    signedAttributesDer[0] = 0x31;
  }
  const sigAlg = algorithmOid(buf, f[i++], 'signatureAlgorithm');
  const signature = contentBytes(buf, expectTag(f[i++], 0x04, 'signature'));
  let unsignedAttributes: ParsedAttribute[] | undefined;
  if (f[i]?.tag === 0xa1) unsignedAttributes = parseAttributes(buf, f[i++]!);
  if (f[i] !== undefined) throw new DerError('unexpected field after the signature');
  return {
    version,
    sid,
    digestAlgorithm,
    ...(signedAttributesDer ? { signedAttributesDer, signedAttributes } : {}),
    signatureAlgorithm: sigAlg.oid,
    ...(sigAlg.params ? { signatureAlgorithmParams: sigAlg.params } : {}),
    signature,
    ...(unsignedAttributes ? { unsignedAttributes } : {}),
  };
}

/**
 * Reads a CMS ContentInfo carrying SignedData (RFC 5652 §3, §5.1) into slices of the input, without parsing
 * the embedded certificates (they are looked up by fingerprint and parsed once by the certificate cache).
 * Accepts DER and BER (indefinite lengths, constructed strings). Throws ERR_CMS_MALFORMED.
 */
export function parseSignedData(signature: Uint8Array): ParsedSignedData {
  if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Uint8Array');
  if (signature.length === 0) throw new CryptoError('ERR_CMS_MALFORMED', 'empty signature');
  const known = parsedOnce.get(signature);
  if (known && sameBytes(known.copy, signature)) return known.parsed;
  const parsed = parseUncached(signature);
  parsedOnce.set(signature, { copy: new Uint8Array(signature), parsed });
  return parsed;
}

/**
 * SignedData read so far, by the very byte array (PAdES reads a signature's digest algorithm, then verifies
 * it: one parse, not two). A hit is confirmed against a copy of the bytes parsed (memcmp), so an array changed
 * in between is read again; the slices of the result are views of the same unchanged bytes. Only successes are
 * kept; the entry goes with the array.
 */
const parsedOnce = new WeakMap<Uint8Array, { readonly copy: Uint8Array; readonly parsed: ParsedSignedData }>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function parseUncached(signature: Uint8Array): ParsedSignedData {
  try {
    const buf = signature;
    const ci = children(buf, expectTag(readRoot(buf), 0x30, 'ContentInfo'));
    const contentType = decodeOid(buf, expectTag(ci[0], 0x06, 'contentType'));
    if (contentType !== OID.signedData) throw new DerError(`content type ${contentType} is not signedData`);
    const explicit = children(buf, expectTag(ci[1], 0xa0, 'content'));
    const sd = children(buf, expectTag(explicit[0], 0x30, 'SignedData'));
    let i = 0;
    const version = decodeSmallInt(buf, expectTag(sd[i++], 0x02, 'SignedData version'));
    const digestAlgorithms = children(buf, expectTag(sd[i++], 0x31, 'digestAlgorithms')).map((a) => algorithmOid(buf, a, 'digestAlgorithm').oid);
    const eci = children(buf, expectTag(sd[i++], 0x30, 'encapContentInfo'));
    const eContentType = decodeOid(buf, expectTag(eci[0], 0x06, 'eContentType'));
    let eContent: Uint8Array | undefined;
    if (eci[1]) {
      const wrapper = children(buf, expectTag(eci[1], 0xa0, 'eContent'));
      eContent = contentBytes(buf, expectTag(wrapper[0], wrapper[0]?.constructed ? 0x24 : 0x04, 'eContent OCTET STRING'));
    }
    const certificates: Uint8Array[] = [];
    if (sd[i]?.tag === 0xa0) {
      for (const c of children(buf, sd[i++]!)) if (c.tag === 0x30) certificates.push(tlvBytes(buf, c));
    }
    if (sd[i]?.tag === 0xa1) i++;
    const signerInfos = children(buf, expectTag(sd[i++], 0x31, 'signerInfos')).map((s) => parseSignerInfo(buf, s));
    if (sd[i] !== undefined) throw new DerError('unexpected field after signerInfos');
    return { version, digestAlgorithms, eContentType, ...(eContent ? { eContent } : {}), certificates, signerInfos };
  } catch (e) {
    if (e instanceof CryptoError) throw e;
    throw new CryptoError('ERR_CMS_MALFORMED', `not a CMS SignedData: ${(e as Error).message}`, { cause: e });
  }
}
