import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxFigures } from '../domain/ports/node/index.js';

/** Seconds; from a fast database command (0.5 ms) to a slow PDF verification (30 s). */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The service's Prometheus metrics, one registry per running service (tests run several in one process).
 * Every name is prefixed `lienthong_`; process metrics (CPU, memory, event-loop lag, GC) are the prom-client
 * defaults with the same prefix.
 */
export interface ServiceMetrics {
  readonly contentType: string;
  /** The text exposition format (what GET /metrics answers). */
  render(): Promise<string>;
  /** One HTTP request: `route` is the matched route pattern (never the raw URL: ids would explode the series). */
  observeHttp(route: string, method: string, status: number, seconds: number): void;
  observeDbCommand(name: string, ok: boolean, seconds: number): void;
  /** `kind`: `pdf` (a whole PAdES signing), `xml` (a package's enveloped XML signature in the pool), `key-seal` / `key-person` (one private-key operation). */
  observeSigning(kind: string, seconds: number): void;
  /** `indication`: the ETSI EN 319 102-1 indication of the report, or `ERROR` when verification threw. */
  observeVerification(kind: string, indication: string, seconds: number): void;
  /** A successful poll of the axis for `agency`, with the submission time of the oldest delivery still pending. */
  observePoll(agency: string, at: Date, oldestPending: Date | null): void;
  /** Reads the outbox on every scrape. */
  watchOutbox(read: () => Promise<OutboxFigures>): void;
}

export interface MetricsOptions {
  readonly now: () => Date;
  /** Also the process metrics (once per process in practice: the service, not each test app). */
  readonly processMetrics?: boolean;
}

/** Creates the registry and every metric of the service. */
export function createMetrics(options: MetricsOptions): ServiceMetrics {
  const register = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register, prefix: 'lienthong_' });
  const http = new Histogram({ name: 'lienthong_http_request_duration_seconds', help: 'HTTP requests by matched route, method and status', labelNames: ['route', 'method', 'status'], buckets: BUCKETS, registers: [register] });
  const db = new Histogram({ name: 'lienthong_db_command_duration_seconds', help: 'Database commands by command name and outcome', labelNames: ['command', 'ok'], buckets: BUCKETS, registers: [register] });
  const signing = new Histogram({ name: 'lienthong_signing_duration_seconds', help: 'Signatures made, by kind', labelNames: ['kind'], buckets: BUCKETS, registers: [register] });
  const verification = new Histogram({ name: 'lienthong_verification_duration_seconds', help: 'Signature verifications, by kind', labelNames: ['kind'], buckets: BUCKETS, registers: [register] });
  const outcomes = new Counter({ name: 'lienthong_verifications_total', help: 'Verification outcomes by kind and ETSI EN 319 102-1 indication', labelNames: ['kind', 'indication'], registers: [register] });
  const polls = new Map<string, { at: Date; oldestPending: Date | null }>();
  const age = (d: Date) => Math.max(0, (options.now().getTime() - d.getTime()) / 1000);
  new Gauge({
    name: 'lienthong_inbox_last_poll_age_seconds',
    help: 'Seconds since the last successful poll of the axis, per hosted agency',
    labelNames: ['agency'],
    registers: [register],
    collect() {
      for (const [agency, p] of polls) this.set({ agency }, age(p.at));
    },
  });
  new Gauge({
    name: 'lienthong_inbox_oldest_pending_seconds',
    help: 'Age of the oldest delivery the axis still holds for a hosted agency (0: none), as of the last poll',
    labelNames: ['agency'],
    registers: [register],
    collect() {
      for (const [agency, p] of polls) this.set({ agency }, p.oldestPending ? age(p.oldestPending) : 0);
    },
  });
  const outboxReaders: Array<() => Promise<OutboxFigures>> = [];
  let outboxRead: Promise<OutboxFigures[]> | undefined;
  // The three outbox gauges share one read per scrape.
  const figures = () => (outboxRead ??= Promise.all(outboxReaders.map((r) => r())).finally(() => setImmediate(() => (outboxRead = undefined))));
  const outboxGauge = (name: string, help: string, value: (f: OutboxFigures[]) => number) =>
    new Gauge({
      name,
      help,
      registers: [register],
      async collect() {
        if (outboxReaders.length === 0) return;
        this.set(value(await figures()));
      },
    });
  outboxGauge('lienthong_outbox_pending_messages', 'Messages waiting in the outbox for the axis', (f) => f.reduce((n, x) => n + x.pending, 0));
  outboxGauge('lienthong_outbox_oldest_pending_seconds', 'Age of the oldest message waiting in the outbox (0: none)', (f) => {
    const oldest = f
      .map((x) => x.oldestPendingSince)
      .filter((d): d is Date => d !== null)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    return oldest ? age(oldest) : 0;
  });
  outboxGauge('lienthong_outbox_failed_messages', 'Messages that failed after their last attempt (a clerk may retry them)', (f) => f.reduce((n, x) => n + x.failed, 0));

  return {
    get contentType() {
      return register.contentType;
    },
    render: () => register.metrics(),
    observeHttp: (route, method, status, seconds) => http.observe({ route, method, status: String(status) }, seconds),
    observeDbCommand: (name, ok, seconds) => db.observe({ command: name, ok: String(ok) }, seconds),
    observeSigning: (kind, seconds) => signing.observe({ kind }, seconds),
    observeVerification(kind, indication, seconds) {
      verification.observe({ kind }, seconds);
      outcomes.inc({ kind, indication });
    },
    observePoll: (agency, at, oldestPending) => void polls.set(agency, { at, oldestPending }),
    watchOutbox: (read) => void outboxReaders.push(read),
  };
}
