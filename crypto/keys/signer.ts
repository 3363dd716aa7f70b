/** Hash algorithms accepted for new signatures. SHA-1 is never offered. */
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Key types the core signs and verifies with. */
export type KeyType = 'RSA' | 'ECDSA';

/** RSA padding for new signatures; ignored for ECDSA. */
export type RsaScheme = 'pkcs1' | 'pss';

/**
 * Something that holds a private key and signs. The default implementation keeps a parsed
 * `node:crypto` KeyObject in memory; an HSM or remote signer implements the same interface.
 */
export interface Signer {
  /** Stable id of the key (hex SHA-256 of its SubjectPublicKeyInfo). */
  readonly keyId: string;
  readonly keyType: KeyType;
  /** Key size in bits (RSA modulus length, or 256 for P-256). */
  readonly keyBits: number;
  /**
   * Signs `data` (not a digest) with `hash`. Returns the signature as CMS carries it:
   * RSA raw bytes, ECDSA DER `Ecdsa-Sig-Value` (RFC 5753 §7.2).
   */
  sign(data: Uint8Array, options: { hash: HashName; scheme: RsaScheme }): Promise<Uint8Array>;
}

/** A signer with its certificate and the certificates that lead towards the root (leaf first, DER). */
export interface SigningIdentity {
  readonly signer: Signer;
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
}
