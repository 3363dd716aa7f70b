import { CryptoError } from '../errors.js';
import { hashFromOid } from './algorithms.js';
import { OID } from './oids.js';
import { parseSignedData } from './parse-signed-data.js';
import type { SignedDataInfo } from './types.js';

/**
 * Reads what a SignedData declares without verifying anything: the first signer's digest algorithm (a
 * {@link HashName}, 'SHA-1', or the dotted OID when unknown), the number of signers and the embedded
 * certificates, and its signature-time-stamp tokens. PAdES uses it to pick the hash to stream over the byte ranges before calling verifyDetached.
 * Throws ERR_CMS_MALFORMED on unparseable input.
 */
export function inspectSignedData(signature: Uint8Array): SignedDataInfo {
  const parsed = parseSignedData(signature);
  const first = parsed.signerInfos[0];
  if (!first) throw new CryptoError('ERR_CMS_MALFORMED', 'SignedData has no SignerInfo');
  return Object.freeze({
    digestAlgorithm: hashFromOid(first.digestAlgorithm) ?? first.digestAlgorithm,
    signerCount: parsed.signerInfos.length,
    certificates: Object.freeze(parsed.certificates.map((c) => new Uint8Array(c))),
    timestampTokens: Object.freeze((first.unsignedAttributes ?? []).filter((a) => a.oid === OID.signatureTimeStampToken).flatMap((a) => a.values.map((v) => new Uint8Array(v)))),
  });
}

/**
 * The first signer's digest algorithm only, as {@link inspectSignedData} names it, without copying the
 * certificates and tokens out: what PAdES needs to hash the byte ranges before it verifies the same bytes
 * (parsed once: parseSignedData remembers them). Throws ERR_CMS_MALFORMED on unparseable input.
 */
export function signedDataDigestAlgorithm(signature: Uint8Array): string {
  const first = parseSignedData(signature).signerInfos[0];
  if (!first) throw new CryptoError('ERR_CMS_MALFORMED', 'SignedData has no SignerInfo');
  return hashFromOid(first.digestAlgorithm) ?? first.digestAlgorithm;
}
