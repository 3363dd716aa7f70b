import { buildReport, Checklist } from '../report/index.js';
import type { SignatureReport } from '../report/types.js';
import { parseSignedData } from './parse-signed-data.js';
import type { DetachedContent, VerifyDetachedOptions } from './types.js';
import type { StepFailure, Step, VerifyState } from './verify-state.js';
import { checkFormat, checkMessageDigest, checkSignatureValue, checkSigningCertificateAttribute, findSignerCertificate } from './verify-structure-steps.js';
import { checkClaimedTime, checkSignatureTimestamps, chooseValidationTime } from './verify-time-steps.js';
import { verifyTimestampTokenWith, type TimestampVerification, type VerifyTimestampTokenOptions } from './verify-timestamp.js';
import { checkAlgorithmPolicy, checkChain, checkKeyUsage, checkSignerBinding, summaryOf } from './verify-trust-steps.js';

/** The fixed order of verification (X-Road style checklist); the first failing step decides the indication. */
const STEPS_BEFORE_CHAIN: readonly Step[] = [checkFormat, findSignerCertificate, checkSigningCertificateAttribute, checkMessageDigest, checkSignatureValue, checkAlgorithmPolicy, checkSignerBinding];
const STEPS_FROM_CHAIN: readonly Step[] = [checkChain, checkKeyUsage];

function checkArguments(signature: unknown, input: DetachedContent, options: VerifyDetachedOptions): void {
  if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Uint8Array');
  if (typeof input !== 'object' || input === null || (!('content' in input) && !('digest' in input))) {
    throw new TypeError('input must be { content } or { digest, hash }');
  }
  if (!options || !Array.isArray(options.trustAnchors)) throw new TypeError('options.trustAnchors must be an array');
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) throw new TypeError('options.now must be a valid Date');
  for (const k of ['at', 'arrivalTime', 'claimedSigningTime', 'signatureValuePoe'] as const) {
    const v = options[k];
    if (v !== undefined && (!(v instanceof Date) || Number.isNaN(v.getTime()))) throw new TypeError(`options.${k} must be a valid Date`);
  }
  if (options.maxClockSkewMs !== undefined && !(Number.isFinite(options.maxClockSkewMs) && options.maxClockSkewMs >= 0)) throw new TypeError('options.maxClockSkewMs must be a non-negative number');
}

/**
 * Verifies a detached CMS/CAdES signature (RFC 5652 §5.6; ETSI EN 319 102-1 §5) and returns a frozen report —
 * it does not throw for a bad signature, only for unparseable input (ERR_CMS_MALFORMED) or misuse (TypeError).
 *
 * Steps, in order, each recorded in `checks`: `format` → `signer-certificate` → `signing-certificate`
 * (ESS v2/v1) → `message-digest` (intact) → `signature-value` (valid) → `algorithm-policy` → `signer-binding`
 * (only with `expectedSigners`) → `signature-timestamp` (when the signature carries one) → `signing-time`
 * (when a time is claimed) → `chain:*` at the validation time with revocation (trusted) → `key-usage`.
 *
 * The validation time is never the signer's claim (ETSI EN 319 102-1 §5.5): `options.at` (poe `caller`),
 * else the earliest proof of existence — a verified signature timestamp (`timestamp`) or `options.arrivalTime`
 * (`axis-arrival`) — else `options.now` (`none`). Revoked or expired at that time without an earlier proof is
 * INDETERMINATE/REVOKED_NO_POE or OUT_OF_BOUNDS_NO_POE (TOTAL_FAILED when the signer's own claimed time is
 * after the revocation or notAfter); a claimed time after the validation time (beyond `maxClockSkewMs`) is
 * refused. Signatures without signed attributes (plain PKCS#7, adbe.pkcs7.detached) and with encapsulated
 * content are accepted.
 */
export async function verifyDetached(signature: Uint8Array, input: DetachedContent, options: VerifyDetachedOptions): Promise<SignatureReport> {
  return verifyDetachedSync(signature, input, options);
}

/** Synchronous core of {@link verifyDetached} (same checks, same report, no promise). */
export function verifyDetachedSync(signature: Uint8Array, input: DetachedContent, options: VerifyDetachedOptions): SignatureReport {
  return verifyCore(signature, input, options, false);
}

/** A timestamp token's own signature: no timestamps of timestamps, validated at the time it is given. */
const verifyNested = (signature: Uint8Array, input: DetachedContent, options: VerifyDetachedOptions): SignatureReport => verifyCore(signature, input, options, true);

/**
 * Verifies an RFC 3161 timestamp token over `data` (see {@link verifyTimestampTokenWith}): TSTInfo, TSA chain
 * with critical id-kp-timeStamping, ESS signing-certificate(-v2), messageImprint, nonce when given.
 */
export function verifyTimestampToken(token: Uint8Array, data: Uint8Array, options: VerifyTimestampTokenOptions): TimestampVerification {
  if (!(token instanceof Uint8Array) || !(data instanceof Uint8Array)) throw new TypeError('token and data must be Uint8Array');
  if (!(options?.at instanceof Date) || !(options.now instanceof Date)) throw new TypeError('options.at and options.now must be Dates');
  return verifyTimestampTokenWith(verifyNested, token, data, options);
}

function verifyCore(signature: Uint8Array, input: DetachedContent, options: VerifyDetachedOptions, nested: boolean): SignatureReport {
  checkArguments(signature, input, options);
  const parsed = parseSignedData(signature);
  const state: VerifyState = { parsed, input, options, checks: new Checklist(), intact: false, valid: false, trusted: false, nested };
  let failure: StepFailure | undefined;
  for (const step of STEPS_BEFORE_CHAIN) {
    failure = step(state);
    if (failure) break;
  }
  if (!failure) failure = checkSignatureTimestamps(state, verifyNested);
  chooseValidationTime(state);
  if (!failure) failure = checkClaimedTime(state);
  if (!failure) {
    for (const step of STEPS_FROM_CHAIN) {
      failure = step(state);
      if (failure) break;
    }
  }
  const signer = state.signer;
  return buildReport({
    indication: failure ? failure.indication : 'TOTAL_PASSED',
    ...(failure ? { subIndication: failure.subIndication, reason: failure.reason } : {}),
    intact: state.intact,
    valid: state.valid,
    trusted: state.trusted,
    ...(signer ? { signer: summaryOf(signer), signerCertificate: signer.der } : {}),
    ...(state.digestHash ? { digestAlgorithm: state.digestHash } : {}),
    ...(state.signatureAlgorithm ? { signatureAlgorithm: state.signatureAlgorithm.name } : {}),
    ...(state.claimedSigningTime ? { claimedSigningTime: state.claimedSigningTime } : {}),
    validationTime: state.validationTime!,
    poe: state.poe!,
    ...(state.timestamp ? { timestamp: state.timestamp.summary } : {}),
    checks: state.checks.checks,
    ...(state.revocationWanted ? { revocationWanted: state.revocationWanted } : {}),
  });
}
