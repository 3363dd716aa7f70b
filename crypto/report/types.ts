/**
 * The validation report: verification returns this, it does not throw (STYLE.md; pyHanko, EU DSS).
 * Indications and sub-indications are those of ETSI EN 319 102-1 §5.1.3.
 */
export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

export type SubIndication =
  // TOTAL_FAILED
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  // INDETERMINATE
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'REVOKED_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'TRY_LATER'
  | 'SIGNED_DATA_NOT_FOUND'
  | 'TIMESTAMP_ORDER_FAILURE';

/**
 * Where the validation time came from (ETSI EN 319 102-1 §5.5, "proof of existence"): a verified RFC 3161
 * signature timestamp, the axis's own record of when it accepted the package, nothing (the current time), or
 * the caller's explicit choice (e.g. the CLI's `--at`, a what-if).
 */
export type PoeSource = 'timestamp' | 'axis-arrival' | 'none' | 'caller';

/** A verified signature-time-stamp (RFC 3161 token in the unsigned attribute of ETSI EN 319 122-1 §5.3). */
export interface TimestampSummary {
  /** TSTInfo genTime, ISO 8601. */
  readonly genTime: string;
  /** Subject of the TSA certificate. */
  readonly tsa: string;
  readonly serialNumber: string;
  readonly hashAlgorithm: string;
}

/** One step of the fixed verification order, in the order it ran. */
export interface Check {
  readonly name: string;
  readonly passed: boolean;
  readonly detail?: string;
}

/** Who signed, as read from the signing certificate. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string; // hex
  readonly sha256: string; // hex fingerprint of the DER certificate
  readonly notBefore: string; // ISO 8601
  readonly notAfter: string; // ISO 8601
  readonly organizationIdentifier?: string; // 2.5.4.97, only informative
}

/** The report of one CMS signature. Frozen when returned. */
export interface SignatureReport {
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  /** Message digest matches the signed content. */
  readonly intact: boolean;
  /** Signature value verifies with the signer's public key. */
  readonly valid: boolean;
  /** Chain to a supplied trust anchor, valid and unrevoked at the validation time, policy met. */
  readonly trusted: boolean;
  readonly signer?: CertificateSummary;
  /** The signer's DER certificate, so callers can bind it to an agency (not serialized to JSON by default). */
  readonly signerCertificate?: Uint8Array;
  readonly digestAlgorithm?: string;
  readonly signatureAlgorithm?: string;
  /** signing-time signed attribute, if any, ISO 8601. */
  readonly claimedSigningTime?: string;
  /** The time the chain was checked at, ISO 8601 (never the signer's claim). */
  readonly validationTime: string;
  /** Where `validationTime` came from. */
  readonly poe: PoeSource;
  /** The verified signature timestamp, when the signature carries one that verifies. */
  readonly timestamp?: TimestampSummary;
  readonly checks: readonly Check[];
  /** Short human reason when not TOTAL_PASSED. */
  readonly reason?: string;
  /**
   * The certificates whose status no revocation data answered: with INDETERMINATE/TRY_LATER from the
   * revocation check (ETSI EN 319 102-1 §5.2.6: "retry later", once the data is there), and for a signature
   * timestamp ignored for that reason. Only certificates of a path built to a trust anchor, so a verifier
   * never fetches for a certificate nobody trusted issued. What a caller fetches OCSP responses (RFC 6960) for,
   * off the untrusted file, before it verifies again. Plain data, so it crosses a worker boundary.
   */
  readonly revocationWanted?: readonly RevocationSubject[];
}

/** A certificate that needs revocation data, its issuer (DER) and the OCSP responders its AIA names (RFC 5280 §4.2.2.1). */
export interface RevocationSubject {
  readonly certificate: Uint8Array;
  readonly issuer: Uint8Array;
  readonly ocspUrls: readonly string[];
}
