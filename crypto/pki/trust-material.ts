/**
 * What every verifier of crypto/ validates certificate paths with (DER; PEM accepted). One definition, so the
 * CMS, PAdES, XML-DSig and timestamp verifiers (and the B-LT step that gathers the same material into a DSS)
 * cannot drift apart in what they accept.
 */
export interface TrustMaterial {
  /** Trusted roots. Chain checks always run; no anchors means INDETERMINATE. */
  readonly trustAnchors: readonly Uint8Array[];
  /** Intermediate certificates beyond those a signature carries (order and unrelated extras do not matter). */
  readonly intermediates?: readonly Uint8Array[];
  /** CRLs. A certificate with a distribution point and no CRL for its issuer is INDETERMINATE/TRY_LATER. */
  readonly crls?: readonly Uint8Array[];
  /** DER OCSPResponse messages, when given. */
  readonly ocspResponses?: readonly Uint8Array[];
}

/** {@link TrustMaterial} and the verifier's clock: injected, never read inside crypto/. */
export interface TrustAtNow extends TrustMaterial {
  readonly now: Date;
}

/**
 * The times a signature may be validated at other than `now` (ETSI EN 319 102-1 §5.5: never the signer's
 * claimed signing time). Without either, the validation time is a proof of existence the signature itself
 * carries (a verified signature timestamp), else `now`.
 */
export interface ValidationTimeInputs {
  /** The caller's explicit validation time (a what-if, the CLI's `--at`), reported as `poe: 'caller'`. */
  readonly at?: Date;
  /**
   * A trusted arrival time of the signed data: the axis's own record of when it accepted the package (it
   * verified the signature then). A proof of existence reported as `poe: 'axis-arrival'`.
   */
  readonly arrivalTime?: Date;
}
