import type { HashName, RsaScheme, SigningIdentity } from '../keys/signer.js';

/**
 * What to sign or verify: either the content itself, or its digest computed by the caller
 * (PAdES hashes the byte ranges as a stream and passes the digest, ETSI EN 319 142-1 §5.2).
 */
export type DetachedContent =
  | { readonly content: Uint8Array }
  | { readonly digest: Uint8Array; readonly hash: HashName };

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

export interface VerifyDetachedOptions {
  /** Trusted roots (DER or PEM bytes). Chain checks always run; no anchors means INDETERMINATE. */
  readonly trustAnchors: readonly Uint8Array[];
  /** Extra intermediate certificates beyond those carried in the signature. */
  readonly intermediates?: readonly Uint8Array[];
  /** CRLs (DER or PEM). A certificate with a distribution point and no CRL for its issuer is INDETERMINATE/TRY_LATER. */
  readonly crls?: readonly Uint8Array[];
  /** DER OCSPResponse messages, when given. */
  readonly ocspResponses?: readonly Uint8Array[];
  /**
   * The caller's explicit validation time (a what-if, the CLI's `--at`), reported as `poe: 'caller'`.
   * Without it the validation time is a proof of existence (the earliest of a verified signature timestamp
   * and `arrivalTime`), else `now` — never the signer's claimed signing time (ETSI EN 319 102-1 §5.5).
   */
  readonly at?: Date;
  /**
   * A trusted arrival time of the signed data: the axis's own record of when it accepted the package
   * (it verified the signature then). A proof of existence reported as `poe: 'axis-arrival'`.
   */
  readonly arrivalTime?: Date;
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
  /** The verifier's clock, injected (never read inside the core). */
  readonly now: Date;
  readonly policy?: AlgorithmPolicy;
  /**
   * When given, the signer's certificate must be one of these (DER): the certificates the registry binds
   * to the sending agency. A mismatch is INDETERMINATE/SIG_CONSTRAINTS_FAILURE with check `signer-binding`.
   */
  readonly expectedSigners?: readonly Uint8Array[];
}

/** What can be read from a CMS SignedData without verifying it (to know which hash to stream). */
export interface SignedDataInfo {
  readonly digestAlgorithm: HashName | 'SHA-1' | string;
  readonly signerCount: number;
  readonly certificates: readonly Uint8Array[];
  /** The signature-time-stamp tokens (RFC 3161 Appendix A) of the first signer, unverified. */
  readonly timestampTokens: readonly Uint8Array[];
}
