import type { TrustAtNow, ValidationTimeInputs } from '../pki/trust-material.js';
import type { HashName, RsaScheme, SigningIdentity } from '../keys/signer.js';

/**
 * What to sign or verify: either the content itself, or its digest computed by the caller
 * (PAdES hashes the byte ranges as a stream and passes the digest, ETSI EN 319 142-1 §5.2).
 */
export type DetachedContent = { readonly content: Uint8Array } | { readonly digest: Uint8Array; readonly hash: HashName };

export interface SignDetachedOptions {
  readonly identity: SigningIdentity;
  /** Default SHA-256. */
  readonly hash?: HashName;
  /** Default 'pkcs1'. */
  readonly scheme?: RsaScheme;
  /** Adds the signing-time attribute (CAdES). PAdES B-B omits it: the time is the PDF's /M. */
  readonly signingTime?: Date;
  /** Default true: include identity.certificate and identity.chain in SignedData.certificates. */
  readonly includeChain?: boolean;
}

/** Algorithm policy. Defaults: SHA-1 refused, RSA below 2048 bits refused. */
export interface AlgorithmPolicy {
  readonly allowSha1?: boolean;
  readonly minRsaBits?: number;
}

export interface VerifyDetachedOptions extends TrustAtNow, ValidationTimeInputs {
  /**
   * A claimed signing time carried outside the CMS (the PDF's /M), used when the CMS has no signing-time
   * attribute. Claims only decide between REVOKED and REVOKED_NO_POE (and EXPIRED / OUT_OF_BOUNDS_NO_POE),
   * and a claim later than the validation time beyond `maxClockSkewMs` is refused.
   */
  readonly claimedSigningTime?: Date;
  /** How far a claimed signing time may lie after the validation time. Default 300 000 (5 minutes). */
  readonly maxClockSkewMs?: number;
  /** Roots for timestamp authorities' certificates. Default: `trustAnchors`. */
  readonly timestampTrustAnchors?: readonly Uint8Array[];
  readonly policy?: AlgorithmPolicy;
  /**
   * When given, the signer's certificate must be one of these (DER): the certificates the registry binds
   * to the sending agency. A mismatch is INDETERMINATE/SIG_CONSTRAINTS_FAILURE with check `signer-binding`.
   */
  readonly expectedSigners?: readonly Uint8Array[];
  /**
   * A proof of existence of this signature value obtained outside it: the genTime of a verified signature
   * timestamp on a later signature whose signed bytes include this one (ETSI EN 319 102-1 §5.6.2.4 and
   * §5.6.3, POE of signed data; e.g. the agency seal's timestamp over a PDF's person signature). Taken like
   * the signature's own timestamp (the earliest wins), reported as `poe: 'timestamp'`. Only a verifier that
   * checked the covering signature's integrity and its timestamp may pass it.
   */
  readonly signatureValuePoe?: Date;
}

/** What can be read from a CMS SignedData without verifying it (to know which hash to stream). */
export interface SignedDataInfo {
  readonly digestAlgorithm: HashName | 'SHA-1' | string;
  readonly signerCount: number;
  readonly certificates: readonly Uint8Array[];
  /** The signature-time-stamp tokens (RFC 3161 Appendix A) of the first signer, unverified. */
  readonly timestampTokens: readonly Uint8Array[];
}
