import { CryptoError } from '../errors.js';
import { children, DerError, expectTag, readRoot, tlvBytes, type Tlv } from './der.js';
import { oidBytes, tlv } from './der-write.js';
import { OID } from './oids.js';
import { parseSignedData } from './parse-signed-data.js';

/** Obtains an RFC 3161 token over the given signature value (the caller does the I/O: crypto/ does none). */
export type SignatureTimestamper = (signatureValue: Uint8Array) => Promise<Uint8Array>;

/** A definite-length constructed TLV with new contents (the tag of `t` kept). */
function rewrap(buf: Uint8Array, t: Tlv, contents: Uint8Array[]): Uint8Array {
  return tlv(buf[t.start]!, ...contents);
}

/** The signature value of the (first) SignerInfo: what a signature-time-stamp covers (RFC 3161 Appendix A). */
export function signatureValueOf(cms: Uint8Array): Uint8Array {
  const si = parseSignedData(cms).signerInfos[0];
  if (!si) throw new CryptoError('ERR_CMS_MALFORMED', 'SignedData has no SignerInfo');
  return si.signature;
}

/**
 * Adds an RFC 3161 token as the signature-time-stamp unsigned attribute (id-aa-signatureTimeStampToken,
 * RFC 3161 Appendix A; CAdES-B-T, ETSI EN 319 122-1 §5.3) of the first SignerInfo. Everything signed stays
 * byte for byte; only the lengths of the enclosing structures are re-encoded (definite, DER). A token
 * already present is kept and the new one added to the same attribute. Throws ERR_CMS_MALFORMED.
 */
export function addSignatureTimestamp(cms: Uint8Array, token: Uint8Array): Uint8Array {
  try {
    readRoot(token);
    const ci = readRoot(cms);
    const ciParts = children(cms, expectTag(ci, 0x30, 'ContentInfo'));
    const explicit = expectTag(ciParts[1], 0xa0, 'content');
    const sdTlv = expectTag(children(cms, explicit)[0], 0x30, 'SignedData');
    const sd = children(cms, sdTlv);
    const setTlv = expectTag(sd[sd.length - 1], 0x31, 'signerInfos');
    const infos = children(cms, setTlv);
    const first = expectTag(infos[0], 0x30, 'SignerInfo');
    const fields = children(cms, first);
    const last = fields[fields.length - 1]!;
    const attr = (values: Uint8Array[]): Uint8Array => tlv(0x30, oidBytes(OID.signatureTimeStampToken), tlv(0x31, ...values));
    let siContents: Uint8Array[];
    if (last.tag === 0xa1) {
      const attrs = children(cms, last).map((a) => {
        const parts = children(cms, a);
        const oid = tlvBytes(cms, parts[0]!);
        if (Buffer.from(oid).equals(oidBytes(OID.signatureTimeStampToken))) {
          return attr([...children(cms, parts[1]!).map((v) => tlvBytes(cms, v)), token]);
        }
        return tlvBytes(cms, a);
      });
      if (!children(cms, last).some((a) => Buffer.from(tlvBytes(cms, children(cms, a)[0]!)).equals(oidBytes(OID.signatureTimeStampToken)))) attrs.push(attr([token]));
      siContents = [...fields.slice(0, -1).map((f) => tlvBytes(cms, f)), tlv(0xa1, ...attrs)];
    } else {
      siContents = [...fields.map((f) => tlvBytes(cms, f)), tlv(0xa1, attr([token]))];
    }
    const newSi = rewrap(cms, first, siContents);
    const newSet = rewrap(cms, setTlv, [newSi, ...infos.slice(1).map((i) => tlvBytes(cms, i))]);
    const newSd = rewrap(cms, sdTlv, [...sd.slice(0, -1).map((f) => tlvBytes(cms, f)), newSet]);
    const out = tlv(0x30, tlvBytes(cms, ciParts[0]!), tlv(0xa0, newSd));
    parseSignedData(out);
    return new Uint8Array(out);
  } catch (e) {
    if (e instanceof CryptoError) throw e;
    if (e instanceof DerError || e instanceof Error) throw new CryptoError('ERR_CMS_MALFORMED', `cannot add the timestamp: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Signs-then-stamps helper: asks `stamper` for a token over the signature value and embeds it. */
export async function timestampSignature(cms: Uint8Array, stamper: SignatureTimestamper): Promise<Uint8Array> {
  const token = await stamper(signatureValueOf(cms));
  if (!(token instanceof Uint8Array)) throw new TypeError('the timestamper must return the token bytes');
  return addSignatureTimestamp(cms, token);
}

/** True when the first SignerInfo already carries a signature-time-stamp attribute (RFC 3161 Appendix A). */
export function hasSignatureTimestamp(cms: Uint8Array): boolean {
  const si = parseSignedData(cms).signerInfos[0];
  return (si?.unsignedAttributes ?? []).some((a) => a.oid === OID.signatureTimeStampToken && a.values.length > 0);
}
