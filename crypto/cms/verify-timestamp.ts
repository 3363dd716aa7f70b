import type { TrustAtNow } from '../pki/trust-material.js';
import type { SignatureReport, TimestampSummary } from '../report/types.js';
import { digestOf } from './verify-signature-value.js';
import { CryptoError } from '../errors.js';
import { OID } from './oids.js';
import { parseSignedData } from './parse-signed-data.js';
import { readTstInfo, tsaCertificateProblem, type TstInfoFacts } from './tst-info.js';
import { parseCertificate } from '../pki/index.js';
import { equalBytes } from './verify-state.js';
import type { DetachedContent, VerifyDetachedOptions } from './types.js';

/** Options of {@link verifyTimestampToken}; `trustAnchors` are the roots for the TSA's certificate. */
export interface VerifyTimestampTokenOptions extends TrustAtNow {
  /** The time the TSA's certificate is validated at (the current time unless a later POE covers the token). */
  readonly at: Date;
  readonly policy?: VerifyDetachedOptions['policy'];
  /** When given (a fresh reply to our request), the nonce must be this (hex of the INTEGER contents). */
  readonly nonce?: string;
}

/** The outcome of {@link verifyTimestampToken}: a verified genTime, or the reason it is not one. */
export type TimestampVerification =
  { readonly ok: true; readonly genTime: Date; readonly summary: TimestampSummary; readonly info: TstInfoFacts; readonly report: SignatureReport } | { readonly ok: false; readonly reason: string; readonly report?: SignatureReport };

export type CmsVerifier = (signature: Uint8Array, input: DetachedContent, options: VerifyDetachedOptions) => SignatureReport;

/**
 * Verifies an RFC 3161 timestamp token over `data` (for a signature-time-stamp, the SignerInfo's signature
 * value, RFC 3161 Appendix A): the token is a SignedData over an id-ct-TSTInfo (§2.4.2), its signature and the
 * TSA chain verified by the CMS core at `at` (with revocation), the TSA certificate limited to critical
 * id-kp-timeStamping (§2.3), the ESS signing-certificate(-v2) present and naming it (RFC 3161 §2.4.1,
 * RFC 5816), the messageImprint equal to the hash of `data`, the nonce equal when one was sent.
 * Returns a result; never throws for a bad token.
 */
export function verifyTimestampTokenWith(verify: CmsVerifier, token: Uint8Array, data: Uint8Array, options: VerifyTimestampTokenOptions): TimestampVerification {
  let eContent: Uint8Array | undefined;
  let hasEss: boolean;
  try {
    const parsed = parseSignedData(token);
    if (parsed.eContentType !== OID.tstInfo) return { ok: false, reason: `the token's content type ${parsed.eContentType} is not id-ct-TSTInfo` };
    eContent = parsed.eContent;
    const attrs = parsed.signerInfos[0]?.signedAttributes ?? [];
    hasEss = attrs.some((a) => a.oid === OID.signingCertificateV2 || a.oid === OID.signingCertificate);
  } catch (e) {
    return { ok: false, reason: `the token is not a CMS SignedData (${e instanceof CryptoError ? e.code : 'error'})` };
  }
  if (!eContent) return { ok: false, reason: 'the token carries no TSTInfo' };
  if (!hasEss) return { ok: false, reason: 'the token has no ESS signing-certificate(-v2) attribute (RFC 3161 §2.4.1)' };
  let info: TstInfoFacts;
  try {
    info = readTstInfo(eContent);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  if (!info.hash) return { ok: false, reason: `unsupported messageImprint hash ${info.hashOid}` };
  if (info.hash === 'SHA-1' && options.policy?.allowSha1 !== true) return { ok: false, reason: 'SHA-1 messageImprint refused by the algorithm policy' };
  if (!equalBytes(info.hashedMessage, digestOf(info.hash, data))) return { ok: false, reason: 'the messageImprint is not the hash of the time-stamped data' };
  if (options.nonce !== undefined && info.nonce !== options.nonce) return { ok: false, reason: 'the nonce differs from the request' };
  let report: SignatureReport;
  try {
    report = verify(
      token,
      { content: eContent },
      {
        trustAnchors: options.trustAnchors,
        now: options.now,
        at: options.at,
        ...(options.intermediates ? { intermediates: options.intermediates } : {}),
        ...(options.crls ? { crls: options.crls } : {}),
        ...(options.ocspResponses ? { ocspResponses: options.ocspResponses } : {}),
        ...(options.policy ? { policy: options.policy } : {}),
      },
    );
  } catch (e) {
    return { ok: false, reason: `the token cannot be verified (${e instanceof CryptoError ? e.code : 'error'})` };
  }
  if (report.indication !== 'TOTAL_PASSED') {
    return { ok: false, reason: `the token's signature: ${report.indication}/${report.subIndication ?? '-'}${report.reason ? `: ${report.reason}` : ''}`, report };
  }
  const problem = report.signerCertificate ? tsaCertificateProblem(parseCertificate(report.signerCertificate)) : 'no TSA certificate';
  if (problem) return { ok: false, reason: problem, report };
  const summary: TimestampSummary = {
    genTime: info.genTime.toISOString(),
    tsa: report.signer?.subject ?? '',
    serialNumber: info.serialNumber,
    hashAlgorithm: info.hash,
  };
  return { ok: true, genTime: info.genTime, summary, info, report };
}
