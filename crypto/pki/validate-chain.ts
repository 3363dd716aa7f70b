import type { Check, Indication, RevocationSubject, SubIndication } from '../report/types.js';
import { buildPath } from './build-path.js';
import { parseCertificate, type ParsedCertificate } from './certificate.js';
import { parseCrl, type ParsedCrl } from './crl.js';
import { parseOcspResponse, type ParsedOcspResponse } from './ocsp.js';
import { algorithmAllowed, type ChainPolicy } from './policy.js';
import { revocationStatus } from './revocation.js';

export type { ChainPolicy } from './policy.js';

/** Options of {@link validateChain}. Certificates, CRLs: DER (PEM accepted, first block). */
export interface ValidateChainOptions {
  readonly leaf: Uint8Array;
  /** Candidate intermediate certificates (order and extra unrelated certificates do not matter). */
  readonly intermediates?: readonly Uint8Array[];
  readonly trustAnchors: readonly Uint8Array[];
  readonly crls?: readonly Uint8Array[];
  /** DER OCSPResponse messages. */
  readonly ocspResponses?: readonly Uint8Array[];
  /** The time the chain is validated at (e.g. the claimed signing time). */
  readonly at: Date;
  readonly policy?: ChainPolicy;
  readonly purpose: 'signature';
}

/** Result of {@link validateChain}; `checks` in the order they ran. */
export interface ChainValidationResult {
  readonly ok: boolean;
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly reason?: string;
  /** With REVOKED: when the certificate that failed was revoked (the caller compares it with claimed times). */
  readonly revokedAt?: Date;
  /** With REVOKED: the certificate that is revoked is the leaf (not a CA of the path). */
  readonly revokedIsLeaf?: boolean;
  /**
   * With TRY_LATER from `chain:revocation`: every non-anchor certificate of the path that no revocation data
   * answered (the first one and those after it), with its issuer and AIA OCSP URLs, for the caller to fetch.
   */
  readonly revocationWanted?: readonly RevocationSubject[];
  /** Leaf first, trust anchor last; `[leaf]` when no path was found. */
  readonly path: readonly ParsedCertificate[];
  readonly checks: readonly Check[];
}

const TOTAL_FAILED: ReadonlySet<SubIndication> = new Set<SubIndication>(['REVOKED', 'EXPIRED', 'NOT_YET_VALID']);

function parseAllQuietly<T>(items: readonly Uint8Array[] | undefined, parse: (b: Uint8Array) => T, skipped: string[], what: string): T[] {
  const out: T[] = [];
  for (const [i, item] of (items ?? []).entries()) {
    try {
      out.push(parse(item));
    } catch {
      skipped.push(`${what} #${i}`);
    }
  }
  return out;
}

function within(cert: ParsedCertificate, at: Date): 'ok' | 'expired' | 'not-yet-valid' {
  const t = at.getTime();
  if (t < cert.notBefore.getTime()) return 'not-yet-valid';
  if (t > cert.notAfter.getTime()) return 'expired';
  return 'ok';
}

function cryptoConstraints(path: readonly ParsedCertificate[], policy: ChainPolicy): string | undefined {
  const minRsa = policy.minRsaBits ?? 2048;
  for (const [i, cert] of path.entries()) {
    const isAnchor = i === path.length - 1;
    // The anchor's self-signature is not relied upon (RFC 5280 §6.1: the anchor is trusted as given).
    if (!isAnchor && !algorithmAllowed(cert.signatureAlgorithm, policy)) {
      return `${cert.subject} is signed with ${cert.signatureAlgorithm.name}`;
    }
    if (cert.keyType === 'unknown') return `${cert.subject} has an unsupported public key`;
    if (cert.keyType === 'RSA' && cert.keyBits < minRsa) return `${cert.subject} has an RSA-${cert.keyBits} key (minimum ${minRsa})`;
    if (cert.keyType === 'ECDSA' && cert.keyBits < 256) return `${cert.subject} has an EC key of ${cert.keyBits} bits`;
  }
  return undefined;
}

function chainConstraints(path: readonly ParsedCertificate[]): string | undefined {
  for (let i = 1; i < path.length; i++) {
    const ca = path[i] as ParsedCertificate;
    const isAnchor = i === path.length - 1;
    // RFC 5280 §6.1.4 (k): an intermediate must assert cA; an anchor is trusted as configured unless it denies it.
    if (!isAnchor && !ca.isCa) return `${ca.subject} is not a CA certificate (basicConstraints cA missing)`;
    if (isAnchor && ca.hasBasicConstraints && !ca.isCa) return `trust anchor ${ca.subject} asserts cA=false`;
    if (ca.keyUsage && !ca.keyUsage.has('keyCertSign')) return `${ca.subject} key usage lacks keyCertSign`;
    if (ca.pathLength !== undefined) {
      // RFC 5280 §6.1.4 (l)-(m): self-issued intermediates do not count.
      let below = 0;
      for (let j = 1; j < i; j++) if (!(path[j] as ParsedCertificate).selfIssued) below++;
      if (below > ca.pathLength) return `${ca.subject} allows ${ca.pathLength} intermediate(s) below it, found ${below}`;
    }
  }
  return undefined;
}

