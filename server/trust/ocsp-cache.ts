import { createOcspRequest, isCryptoError, parseCertificate, readOcspReply } from '../../crypto/index.js';
import type { Logger } from '../logger.js';
import type { OcspEnsureResult } from './verify-fetching-ocsp.js';

/** A certificate whose status is wanted, its issuer (DER), and the responders its authorityInfoAccess names. */
export interface OcspSubject {
  readonly certificate: Uint8Array;
  readonly issuer: Uint8Array;
  readonly ocspUrls: readonly string[];
}

export interface OcspCache {
  /** The held responses that are still current (what verification and the DSS use). */
  current(): readonly Uint8Array[];
  /**
   * Fetches a response for every subject that has a responder (LIENTHONG_OCSP_URL, else its AIA) and holds
   * none, or one due for refresh. Never throws: a responder that fails is logged, named in `problems`, and
   * asked again after `retryMs` (not before: a document retried sooner gets the same answer without a request).
   */
  ensure(subjects: readonly OcspSubject[]): Promise<OcspEnsureResult>;
  /** Fetches again the held responses whose refresh is due (what the schedule runs). */
  refreshDue(): Promise<void>;
  /** Refreshes on schedule, before each response's nextUpdate, until stop(). */
  start(): void;
  stop(): void;
}

export interface OcspCacheOptions {
  /** LIENTHONG_OCSP_URL: ask this responder for every certificate, whatever its AIA says. */
  readonly url?: string;
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** Accept SHA-1 in responses (LIENTHONG_ALLOW_SHA1). */
  readonly allowSha1?: boolean;
  /** Per request, ms. Default 10 s. */
  readonly timeoutMs?: number;
  /** After a failed fetch, try again this soon. Default a minute. */
  readonly retryMs?: number;
  /** Most certificates held. Default 10 000. */
  readonly maxEntries?: number;
}

const MAX_RESPONSE_BYTES = 256 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Held {
  readonly subject: OcspSubject;
  response?: Uint8Array;
  /** When the response stops being current (its nextUpdate). */
  expiresAt: number;
  dueAt: number;
  /** Why the last fetch failed (cleared by a good one). */
  lastProblem?: string;
}

/** Ask again before nextUpdate by a tenth of the response's validity window (at least a minute, at most a day), as for CRLs. */
function dueBefore(thisUpdate: number, nextUpdate: number): number {
  return nextUpdate - Math.min(86_400_000, Math.max(60_000, (nextUpdate - thisUpdate) / 10));
}

/**
 * OCSP as a revocation source (RFC 6960 over HTTP POST, Appendix A.1): a fresh request per certificate
 * (SHA-256 CertID, nonce), the reply checked against it (crypto/ocsp readOcspReply: nonce, responder
 * authorized by the issuer, current now), held until its nextUpdate and fetched again before it, like the
 * CRL refresher. A response without nextUpdate is used once and asked for again at the next need.
 */
export function createOcspCache(options: OcspCacheOptions): OcspCache {
  const retryMs = options.retryMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const held = new Map<string, Held>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;

  const urlOf = (s: OcspSubject): string | undefined => options.url ?? s.ocspUrls.find((u) => /^https?:\/\//.test(u));

  const fetchOne = async (entry: Held): Promise<string | undefined> => {
    const url = urlOf(entry.subject)!;
    const started = options.now().getTime();
    try {
      const request = createOcspRequest(entry.subject.certificate, entry.subject.issuer);
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
        body: Buffer.from(request.der),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!r.ok) {
        await r.body?.cancel();
        throw new Error(`OCSP responder ${url} answered ${r.status}`);
      }
      const body = new Uint8Array(await r.arrayBuffer());
      if (body.length > MAX_RESPONSE_BYTES) throw new Error(`OCSP response from ${url} is larger than ${MAX_RESPONSE_BYTES} bytes`);
      const now = options.now();
      const reply = readOcspReply(body, request, { at: now, policy: { allowSha1: options.allowSha1 === true } });
      entry.response = body;
      const next = reply.nextUpdate?.getTime();
      entry.expiresAt = next ?? now.getTime();
      entry.dueAt = next !== undefined ? Math.max(now.getTime() + retryMs, dueBefore(reply.thisUpdate.getTime(), next)) : now.getTime();
      entry.lastProblem = undefined;
      return undefined;
    } catch (e) {
      entry.dueAt = started + retryMs;
      const why = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : isCryptoError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      entry.lastProblem = `OCSP responder ${url}: ${why}`;
      options.logger.warn({ err: e, responder: url }, 'OCSP response not fetched; keeping the last good one and retrying');
      return entry.lastProblem;
    }
  };

  const keyOf = (s: OcspSubject) => parseCertificate(s.certificate).sha256;
  const describe = (s: OcspSubject) => {
    try {
      return parseCertificate(s.certificate).subject;
    } catch {
      return 'an unreadable certificate';
    }
  };
  const schedule = () => {
    if (stopped) return;
    const due = Math.min(...[...held.values()].map((h) => h.dueAt), options.now().getTime() + 3_600_000);
    timer = setTimeout(() => void cache.refreshDue().finally(schedule), Math.min(MAX_TIMER_MS, Math.max(1000, due - options.now().getTime())));
    timer.unref();
  };

  const cache: OcspCache = {
    current() {
      const now = options.now().getTime();
      return [...held.values()].filter((h) => h.response && h.expiresAt >= now).map((h) => h.response!);
    },
    async ensure(subjects) {
      const now = options.now().getTime();
      const work: Held[] = [];
      const problems: string[] = [];
      for (const s of subjects) {
        if (!urlOf(s)) {
          problems.push(`no OCSP responder for ${describe(s)}: its certificate names none (AIA) and LIENTHONG_OCSP_URL is not set`);
          continue;
        }
        const key = keyOf(s);
        let entry = held.get(key);
        if (!entry) {
          if (held.size >= maxEntries) held.delete(held.keys().next().value!);
          entry = { subject: s, expiresAt: 0, dueAt: 0 };
          held.set(key, entry);
        }
        if (entry.dueAt <= now && !work.includes(entry)) work.push(entry);
        else if (entry.lastProblem && !work.includes(entry)) problems.push(`${entry.lastProblem} (asked again after ${new Date(entry.dueAt).toISOString()})`);
      }
      const failed = (await Promise.all(work.map(fetchOne))).filter((p): p is string => p !== undefined);
      return { fetched: work.length - failed.length, problems: [...problems, ...failed] };
    },
    async refreshDue() {
      const now = options.now().getTime();
      await Promise.all([...held.values()].filter((h) => h.dueAt <= now && h.response).map(fetchOne));
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
  return cache;
}
