import type { CertificateSummary, Check, Indication, PoeSource, RevocationSubject, SignatureReport, SubIndication, TimestampSummary } from './types.js';

/** The facts a verifier gathered, before they are frozen into a {@link SignatureReport}. */
export interface ReportFacts {
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly intact: boolean;
  readonly valid: boolean;
  readonly trusted: boolean;
  readonly signer?: CertificateSummary;
  readonly signerCertificate?: Uint8Array;
  readonly digestAlgorithm?: string;
  readonly signatureAlgorithm?: string;
  readonly claimedSigningTime?: Date | string;
  readonly validationTime: Date | string;
  readonly poe: PoeSource;
  readonly timestamp?: TimestampSummary;
  readonly checks: readonly Check[];
  readonly reason?: string;
  readonly revocationWanted?: readonly RevocationSubject[];
}

const TOTAL_FAILED_SUBS: ReadonlySet<SubIndication> = new Set<SubIndication>(['FORMAT_FAILURE', 'HASH_FAILURE', 'SIG_CRYPTO_FAILURE', 'REVOKED', 'EXPIRED', 'NOT_YET_VALID']);

function iso(t: Date | string): string {
  return typeof t === 'string' ? t : t.toISOString();
}

/**
 * Freezes the facts into a {@link SignatureReport} (ETSI EN 319 102-1 §5.1.3), refusing inconsistent ones
 * (programmer errors, TypeError): TOTAL_PASSED needs intact, valid and trusted and no sub-indication; any other
 * indication needs a sub-indication of its family. The signer's DER certificate is kept on the report but not
 * enumerable, so `JSON.stringify(report)` leaves it out. Shared by the CMS and PDF verifiers.
 */
export function buildReport(facts: ReportFacts): SignatureReport {
  const { indication, subIndication } = facts;
  if (indication === 'TOTAL_PASSED') {
    if (subIndication !== undefined || !facts.intact || !facts.valid || !facts.trusted) {
      throw new TypeError('TOTAL_PASSED needs intact, valid and trusted, and no sub-indication');
    }
  } else {
    if (subIndication === undefined) throw new TypeError(`${indication} needs a sub-indication`);
    if ((indication === 'TOTAL_FAILED') !== TOTAL_FAILED_SUBS.has(subIndication)) {
      throw new TypeError(`${subIndication} is not a sub-indication of ${indication}`);
    }
  }
  const checks = Object.freeze(facts.checks.map((c) => (Object.isFrozen(c) ? c : Object.freeze({ ...c }))));
  const report: Record<string, unknown> = {
    indication,
    ...(subIndication !== undefined ? { subIndication } : {}),
    intact: facts.intact,
    valid: facts.valid,
    trusted: facts.trusted,
    ...(facts.signer !== undefined ? { signer: Object.freeze({ ...facts.signer }) } : {}),
    ...(facts.digestAlgorithm !== undefined ? { digestAlgorithm: facts.digestAlgorithm } : {}),
    ...(facts.signatureAlgorithm !== undefined ? { signatureAlgorithm: facts.signatureAlgorithm } : {}),
    ...(facts.claimedSigningTime !== undefined ? { claimedSigningTime: iso(facts.claimedSigningTime) } : {}),
    validationTime: iso(facts.validationTime),
    poe: facts.poe,
    ...(facts.timestamp !== undefined ? { timestamp: Object.freeze({ ...facts.timestamp }) } : {}),
    checks,
    ...(facts.reason !== undefined && indication !== 'TOTAL_PASSED' ? { reason: facts.reason } : {}),
    ...(facts.revocationWanted?.length ? { revocationWanted: Object.freeze(facts.revocationWanted.map((w) => Object.freeze({ certificate: w.certificate, issuer: w.issuer, ocspUrls: Object.freeze([...w.ocspUrls]) }))) } : {}),
  };
  if (facts.signerCertificate !== undefined) {
    Object.defineProperty(report, 'signerCertificate', { value: facts.signerCertificate, enumerable: false });
  }
  return Object.freeze(report) as unknown as SignatureReport;
}

/** An ordered checklist a verifier fills step by step (X-Road style), then hands to {@link buildReport}. */
export class Checklist {
  readonly #checks: Check[] = [];

  pass(name: string, detail?: string): void {
    this.#checks.push(Object.freeze(detail === undefined ? { name, passed: true } : { name, passed: true, detail }));
  }

  fail(name: string, detail: string): void {
    this.#checks.push(Object.freeze({ name, passed: false, detail }));
  }

  get checks(): readonly Check[] {
    return this.#checks;
  }
}
