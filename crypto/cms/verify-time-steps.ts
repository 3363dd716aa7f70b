import type { ChainValidationResult } from '../pki/index.js';
import type { SubIndication } from '../report/types.js';
import { OID } from './oids.js';
import type { CmsVerifier } from './verify-timestamp.js';
import { verifyTimestampTokenWith } from './verify-timestamp.js';
import type { StepFailure, VerifyState } from './verify-state.js';
import { fail } from './verify-state.js';

/** Default tolerance for a claimed signing time after the validation time (clocks of signer and verifier). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The claimed signing time: the CMS signing-time attribute, else one carried outside the CMS (PDF /M). */
export function claimedTimeOf(s: VerifyState): Date | undefined {
  return s.claimedSigningTime ?? s.options.claimedSigningTime;
}

/**
 * Signature timestamps (RFC 3161 Appendix A, ETSI EN 319 122-1 §5.3): every signature-time-stamp unsigned
 * attribute is verified over the signature value; the earliest that verifies becomes a proof of existence.
 * A token that does not verify is not a proof and is ignored (ETSI EN 319 102-1 §5.5.4: time-stamps failing
 * validation are removed from the set), which is recorded in the check's detail. Never fails the signature.
 */
export function checkSignatureTimestamps(s: VerifyState, verify: CmsVerifier): StepFailure | undefined {
  const attrs = (s.signerInfo?.unsignedAttributes ?? []).filter((a) => a.oid === OID.signatureTimeStampToken);
  if (s.nested || attrs.length === 0) return undefined;
  const o = s.options;
  const at = o.at ?? o.arrivalTime ?? o.now;
  const notes: string[] = [];
  for (const attr of attrs) {
    for (const token of attr.values) {
      const r = verifyTimestampTokenWith(verify, token, s.signerInfo!.signature, {
        trustAnchors: o.timestampTrustAnchors ?? o.trustAnchors,
        at,
        now: o.now,
        ...(o.intermediates ? { intermediates: o.intermediates } : {}),
        ...(o.crls ? { crls: o.crls } : {}),
        ...(o.ocspResponses ? { ocspResponses: o.ocspResponses } : {}),
        ...(o.policy ? { policy: o.policy } : {}),
      });
      if (r.ok) {
        if (!s.timestamp || r.genTime.getTime() < s.timestamp.genTime.getTime()) s.timestamp = { genTime: r.genTime, summary: r.summary };
        notes.push(`${r.summary.genTime} by ${r.summary.tsa}`);
      } else {
        notes.push(`ignored: ${r.reason}`);
        // A token ignored for want of revocation data of its TSA path: a retry with that data may keep it.
        if (r.report?.revocationWanted) (s.revocationWanted ??= []).push(...r.report.revocationWanted);
      }
    }
  }
  s.checks.pass('signature-timestamp', notes.join('; '));
  return undefined;
}

/**
 * Chooses the validation time (ETSI EN 319 102-1 §5.5: the best signature time): the caller's `at`
 * (poe `caller`); else the earliest proof of existence — a verified signature timestamp, its own or one of a
 * later signature covering it (`options.signatureValuePoe`), both `timestamp` — or
 * the axis's arrival record (`axis-arrival`); else the current time (`none`). Never the signer's claim.
 */
export function chooseValidationTime(s: VerifyState): void {
  const o = s.options;
  if (o.at) {
    s.validationTime = o.at;
    s.poe = 'caller';
    return;
  }
  const own = s.timestamp?.genTime;
  const covering = s.nested ? undefined : o.signatureValuePoe;
  const ts = own && covering ? (own.getTime() <= covering.getTime() ? own : covering) : (own ?? covering);
  const arrival = o.arrivalTime;
  if (ts && (!arrival || ts.getTime() <= arrival.getTime())) {
    s.validationTime = ts;
    s.poe = 'timestamp';
  } else if (arrival) {
    s.validationTime = arrival;
    s.poe = 'axis-arrival';
  } else {
    s.validationTime = o.now;
    s.poe = 'none';
  }
}

/**
 * A claimed signing time later than the validation time (beyond the clock skew) is refused: the signer claims
 * to have signed after the proof that the signature existed, or in the verifier's future. ETSI EN 319 102-1
 * §5.5.4 (TIMESTAMP_ORDER_FAILURE when the proof is a timestamp; SIG_CONSTRAINTS_FAILURE otherwise).
 * The caller's what-if time (`at`) is not judged.
 */
export function checkClaimedTime(s: VerifyState): StepFailure | undefined {
  const claimed = claimedTimeOf(s);
  if (!claimed || s.poe === 'caller' || s.nested) return undefined;
  const skew = s.options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  const at = s.validationTime!;
  if (claimed.getTime() > at.getTime() + skew) {
    const sub: SubIndication = s.poe === 'timestamp' ? 'TIMESTAMP_ORDER_FAILURE' : 'SIG_CONSTRAINTS_FAILURE';
    return fail(s, 'signing-time', 'INDETERMINATE', sub, `the claimed signing time ${claimed.toISOString()} is after the validation time ${at.toISOString()} (${s.poe === 'none' ? 'now' : s.poe})`);
  }
  s.checks.pass('signing-time', `claimed ${claimed.toISOString()}, not relied upon`);
  return undefined;
}

/**
 * Maps a chain failure at a proven (or current) time to the signature's indication (ETSI EN 319 102-1
 * §5.2.6, §5.3.4, §5.5.4): revoked at the validation time without proof that the signature existed before →
 * INDETERMINATE/REVOKED_NO_POE, unless the signer itself claims a signing time at or after the revocation
 * (TOTAL_FAILED/REVOKED); expired at the validation time → INDETERMINATE/OUT_OF_BOUNDS_NO_POE, unless the
 * claimed signing time is after notAfter (TOTAL_FAILED/EXPIRED). At the caller's own time the state at
 * that time is the answer (TOTAL_FAILED as before).
 */
export function signatureLevelFailure(s: VerifyState, result: ChainValidationResult): { indication: 'TOTAL_FAILED' | 'INDETERMINATE'; subIndication: SubIndication; reason: string } {
  const base = {
    indication: result.indication === 'TOTAL_FAILED' ? ('TOTAL_FAILED' as const) : ('INDETERMINATE' as const),
    subIndication: result.subIndication ?? 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
    reason: result.reason ?? 'chain validation failed',
  };
  if (s.poe === 'caller' || s.nested) return base;
  const claimed = claimedTimeOf(s);
  const when = s.poe === 'none' ? 'now' : `at the ${s.poe} time ${s.validationTime!.toISOString()}`;
  if (result.subIndication === 'REVOKED' && result.revokedAt) {
    if (claimed && claimed.getTime() >= result.revokedAt.getTime()) {
      return { ...base, reason: `${base.reason}; the claimed signing time ${claimed.toISOString()} is after the revocation` };
    }
    return { indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE', reason: `${base.reason}; revoked ${when}, and no proof that the signature existed before the revocation` };
  }
  if (result.subIndication === 'EXPIRED') {
    const notAfter = s.signer!.notAfter;
    if (claimed && claimed.getTime() > notAfter.getTime()) {
      return { ...base, reason: `${base.reason}; the claimed signing time ${claimed.toISOString()} is after notAfter` };
    }
    return { indication: 'INDETERMINATE', subIndication: 'OUT_OF_BOUNDS_NO_POE', reason: `${base.reason}; expired ${when}, and no proof that the signature existed before notAfter` };
  }
  return base;
}