function unprocessedCritical(path: readonly ParsedCertificate[]): string | undefined {
  for (const cert of path) {
    if (cert.unprocessedCriticalExtensions.length > 0) {
      return `${cert.subject} has unsupported critical extension(s) ${cert.unprocessedCriticalExtensions.join(', ')}`;
    }
  }
  return undefined;
}

function signingCertificateUsage(leaf: ParsedCertificate): string | undefined {
  if (leaf.isCa) return `${leaf.subject} is a CA certificate, not a signing certificate`;
  if (!leaf.keyUsage) return `${leaf.subject} has no keyUsage extension`;
  if (!leaf.keyUsage.has('digitalSignature') && !leaf.keyUsage.has('nonRepudiation')) {
    return `${leaf.subject} key usage allows neither digitalSignature nor nonRepudiation`;
  }
  return undefined;
}

/**
 * Validates the certification path of a signing certificate at time `at` (RFC 5280 §6.1 with the
 * sub-indications of ETSI EN 319 102-1 §5.2.6 / §5.1.3). Never throws on bad chains: returns a result.
 * Throws ERR_CERT_MALFORMED only when the leaf or a trust anchor cannot be parsed; unparseable
 * intermediates, CRLs and OCSP responses are skipped and named in the checks.
 *
 * Checks, in order, every one recorded; the first failing one gives the sub-indication:
 * 1. `chain:path` — a path leaf → anchor by name and AKI/SKI, every signature verified
 *    (NO_CERTIFICATE_CHAIN_FOUND).
 * 2. `chain:crypto-constraints` — SHA-1/MD5 signatures on non-anchor certificates (SHA-1 allowed by
 *    policy), RSA below `minRsaBits` (default 2048), EC below 256 bits (CRYPTO_CONSTRAINTS_FAILURE).
 * 3. `chain:constraints` — issuers are CAs with keyCertSign and within pathLen (CHAIN_CONSTRAINTS_FAILURE);
 *    unsupported critical extensions (CERTIFICATE_CHAIN_GENERAL_FAILURE).
 * 4. `chain:signing-certificate-usage` — leaf not a CA, keyUsage present with digitalSignature or
 *    nonRepudiation (SIG_CONSTRAINTS_FAILURE). A missing keyUsage fails: signing certificates of the
 *    Government CA profile always carry it, and a certificate without one is not meant for signing.
 * 5. `chain:validity` — leaf within notBefore..notAfter at `at` (NOT_YET_VALID / EXPIRED); a CA outside
 *    its validity gives CERTIFICATE_CHAIN_GENERAL_FAILURE (shell model).
 * 6. `chain:revocation` — for every non-anchor certificate, OCSP then CRL (signature, issuer, window checked).
 *    Revoked at or before `at` → REVOKED. Revoked after `at` passes (recorded in the detail): validation is
 *    of the state at `at`, which the signature verifier chooses from a proof of existence (never the signer's
 *    claim) and maps to REVOKED_NO_POE / OUT_OF_BOUNDS_NO_POE (ETSI EN 319 102-1 §5.2.6, §5.3.4). No usable revocation data for a certificate that declares a CRL
 *    distribution point or OCSP location → TRY_LATER, with `revocationWanted` naming it (and any later
 *    certificate of the path also unanswered); a certificate declaring neither is not checked.
 *
 * Signature verifications and parsed keys are cached by fingerprint, so repeating a validation costs a few
 * hashes and map lookups; the time-dependent checks (validity, revocation windows) run on every call.
 */
