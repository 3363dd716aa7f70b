import type { HashName, KeyType, RsaScheme } from '../keys/signer.js';
import { OID } from './oids.js';

/** Hash names as node:crypto spells them. */
export type NodeHashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Digest algorithms we can compute, including SHA-1 (read, never offered for new signatures). */
export type AnyHashName = HashName | 'SHA-1';

const HASH_BY_OID: Readonly<Record<string, AnyHashName>> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

const OID_BY_HASH: Readonly<Record<AnyHashName, string>> = {
  'SHA-1': OID.sha1,
  'SHA-256': OID.sha256,
  'SHA-384': OID.sha384,
  'SHA-512': OID.sha512,
};

const NODE_HASH: Readonly<Record<AnyHashName, NodeHashName>> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

const HASH_LENGTH: Readonly<Record<AnyHashName, number>> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** Digest algorithm of a digestAlgorithm OID (RFC 5754 §2), undefined when unknown. */
export function hashFromOid(oid: string): AnyHashName | undefined {
  return HASH_BY_OID[oid];
}

/** OID of a digest algorithm (RFC 5754 §2). */
export function oidOfHash(hash: AnyHashName): string {
  return OID_BY_HASH[hash];
}

/** The node:crypto name of a digest algorithm. */
export function nodeHash(hash: AnyHashName): NodeHashName {
  return NODE_HASH[hash];
}

/** Digest length in bytes. */
export function hashLength(hash: AnyHashName): number {
  return HASH_LENGTH[hash];
}

/** True for the hashes accepted for new signatures (SHA-1 never is). */
export function isSigningHash(value: unknown): value is HashName {
  return value === 'SHA-256' || value === 'SHA-384' || value === 'SHA-512';
}

const RSA_PKCS1_OID: Readonly<Record<HashName, string>> = {
  'SHA-256': OID.sha256WithRsa,
  'SHA-384': OID.sha384WithRsa,
  'SHA-512': OID.sha512WithRsa,
};

const ECDSA_OID: Readonly<Record<HashName, string>> = {
  'SHA-256': OID.ecdsaWithSha256,
  'SHA-384': OID.ecdsaWithSha384,
  'SHA-512': OID.ecdsaWithSha512,
};

/** The signatureAlgorithm OID a new SignerInfo carries (RFC 5754 §3, RFC 4056, RFC 5753 §7.2). */
export function signatureOidFor(keyType: KeyType, hash: HashName, scheme: RsaScheme): string {
  if (keyType === 'ECDSA') return ECDSA_OID[hash];
  return scheme === 'pss' ? OID.rsassaPss : RSA_PKCS1_OID[hash];
}

/** A SignerInfo signature algorithm, decoded for verification. */
export interface SignerSignatureAlgorithm {
  readonly oid: string;
  readonly name: string;
  readonly keyType: KeyType | 'unknown';
  /** Hash named by the signature algorithm itself, when it names one. */
  readonly hash?: AnyHashName;
  readonly pss?: { readonly hash: AnyHashName; readonly mgfHash: AnyHashName; readonly saltLength: number };
}

const SIMPLE: Readonly<Record<string, { name: string; keyType: KeyType; hash?: AnyHashName }>> = {
  [OID.rsaEncryption]: { name: 'rsaEncryption', keyType: 'RSA' },
  [OID.sha1WithRsa]: { name: 'sha1WithRSAEncryption', keyType: 'RSA', hash: 'SHA-1' },
  [OID.sha256WithRsa]: { name: 'sha256WithRSAEncryption', keyType: 'RSA', hash: 'SHA-256' },
  [OID.sha384WithRsa]: { name: 'sha384WithRSAEncryption', keyType: 'RSA', hash: 'SHA-384' },
  [OID.sha512WithRsa]: { name: 'sha512WithRSAEncryption', keyType: 'RSA', hash: 'SHA-512' },
  [OID.ecPublicKey]: { name: 'ecPublicKey', keyType: 'ECDSA' },
  [OID.ecdsaWithSha1]: { name: 'ecdsa-with-SHA1', keyType: 'ECDSA', hash: 'SHA-1' },
  [OID.ecdsaWithSha256]: { name: 'ecdsa-with-SHA256', keyType: 'ECDSA', hash: 'SHA-256' },
  [OID.ecdsaWithSha384]: { name: 'ecdsa-with-SHA384', keyType: 'ECDSA', hash: 'SHA-384' },
  [OID.ecdsaWithSha512]: { name: 'ecdsa-with-SHA512', keyType: 'ECDSA', hash: 'SHA-512' },
};

/** Decodes a signatureAlgorithm OID without parameters (RSASSA-PSS goes through decodeSignerSignatureAlgorithm). */
export function simpleSignatureAlgorithm(oid: string): SignerSignatureAlgorithm {
  const s = SIMPLE[oid];
  return s ? { oid, ...s } : { oid, name: oid, keyType: 'unknown' };
}
