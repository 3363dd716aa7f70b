import { createHash } from 'node:crypto';
import { parseCertificate, summarizeParsedCertificate, validateChain } from '../pki/index.js';
import { fail, type Step } from './verify-state.js';
import { signatureLevelFailure } from './verify-time-steps.js';

/** 6. Algorithm policy (ETSI TS 119 312): SHA-1 and RSA below 2048 bits refused unless allowed. */
export const checkAlgorithmPolicy: Step = (s) => {
  const policy = s.options.policy ?? {};
  const minRsa = policy.minRsaBits ?? 2048;
  const signer = s.signer!;
  const hashes = [s.digestHash, s.signatureAlgorithm?.hash, s.signatureAlgorithm?.pss?.mgfHash, s.contentIsSha1Digest ? 'SHA-1' : undefined];
  if (policy.allowSha1 !== true && hashes.includes('SHA-1')) {
    return fail(s, 'algorithm-policy', 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', 'SHA-1 is refused by the algorithm policy');
  }
  if (signer.keyType === 'RSA' && signer.keyBits < minRsa) {
    return fail(s, 'algorithm-policy', 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', `RSA-${signer.keyBits} is below the policy minimum of ${minRsa} bits`);
  }
  if (signer.keyType === 'ECDSA' && signer.keyBits < 256) {
    return fail(s, 'algorithm-policy', 'INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', `EC-${signer.keyBits} is below 256 bits`);
  }
  s.checks.pass('algorithm-policy', `${s.digestHash}, ${signer.keyType}-${signer.keyBits}`);
  return undefined;
};

const expectedFingerprints = new WeakMap<readonly Uint8Array[], ReadonlySet<string>>();

/** 7. The signer is one the caller binds to the sending agency (X-Road: certificate ↔ member code). */
export const checkSignerBinding: Step = (s) => {
  const expected = s.options.expectedSigners;
  if (expected === undefined) return undefined;
  let set = expectedFingerprints.get(expected);
  if (!set) {
    // Through the certificate cache: PEM is accepted too, and the fingerprint is that of the DER.
    const fps = new Set<string>();
    for (const der of expected) {
      try {
        fps.add(parseCertificate(der).sha256);
      } catch {
        fps.add(createHash('sha256').update(der).digest('hex'));
      }
    }
    set = fps;
    expectedFingerprints.set(expected, set);
  }
  if (!set.has(s.signer!.sha256)) {
    return fail(s, 'signer-binding', 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE', 'the signer certificate is not one bound to the expected sender');
  }
  s.checks.pass('signer-binding');
  return undefined;
};

const anchorSets = new WeakMap<readonly Uint8Array[], ReadonlySet<string>>();

function anchorFingerprints(anchors: readonly Uint8Array[]): ReadonlySet<string> {
  let set = anchorSets.get(anchors);
  if (!set) {
    const fps = new Set<string>();
    for (const a of anchors) {
      try {
        fps.add(parseCertificate(a).sha256);
      } catch {
        /* validateChain reports unusable anchors */
      }
    }
    set = fps;
    anchorSets.set(anchors, set);
  }
  return set;
}

/** 8. Chain to a trust anchor at the validation time, with revocation (RFC 5280 §6; ETSI EN 319 102-1 §5.2.6, §5.3.4). */
export const checkChain: Step = (s) => {
  const { options } = s;
  const at = s.validationTime!;
  // The signer and copies of the anchors are left out: validateChain would only fingerprint them again.
  const anchors = anchorFingerprints(options.trustAnchors);
  const intermediates: Uint8Array[] = [];
  for (const c of s.embedded ?? []) if (c !== s.signer && !anchors.has(c.sha256)) intermediates.push(c.der);
  for (const der of options.intermediates ?? []) intermediates.push(der);
  const result = validateChain({
    leaf: s.signer!.der,
    intermediates,
    trustAnchors: options.trustAnchors,
    ...(options.crls ? { crls: options.crls } : {}),
    ...(options.ocspResponses ? { ocspResponses: options.ocspResponses } : {}),
    at,
    ...(options.policy ? { policy: options.policy } : {}),
    purpose: 'signature',
  });
  for (const c of result.checks) {
    if (c.passed) s.checks.pass(c.name, c.detail);
    else s.checks.fail(c.name, c.detail ?? 'failed');
  }
  if (result.revocationWanted) (s.revocationWanted ??= []).push(...result.revocationWanted);
  if (!result.ok) return signatureLevelFailure(s, result);
  s.trusted = true;
  return undefined;
};

/** 9. The signing certificate is meant for signatures (RFC 5280 §4.2.1.3, §4.2.1.9). */
export const checkKeyUsage: Step = (s) => {
  const c = s.signer!;
  let problem: string | undefined;
  if (c.isCa) problem = 'the signing certificate is a CA certificate';
  else if (!c.keyUsage) problem = 'the signing certificate has no keyUsage extension';
  else if (!c.keyUsage.has('digitalSignature') && !c.keyUsage.has('nonRepudiation')) problem = 'keyUsage has neither digitalSignature nor nonRepudiation';
  if (problem) {
    s.trusted = false;
    return fail(s, 'key-usage', 'INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE', problem);
  }
  s.checks.pass('key-usage', [...c.keyUsage!].join(', '));
  return undefined;
};

/** Report summary of a parsed certificate (cached per certificate). */
export const summaryOf = summarizeParsedCertificate;
