import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

/** Hash names as node:crypto spells them. */
export type NodeHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'md5';

/** A decoded signature algorithm of a certificate, CRL or OCSP response. */
export interface SignatureAlgorithm {
  readonly oid: string;
  /** Readable name, e.g. `sha256WithRSAEncryption`, `RSASSA-PSS/SHA-256`, `ecdsa-with-SHA256`. */
  readonly name: string;
  readonly keyType: 'RSA' | 'ECDSA' | 'EdDSA' | 'unknown';
  /** undefined for EdDSA (no separate hash) and unknown algorithms. */
  readonly hash?: NodeHash;
  readonly pss?: { readonly saltLength: number };
}

const HASH_OIDS: Record<string, NodeHash> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const SIMPLE: Record<string, Omit<SignatureAlgorithm, 'oid'>> = {
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', keyType: 'RSA', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', keyType: 'RSA', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', keyType: 'RSA', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', keyType: 'RSA', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', keyType: 'RSA', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', keyType: 'RSA', hash: 'sha512' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', keyType: 'ECDSA', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', keyType: 'ECDSA', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', keyType: 'ECDSA', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', keyType: 'ECDSA', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', keyType: 'ECDSA', hash: 'sha512' },
  '1.3.101.112': { name: 'Ed25519', keyType: 'EdDSA' },
};

export const RSASSA_PSS_OID = '1.2.840.113549.1.1.10';

const HASH_LENGTH: Record<NodeHash, number> = { md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** Digest length in bytes of a hash. */
export function hashLength(hash: NodeHash): number {
  return HASH_LENGTH[hash];
}

/** OID of a digest algorithm. */
export function hashOid(hash: NodeHash): string {
  for (const [oid, h] of Object.entries(HASH_OIDS)) if (h === hash) return oid;
  throw new TypeError(`no OID for hash ${hash}`);
}

/** Maps a digest OID to its node name, undefined when unknown. */
export function hashFromOid(oid: string): NodeHash | undefined {
  return HASH_OIDS[oid];
}

function decodePss(params: unknown): SignatureAlgorithm {
  // RFC 4055 §3.1: RSASSA-PSS-params; defaults SHA-1, MGF1-SHA-1, salt 20.
  let hash: NodeHash | undefined = 'sha1';
  let mgfHash: NodeHash | undefined = 'sha1';
  let saltLength = 20;
  if (params instanceof asn1js.Sequence) {
    for (const item of params.valueBlock.value) {
      const tag = item.idBlock.tagNumber;
      const inner = (item as asn1js.Constructed).valueBlock?.value?.[0];
      if (tag === 0 && inner instanceof asn1js.Sequence) {
        const oid = inner.valueBlock.value[0];
        hash = oid instanceof asn1js.ObjectIdentifier ? HASH_OIDS[oid.valueBlock.toString()] : undefined;
      } else if (tag === 1 && inner instanceof asn1js.Sequence) {
        const mgfParams = inner.valueBlock.value[1];
        const oid = mgfParams instanceof asn1js.Sequence ? mgfParams.valueBlock.value[0] : undefined;
        mgfHash = oid instanceof asn1js.ObjectIdentifier ? HASH_OIDS[oid.valueBlock.toString()] : undefined;
      } else if (tag === 2 && inner instanceof asn1js.Integer) {
        saltLength = inner.valueBlock.valueDec;
      }
    }
  }
  if (hash === undefined || mgfHash !== hash) {
    return { oid: RSASSA_PSS_OID, name: 'RSASSA-PSS/unsupported-parameters', keyType: 'unknown' };
  }
  return { oid: RSASSA_PSS_OID, name: `RSASSA-PSS/${hash.toUpperCase().replace('SHA', 'SHA-')}`, keyType: 'RSA', hash, pss: { saltLength } };
}

/** Decodes an AlgorithmIdentifier of a signature (RFC 5280 §4.1.1.2, RFC 4055, RFC 5758). */
export function decodeSignatureAlgorithm(alg: pkijs.AlgorithmIdentifier): SignatureAlgorithm {
  const oid = alg.algorithmId;
  if (oid === RSASSA_PSS_OID) return decodePss(alg.algorithmParams);
  const simple = SIMPLE[oid];
  return simple ? { oid, ...simple } : { oid, name: oid, keyType: 'unknown' };
}

/** Verifies `signature` over `data` with a public key; false (never throws) on any mismatch. */
export function verifyWithAlgorithm(
  alg: SignatureAlgorithm,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    const kt = key.asymmetricKeyType;
    if (alg.keyType === 'RSA' && kt !== 'rsa' && kt !== 'rsa-pss') return false;
    if (alg.keyType === 'ECDSA' && kt !== 'ec') return false;
    if (alg.keyType === 'EdDSA') return kt === 'ed25519' && cryptoVerify(null, data, key, signature);
    if (alg.keyType === 'unknown' || alg.hash === undefined) return false;
    if (alg.pss) {
      return cryptoVerify(alg.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.pss.saltLength }, signature);
    }
    if (kt === 'rsa-pss') return false;
    return cryptoVerify(alg.hash, data, alg.keyType === 'ECDSA' ? { key, dsaEncoding: 'der' } : key, signature);
  } catch {
    return false;
  }
}
