import { buildReport, Checklist } from '../report/index.js';
import type { SignatureReport } from '../report/types.js';
import { parseSignedData } from './parse-signed-data.js';
import type { DetachedContent, VerifyDetachedOptions } from './types.js';
import type { StepFailure, Step, VerifyState } from './verify-state.js';
import {
  checkFormat,
  checkMessageDigest,
  checkSignatureValue,
  checkSigningCertificateAttribute,
  findSignerCertificate,
} from './verify-structure-steps.js';
import { checkAlgorithmPolicy, checkChain, checkKeyUsage, checkSignerBinding, summaryOf } from './verify-trust-steps.js';

/** The fixed order of verification (X-Road style checklist); the first failing step decides the indication. */
const STEPS_BEFORE_CHAIN: readonly Step[] = [
  checkFormat,
  findSignerCertificate,
  checkSigningCertificateAttribute,
  checkMessageDigest,
  checkSignatureValue,
  checkAlgorithmPolicy,
  checkSignerBinding,
];
const STEPS_FROM_CHAIN: readonly Step[] = [checkChain, checkKeyUsage];

function checkArguments(signature: unknown, input: DetachedContent, options: VerifyDetachedOptions): void {
  if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Uint8Array');
  if (typeof input !== 'object' || input === null || (!('content' in input) && !('digest' in input))) {
    throw new TypeError('input must be { content } or { digest, hash }');
  }
  if (!options || !Array.isArray(options.trustAnchors)) throw new TypeError('options.trustAnchors must be an array');
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) throw new TypeError('options.now must be a valid Date');
  if (options.at !== undefined && (!(options.at instanceof Date) || Number.isNaN(options.at.getTime()))) throw new TypeError('options.at must be a valid Date');
}

/**
 * Verifies a detached CMS/CAdES signature (RFC 5652 §5.6; ETSI EN 319 102-1 §5) and returns a frozen report —
 * it does not throw for a bad signature, only for unparseable input (ERR_CMS_MALFORMED) or misuse (TypeError).
 *
 * Steps, in order, each recorded in `checks`: `format` → `signer-certificate` → `signing-certificate`
 * (ESS v2/v1) → `message-digest` (intact) → `signature-value` (valid) → `algorithm-policy` → `signer-binding`
 * (only with `expectedSigners`) → `chain:*` at the validation time with revocation (trusted) → `key-usage`.
 * The validation time is `options.at`, else the claimed signing time, else `options.now`. Signatures without
 * signed attributes (plain PKCS#7, adbe.pkcs7.detached) and with encapsulated content are accepted.
 */
export async function verifyDetached(signature: Uint8Array, input: DetachedContent, options: VerifyDetachedOptions): Promise<SignatureReport> {
  return verifyDetachedSync(signature, input, options);
}

/** Synchronous core of {@link verifyDetached} (same checks, same report, no promise). */
export function verifyDetachedSync(signature: Uint8Array, input: DetachedContent, options: VerifyDetachedOptions): SignatureReport {
  checkArguments(signature, input, options);
  const parsed = parseSignedData(signature);
  const state: VerifyState = { parsed, input, options, checks: new Checklist(), intact: false, valid: false, trusted: false };
  let failure: StepFailure | undefined;
  for (const step of STEPS_BEFORE_CHAIN) {
    failure = step(state);
    if (failure) break;
  }
  state.validationTime = options.at ?? state.claimedSigningTime ?? options.now;
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
    validationTime: state.validationTime,
    checks: state.checks.checks,
  });
}
