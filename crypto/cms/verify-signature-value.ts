import { constants, createHash, publicDecrypt, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { hashFromOid, hashLength, nodeHash, simpleSignatureAlgorithm, type AnyHashName, type SignerSignatureAlgorithm } from './algorithms.js';
import { children, decodeOid, decodeSmallInt, expectTag, readRoot } from './der.js';
import { OID } from './oids.js';

/** Decodes a SignerInfo signatureAlgorithm, including RSASSA-PSS parameters (RFC 4055 §3.1). */
export function decodeSignerSignatureAlgorithm(oid: string, params: Uint8Array | undefined): SignerSignatureAlgorithm {
  if (oid !== OID.rsassaPss) return simpleSignatureAlgorithm(oid);
  let hash: AnyHashName | undefined = 'SHA-1';
  let mgfHash: AnyHashName | undefined = 'SHA-1';
  let saltLength = 20;
  try {
    if (params && params[0] === 0x30) {
      const seq = readRoot(params);
      for (const f of children(params, seq)) {
        const inner = children(params, f)[0];
        if (f.tag === 0xa0) hash = hashFromOid(decodeOid(params, expectTag(children(params, expectTag(inner, 0x30, 'hash'))[0], 0x06, 'hash OID')));
        else if (f.tag === 0xa1) {
          const mgf = children(params, expectTag(inner, 0x30, 'mgf'));
          if (decodeOid(params, expectTag(mgf[0], 0x06, 'mgf OID')) !== OID.mgf1) mgfHash = undefined;
          else mgfHash = hashFromOid(decodeOid(params, expectTag(children(params, expectTag(mgf[1], 0x30, 'mgf hash'))[0], 0x06, 'mgf hash OID')));
        } else if (f.tag === 0xa2) saltLength = decodeSmallInt(params, expectTag(inner, 0x02, 'saltLength'));
        else if (f.tag === 0xa3 && decodeSmallInt(params, expectTag(inner, 0x02, 'trailerField')) !== 1) hash = undefined;
      }
    }
  } catch {
    hash = undefined;
  }
  if (hash === undefined || mgfHash === undefined) return { oid, name: 'RSASSA-PSS (unsupported parameters)', keyType: 'unknown' };
  return { oid, name: `RSASSA-PSS/${hash}`, keyType: 'RSA', hash, pss: { hash, mgfHash, saltLength } };
}

/** DigestInfo prefixes (RFC 8017 §9.2 note 1) for verifying RSA PKCS#1 v1.5 over a precomputed digest. */
const DIGEST_INFO_PREFIX: Readonly<Record<AnyHashName, string>> = {
  'SHA-1': '3021300906052b0e03021a05000414',
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

/**
 * Verifies a SignerInfo signature value. `signed` is what was signed: the DER signed attributes, the content,
 * or — without signed attributes and without the content — only its digest (then RSA PKCS#1 v1.5 only).
 * Returns false on any mismatch, never throws.
 */
export function verifySignatureValue(options: {
  readonly algorithm: SignerSignatureAlgorithm;
  readonly digestHash: AnyHashName;
  readonly key: KeyObject;
  readonly signed: { readonly data: Uint8Array } | { readonly digest: Uint8Array };
  readonly signature: Uint8Array;
}): boolean {
  const { algorithm, key, signed, signature } = options;
  const hash = algorithm.pss?.hash ?? algorithm.hash ?? options.digestHash;
  try {
    const kt = key.asymmetricKeyType;
    if (algorithm.keyType === 'ECDSA') {
      if (kt !== 'ec' || !('data' in signed)) return false;
      return cryptoVerify(nodeHash(hash), signed.data, { key, dsaEncoding: 'der' }, signature);
    }
    if (algorithm.keyType !== 'RSA' || (kt !== 'rsa' && kt !== 'rsa-pss')) return false;
    if (algorithm.pss) {
      if (algorithm.pss.mgfHash !== algorithm.pss.hash || !('data' in signed)) return false;
      return cryptoVerify(nodeHash(hash), signed.data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.pss.saltLength }, signature);
    }
    if (kt === 'rsa-pss') return false;
    if ('data' in signed) return cryptoVerify(nodeHash(hash), signed.data, key, signature);
    if (signed.digest.length !== hashLength(hash)) return false;
    const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    const expected = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[hash], 'hex'), signed.digest]);
    return recovered.equals(expected);
  } catch {
    return false;
  }
}

/** Hashes `data` with a digest algorithm. */
export function digestOf(hash: AnyHashName, data: Uint8Array): Buffer {
  return createHash(nodeHash(hash)).update(data).digest();
}
