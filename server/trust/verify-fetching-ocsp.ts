import { createHash } from 'node:crypto';
import type { RevocationSubject } from '../../crypto/index.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

/** What one {@link OcspFetcher.ensure} did. */
export interface OcspEnsureResult {
  /** Responses fetched and accepted by this call (now among the held responses verification reads). */
  readonly fetched: number;
  /** Why the others were not: a responder that failed or refused, a certificate with no responder. */
  readonly problems: readonly string[];
}

/** Fetches OCSP responses for certificates before they are needed (LIENTHONG_OCSP_URL or the certificates' AIA); server/trust/ocsp-cache.ts. */
export interface OcspFetcher {
  /** Never throws: what cannot be fetched is logged and named in `problems`; the held responses then lack it. */
  ensure(subjects: readonly RevocationSubject[]): Promise<OcspEnsureResult>;
}

/**
 * Most certificates one package may make a node or the axis ask OCSP responders about (each request under the
 * cache's own timeout, a round's requests at once): a signer's path and a TSA's path are a few certificates each.
 */
export const MAX_OCSP_SUBJECTS_PER_DOCUMENT = 8;

/** Verification rounds of one package that may fetch OCSP (package signature, PDF signatures, attachments). */
export const MAX_OCSP_ROUNDS = 4;

/** Where a verification pass puts the reports it got, so the certificates they name can be fetched for. */
export interface WantedRevocation {
  add(report: { readonly revocationWanted?: readonly RevocationSubject[] } | undefined): void;
}

/** The certificates the reports of one pass named as wanting revocation data, once each (by DER bytes). */
class Wanted implements WantedRevocation {
  readonly #byCert = new Map<string, RevocationSubject>();
  add(report: { readonly revocationWanted?: readonly RevocationSubject[] } | undefined): void {
    for (const w of report?.revocationWanted ?? []) {
      const key = createHash('sha256').update(w.certificate).digest('hex');
      if (!this.#byCert.has(key)) this.#byCert.set(key, w);
    }
  }
  entries(): [string, RevocationSubject][] {
    return [...this.#byCert.entries()];
  }
}

/**
 * Runs a verification pass of a package (received by a node, or submitted to the axis); when it ends in
 * ERR_REVOCATION_UNAVAILABLE (TRY_LATER, ETSI EN 319 102-1 §5.2.6) and there is an OCSP fetcher, asks it for the certificates the pass's reports
 * named (`revocationWanted`, gathered by the verifiers from paths built to a trust anchor: in the worker for
 * PDFs and XML, never by reading the untrusted file here), then runs the pass again. A pass stops at its
 * first TRY_LATER (the package signature before the PDF), so a later round may name further certificates;
 * at most {@link MAX_OCSP_SUBJECTS_PER_DOCUMENT} certificates and {@link MAX_OCSP_ROUNDS} rounds per package.
 * When nothing new could be fetched, the TRY_LATER is thrown with what OCSP said (a responder down, no
 * responder named): the caller waits (a node's delivery is verified again at a later poll; the axis answers
 * 503 so the sender's outbox retries), and the cache asks the responder again after its retry delay.
 */
export async function verifyFetchingOcsp<T>(deps: { readonly ocsp?: OcspFetcher | undefined; readonly logger?: Pick<Logger, 'info'> | undefined }, about: Record<string, unknown>, pass: (wanted: WantedRevocation) => Promise<T>): Promise<T> {
  const asked = new Set<string>();
  const problems: string[] = [];
  const withProblems = (e: DomainError) => (problems.length === 0 ? e : new DomainError('ERR_REVOCATION_UNAVAILABLE', `${e.message}; OCSP: ${problems.join('; ')}`));
  for (let round = 0; ; round++) {
    const wanted = new Wanted();
    try {
      return await pass(wanted);
    } catch (e) {
      if (!isDomainError(e, 'ERR_REVOCATION_UNAVAILABLE')) throw e;
      const fresh = wanted.entries().filter(([key]) => !asked.has(key));
      if (!deps.ocsp || fresh.length === 0 || round >= MAX_OCSP_ROUNDS) throw withProblems(e);
      const budget = MAX_OCSP_SUBJECTS_PER_DOCUMENT - asked.size;
      if (budget < fresh.length) problems.push(`${fresh.length - Math.max(0, budget)} certificate(s) not asked for (at most ${MAX_OCSP_SUBJECTS_PER_DOCUMENT} per package)`);
      if (budget <= 0) throw withProblems(e);
      const subjects = fresh.slice(0, budget);
      for (const [key] of subjects) asked.add(key);
      const got = await deps.ocsp.ensure(subjects.map(([, w]) => w));
      problems.push(...got.problems);
      deps.logger?.info({ ...about, asked: subjects.length, fetched: got.fetched, problems: got.problems }, 'verification wanted revocation data: OCSP asked');
      if (got.fetched === 0) throw withProblems(e);
    }
  }
}
