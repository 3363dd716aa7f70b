import { decodeCrls, parseCrl } from '../../crypto/index.js';
import type { Logger } from '../logger.js';

/** Somewhere CRLs come from: a file, a CRL distribution point URL, or the development CA issuing them. */
export interface CrlSource {
  /** For logs: the file, the URL, or "development CA". */
  readonly name: string;
  /** The source's CRLs now (DER). Throws when it cannot give them (the last good ones are kept). */
  load(now: Date): Promise<readonly Uint8Array[]>;
}

export interface CrlRefresher {
  /** The newest good CRLs of every source (what verification uses). */
  current(): readonly Uint8Array[];
  /** Loads every source now. Resolves when done; a failing source keeps its last good CRLs. */
  refresh(): Promise<void>;
  /** Loads the sources whose refresh is due at `now()` (what the schedule runs). */
  refreshDue(): Promise<void>;
  /** When the next refresh is due: the refresh interval, or earlier so no CRL reaches its nextUpdate. */
  nextDueAt(): Date;
  /** Refreshes now, then on schedule, until stop(). */
  start(): Promise<void>;
  stop(): void;
}

export interface CrlRefresherOptions {
  readonly sources: readonly CrlSource[];
  readonly now: () => Date;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** Longest time between two loads. */
  readonly intervalMs: number;
  /** After a failed load, try again this soon. Default a minute. */
  readonly retryMs?: number;
}

/** Refresh before nextUpdate by a tenth of the CRL's validity window (at least a minute, at most a day). */
function dueBefore(thisUpdate: Date, nextUpdate: Date): number {
  const window = nextUpdate.getTime() - thisUpdate.getTime();
  return nextUpdate.getTime() - Math.min(86_400_000, Math.max(60_000, window / 10));
}

/** setTimeout cannot wait longer than 2^31−1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps revocation data fresh (RFC 5280 §5.1.2.5: a CRL is current until its nextUpdate): every source is
 * loaded at start and again before the earliest nextUpdate of what it gave, or at the interval, whichever is
 * sooner. Verification reads `current()`; once data is stale the chain check says TRY_LATER and the receiver
 * waits (server/node/receive), so a refresh that fails is retried soon rather than ending the exchange.
 */
export function createCrlRefresher(options: CrlRefresherOptions): CrlRefresher {
  const retryMs = options.retryMs ?? 60_000;
  const held = new Map<CrlSource, { crls: readonly Uint8Array[]; dueAt: number }>();
  let merged: readonly Uint8Array[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const loadOne = async (source: CrlSource): Promise<void> => {
    const now = options.now().getTime();
    try {
      const crls = await source.load(new Date(now));
      let dueAt = now + options.intervalMs;
      for (const der of crls) {
        const c = parseCrl(der);
        if (c.nextUpdate) dueAt = Math.min(dueAt, Math.max(now + retryMs, dueBefore(c.thisUpdate, c.nextUpdate)));
      }
      held.set(source, { crls, dueAt });
    } catch (e) {
      const old = held.get(source);
      held.set(source, { crls: old?.crls ?? [], dueAt: now + retryMs });
      options.logger.warn({ err: e, source: source.name }, 'revocation data not refreshed; keeping the last good CRLs and retrying');
    }
  };
  const due = () => Math.min(...options.sources.map((s) => held.get(s)?.dueAt ?? 0));
  const schedule = () => {
    if (stopped) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(1000, due() - options.now().getTime()));
    timer = setTimeout(() => void refreshDue().finally(schedule), wait);
    timer.unref();
  };
  const remerge = () => {
    merged = Object.freeze(options.sources.flatMap((s) => held.get(s)?.crls ?? []));
  };
  const refreshDue = async () => {
    const now = options.now().getTime();
    await Promise.all(options.sources.filter((s) => (held.get(s)?.dueAt ?? 0) <= now).map(loadOne));
    remerge();
  };

  return {
    current: () => merged,
    async refresh() {
      await Promise.all(options.sources.map(loadOne));
      remerge();
    },
    refreshDue,
    nextDueAt: () => new Date(due()),
    async start() {
      await this.refresh();
      options.logger.info({ sources: options.sources.map((s) => s.name), crls: merged.length, nextRefresh: new Date(due()).toISOString() }, 'revocation data loaded');
      schedule();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** CRLs read from a file (PEM with one or more X509 CRL blocks, or one DER CRL), read again at each refresh. */
export function fileCrlSource(path: string, read: (path: string) => Promise<Uint8Array>): CrlSource {
  return { name: path, load: async () => decodeCrls(await read(path)) };
}

/** The largest CRL fetched from a URL. */
const MAX_CRL_BYTES = 20 * 1024 * 1024;

/** A CRL fetched from its distribution point (RFC 5280 §4.2.1.13: DER over HTTP), with a timeout and a size limit. */
export function urlCrlSource(url: string, timeoutMs = 30_000): CrlSource {
  return {
    name: url,
    async load() {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
      if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
      const length = Number(res.headers.get('content-length') ?? '0');
      if (length > MAX_CRL_BYTES) throw new Error(`CRL at ${url} is larger than ${MAX_CRL_BYTES} bytes`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length > MAX_CRL_BYTES) throw new Error(`CRL at ${url} is larger than ${MAX_CRL_BYTES} bytes`);
      return decodeCrls(bytes);
    },
  };
}