export function validateChain(options: ValidateChainOptions): ChainValidationResult {
  if (!(options.at instanceof Date) || Number.isNaN(options.at.getTime())) throw new TypeError('at must be a valid Date');
  if (options.purpose !== 'signature') throw new TypeError(`unsupported purpose ${String(options.purpose)}`);
  const policy = options.policy ?? {};
  const at = options.at;
  const leaf = parseCertificate(options.leaf);
  const anchors = options.trustAnchors.map((a) => parseCertificate(a));
  const skipped: string[] = [];
  const intermediates = parseAllQuietly(options.intermediates, parseCertificate, skipped, 'certificate');
  const crls = parseAllQuietly<ParsedCrl>(options.crls, parseCrl, skipped, 'CRL');
  const ocsp = parseAllQuietly<ParsedOcspResponse>(options.ocspResponses, parseOcspResponse, skipped, 'OCSP response');

  const checks: Check[] = [];
  let first: { sub: SubIndication; reason: string } | undefined;
  const record = (name: string, failure: string | undefined, sub: SubIndication, passDetail?: string): void => {
    checks.push({ name, passed: failure === undefined, ...(failure !== undefined ? { detail: failure } : passDetail ? { detail: passDetail } : {}) });
    if (failure !== undefined && !first) first = { sub, reason: failure };
  };

  const built = anchors.length === 0 ? { reason: 'no trust anchor supplied' } : buildPath(leaf, intermediates, anchors);
  const skippedNote = skipped.length > 0 ? `skipped unparseable ${skipped.join(', ')}` : undefined;
  if (!built.path) {
    record('chain:path', [built.reason, skippedNote].filter(Boolean).join('; '), 'NO_CERTIFICATE_CHAIN_FOUND');
    return finish(false, first, [leaf], checks);
  }
  const path = built.path;
  record('chain:path', undefined, 'NO_CERTIFICATE_CHAIN_FOUND', [path.map((c) => c.subject).join(' → '), skippedNote].filter(Boolean).join('; '));
  record('chain:crypto-constraints', cryptoConstraints(path, policy), 'CRYPTO_CONSTRAINTS_FAILURE');
  const constraintFailure = chainConstraints(path);
  const criticalFailure = constraintFailure === undefined ? unprocessedCritical(path) : undefined;
  record('chain:constraints', constraintFailure ?? criticalFailure, constraintFailure ? 'CHAIN_CONSTRAINTS_FAILURE' : 'CERTIFICATE_CHAIN_GENERAL_FAILURE');
  record('chain:signing-certificate-usage', signingCertificateUsage(leaf), 'SIG_CONSTRAINTS_FAILURE');

  const leafWindow = within(leaf, at);
  if (leafWindow !== 'ok') {
    const failure = `${leaf.subject} is ${leafWindow === 'expired' ? `expired (notAfter ${leaf.notAfter.toISOString()})` : `not yet valid (notBefore ${leaf.notBefore.toISOString()})`} at ${at.toISOString()}`;
    record('chain:validity', failure, leafWindow === 'expired' ? 'EXPIRED' : 'NOT_YET_VALID');
  } else {
    const bad = path.slice(1).find((c) => within(c, at) !== 'ok');
    record('chain:validity', bad ? `CA certificate ${bad.subject} is outside its validity at ${at.toISOString()}` : undefined, 'CERTIFICATE_CHAIN_GENERAL_FAILURE');
  }

  const notes: string[] = [];
  let revocationFailure: { sub: SubIndication; reason: string } | undefined;
  let revoked: { at: Date; leaf: boolean } | undefined;
  const wanted: RevocationSubject[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    const cert = path[i] as ParsedCertificate;
    const issuer = path[i + 1] as ParsedCertificate;
    if (revocationFailure && revocationFailure.sub !== 'TRY_LATER') break;
    const st = revocationStatus({ cert, issuer, crls, ocsp, at, policy });
    if (st.status === 'unknown') wanted.push({ certificate: cert.der, issuer: issuer.der, ocspUrls: cert.ocspUrls });
    // After a first unknown only the further unknowns are gathered (what a retry needs); the first decides.
    if (revocationFailure) continue;
    switch (st.status) {
      case 'revoked':
        revoked = { at: st.entry.revocationDate, leaf: i === 0 };
        revocationFailure = {
          sub: 'REVOKED',
          reason: `${cert.subject} revoked at ${st.entry.revocationDate.toISOString()}${st.entry.reason ? ` (${st.entry.reason})` : ''}, per ${st.source}`,
        };
        break;
      case 'unknown':
        revocationFailure = { sub: 'TRY_LATER', reason: `no usable revocation data for ${cert.subject}: ${st.reason}` };
        break;
      case 'revoked-after':
        notes.push(`${cert.subject}: revoked at ${st.entry.revocationDate.toISOString()}, after the validation time`);
        break;
      case 'good':
        notes.push(`${cert.subject}: good per ${st.source}`);
        break;
      case 'not-required':
        notes.push(`${cert.subject}: no revocation source declared`);
        break;
    }
  }
  record('chain:revocation', revocationFailure?.reason, revocationFailure?.sub ?? 'TRY_LATER', notes.join('; '));
  const result = finish(first === undefined, first, path, checks);
  if (result.subIndication === 'TRY_LATER' && wanted.length > 0) return Object.freeze({ ...result, revocationWanted: Object.freeze(wanted) });
  if (!revoked || result.subIndication !== 'REVOKED') return result;
  return Object.freeze({ ...result, revokedAt: revoked.at, revokedIsLeaf: revoked.leaf });
}

function finish(
  ok: boolean,
  first: { sub: SubIndication; reason: string } | undefined,
  path: readonly ParsedCertificate[],
  checks: Check[],
): ChainValidationResult {
  if (ok || !first) return Object.freeze({ ok: true, indication: 'TOTAL_PASSED' as const, path, checks: Object.freeze(checks) });
  return Object.freeze({
    ok: false,
    indication: TOTAL_FAILED.has(first.sub) ? ('TOTAL_FAILED' as const) : ('INDETERMINATE' as const),
    subIndication: first.sub,
    reason: first.reason,
    path,
    checks: Object.freeze(checks),
  });
}
