import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevelopmentPki, signPdf, verifyPdf } from '../../../crypto/index.js';
import { startService, type RunningService } from '../../../server/compose/index.js';
import { loadConfig } from '../../../server/config/config.js';
import { buildEdocPackage, formatEdxmlTimestamp, signPackage, verifyPackageSignature, type EdocPackage } from '../../../server/domain/edxml/index.js';
import { createLogger } from '../../../server/logger.js';
import { getDocument, login, sendDocument, type Session } from '../exchange/clerk-client.js';
import { benchMetadata, makePdf, mean, percentile } from '../exchange/fixture.js';
import { createDatabaseTally } from '../exchange/database-tally.js';
import { childProcessCpu, cpuSince } from '../exchange/process-cpu.js';
import { startCpuProfile } from '../exchange/cpu-profile.js';
import type { BenchContext, BenchSuite } from '../harness.js';

const SENDER = '000.00.00.G22';
/**
 * Seeded deliveries go to a code no node polls: created pending and acknowledged a moment later, they would
 * otherwise be pulled by the receiver in between. On FerretDB 1.x (filters in Go over every row) they weigh on
 * the receiver's pending scan all the same; on MongoDB the index would skip them.
 */
const HISTORY_RECIPIENT = '000.00.00.Z99' as never;
const RECEIVER = '000.00.00.H27';
const PDF_BYTES = 100 * 1024;
const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
/** Documents measured, documents of warm-up, requests in flight (override with BENCH_EXCHANGE_*). */
const DOCS = envInt('BENCH_EXCHANGE_DOCS', 12);
const WARMUP = envInt('BENCH_EXCHANGE_WARMUP', 3);
const IN_FLIGHT = envInt('BENCH_EXCHANGE_CONCURRENCY', 4);
const POLL_MS = envInt('BENCH_EXCHANGE_POLL_INTERVAL_MS', 200);
/** Documents stored through the repositories before the second batch (`exchange.e2e.100k.after10k`); 0 skips it. */
const HISTORY = process.env.BENCH_EXCHANGE_HISTORY === '0' ? 0 : envInt('BENCH_EXCHANGE_HISTORY', 10_000);
/** One-document-at-a-time sends on the idle service (after the warm-up), for `exchange.idle.100k`. */
const IDLE_DOCS = envInt('BENCH_EXCHANGE_IDLE_DOCS', 3);
/** How often the receiver's clerk lists the inbox; the e2e end is the server's own stored-at time, so this only adds load. */
const WATCH_MS = 500;
const IDLE_PROBE_MS = 3000;
/**
 * BENCH_EXCHANGE_DB_COMMANDS=1 counts the service's database commands by collection (driver command
 * monitoring). Off by default: with it on, runs here were about 10% slower, inside the run-to-run noise.
 */
const DB_COMMANDS = process.env.BENCH_EXCHANGE_DB_COMMANDS === '1';
/** How many (command, collection) pairs the census prints, costliest first. */
const DB_TOP = 40;
/** BENCH_EXCHANGE_VERBOSE=1 prints each document's progress on stderr. */
const VERBOSE = process.env.BENCH_EXCHANGE_VERBOSE === '1';
/**
 * BENCH_EXCHANGE_CPU_PROFILE=<file.cpuprofile> writes a V8 CPU profile of this process (the whole service:
 * node, axis, workers' dispatch, HTTP; not the worker threads) over the measured batch only, for Chrome
 * DevTools or `node dist/scripts/bench/profile-top.js <file>`; the idle probe's profile goes beside it (`.idle.cpuprofile`).
 */
const CPU_PROFILE = process.env.BENCH_EXCHANGE_CPU_PROFILE || undefined;
/** A batch fails when its documents are not all in the inbox by then. */
const batchTimeoutMs = (count: number) => 30_000 + 10_000 * count;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (n: number) => `${n.toFixed(0)} ms`;

interface Sent {
  readonly n: number;
  readonly startedAt: number;
  readonly postMs: number;
  readonly id: string;
  readonly documentId: string;
}

interface Arrived {
  readonly inboxId: string;
  /** Server clock (same process): when the receiver stored the verified document. */
  readonly storedAt: number;
  /** Watcher's clock: when the watcher first found it stored in the inbox. */
  readonly seenAt: number;
}

interface Batch {
  readonly sent: Sent[];
  readonly arrived: Map<string, Arrived>;
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * Sends `count` documents with at most IN_FLIGHT requests at once while the watcher looks for each of them in the
 * receiver's inbox. The watcher looks each awaited document up by its DocumentId through the repositories (an
 * indexed lookup), not through the HTTP listing: on FerretDB 1.x a listing reads the whole box to sort it (no
 * sort pushdown), so a watcher paging through a 10,000-document inbox every WATCH_MS measured itself, not the
 * exchange (the after-history batch did not finish in 20 minutes).
 */
async function runBatch(input: { leader: Session; receiver: Session; inbox: RunningService['history']['documents']; pdf: Uint8Array; firstN: number; count: number; inFlight: number; date: string; notation: string; runId: string }): Promise<Batch> {
  const sent: Sent[] = [];
  const arrived = new Map<string, Arrived>();
  const startedAt = Date.now();
  let next = 0;
  let failure: unknown;
  const sender = async (): Promise<void> => {
    while (next < input.count && failure === undefined) {
      const n = input.firstN + next++;
      const t0 = Date.now();
      const h0 = process.hrtime.bigint();
      try {
        const r = await sendDocument(input.leader, {
          pdf: input.pdf,
          fileName: `bench-${n}.pdf`,
          metadata: benchMetadata({ to: RECEIVER, n, date: input.date, notation: input.notation, personSignature: 'apply' }),
          idempotencyKey: `bench-${input.runId}-${n}`,
        });
        sent.push({ n, startedAt: t0, postMs: Number(process.hrtime.bigint() - h0) / 1e6, id: r.id, documentId: r.documentId });
        if (VERBOSE) process.stderr.write(`exchange: +${Date.now() - startedAt} ms posted #${n} (${(Number(process.hrtime.bigint() - h0) / 1e6).toFixed(0)} ms)\n`);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  const senders = Promise.all(Array.from({ length: Math.min(input.inFlight, input.count) }, sender));
  let sendersDone = false;
  void senders.then(() => (sendersDone = true));
  const deadline = startedAt + batchTimeoutMs(input.count);
  for (;;) {
    if (failure !== undefined) throw failure;
    const awaited = sent.filter((s) => !arrived.has(s.documentId));
    const found = await Promise.all(awaited.map((s) => input.inbox.findByDocumentId(RECEIVER as never, 'inbox', s.documentId)));
    const now = Date.now();
    for (const it of found) {
      if (!it || arrived.has(it.documentId)) continue;
      if (it.verification.verdict !== 'accepted' || it.verification.signatureLevel !== 'signed') {
        const d = await getDocument(input.receiver, it.id);
        throw new Error(`exchange: the receiver refused ${it.documentId}: verdict ${it.verification.verdict}, level ${it.verification.signatureLevel}, ${d.validation.reasonCode ?? ''} ${d.validation.reason ?? ''}`);
      }
      arrived.set(it.documentId, { inboxId: it.id, storedAt: it.createdAt.getTime(), seenAt: now });
      if (VERBOSE) process.stderr.write(`exchange: +${now - startedAt} ms in inbox ${it.documentId} (stored +${it.createdAt.getTime() - startedAt} ms)\n`);
    }
    if (sendersDone && arrived.size === input.count) break;
    if (now > deadline) {
      const missing = sent.filter((s) => !arrived.has(s.documentId));
      const states = await Promise.all(
        missing.slice(0, 3).map(async (s) => {
          const d = await getDocument(input.leader, s.id);
          return `${s.documentId}: ${d.messages.map((m) => `${m.kind} ${m.state}${m.lastError ? ` ${JSON.stringify(m.lastError)}` : ''}`).join(', ')}`;
        }),
      );
      throw new Error(`exchange: ${missing.length} of ${input.count} documents not in the receiver's inbox after ${batchTimeoutMs(input.count)} ms; sender side: ${states.join('; ')}`);
    }
    await sleep(WATCH_MS);
  }
  await senders;
  const endedAt = Math.max(...[...arrived.values()].map((a) => a.storedAt));
  return { sent, arrived, startedAt, endedAt };
}

interface Phase {
  readonly name: string;
  readonly values: number[];
  readonly what: string;
}

/** Splits each document's latency by the node's own timestamps (one process, one clock). */
async function phasesOf(batch: Batch, leader: Session, receiver: Session): Promise<Phase[]> {
  const post: number[] = [];
  const queued: number[] = [];
  const transport: number[] = [];
  const verify: number[] = [];
  const visible: number[] = [];
  for (const s of batch.sent) {
    const a = batch.arrived.get(s.documentId)!;
    const out = await getDocument(leader, s.id);
    const inb = await getDocument(receiver, a.inboxId);
    const edoc = out.messages.find((m) => m.kind === 'edoc');
    if (!edoc?.sentAt) throw new Error(`exchange: ${s.documentId} has no sentAt on its edoc message`);
    const posted = s.startedAt + s.postMs;
    const sentAt = Date.parse(edoc.sentAt);
    const verifyStart = Date.parse(inb.validation.verifiedAt);
    post.push(s.postMs);
    queued.push(sentAt - posted);
    transport.push(verifyStart - sentAt);
    verify.push(a.storedAt - verifyStart);
    visible.push(a.seenAt - a.storedAt);
  }
  return [
    { name: 'post', values: post, what: 'POST /documents: verify, person sign, seal, verify, edXML build+sign, store (HTTP + DB)' },
    { name: 'queued', values: queued, what: 'answered → outbox dispatched to the axis (dispatcher wait + axis submit, which verifies the package)' },
    { name: 'transport', values: transport, what: 'accepted by the axis → downloaded by the receiver (poll wait + list + download)' },
    { name: 'inbound', values: verify, what: 'receiver: package + PDF verification, status 01 prepared' },
    { name: 'watch', values: visible, what: `stored → seen by the benchmark's inbox listing (its own ${WATCH_MS} ms polling; not in the e2e figure)` },
  ];
}

/**
 * Stores `count` past documents through the repositories (not HTTP): for each, the sender's outbox copy, the
 * receiver's inbox copy, the axis submission and its acknowledged delivery, cloned from documents of the batch
 * just measured (same sizes and fields), older than them, under new ids. Returns the seconds it took.
 */
async function seedHistory(service: RunningService, batch: Batch, count: number): Promise<number> {
  const t0 = Date.now();
  const h = service.history;
  const models = await Promise.all(
    batch.sent.slice(0, 4).map(async (s) => {
      const out = await h.documents.findById(s.id);
      const inb = await h.documents.findById(batch.arrived.get(s.documentId)!.inboxId);
      const axisDocId = inb?.axisDocId ?? out?.outgoing.find((m) => m.kind === 'edoc')?.axisDocId;
      if (!out || !inb || !axisDocId) throw new Error(`exchange: no stored copies of ${s.documentId} to seed history from`);
      const sub = await h.submissions.findByDocId(axisDocId);
      const del = await h.deliveries.find(axisDocId, RECEIVER as never);
      if (!sub || !del) throw new Error(`exchange: no axis records of ${s.documentId} to seed history from`);
      return { out, inb, sub, del };
    }),
  );
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const m = models[i % models.length]!;
      const tag = `#h${i}`;
      const at = new Date(m.out.createdAt.getTime() - 1000 * (count - i));
      // The axis's ids are UUIDs (its API checks them); the delivery is acknowledged right after it is created.
      const axisDocId = randomUUID();
      const documentId = `${m.out.documentId}${tag}`;
      // History is settled: nothing left to dispatch or to count. A model read a moment after its batch may still
      // have a status due or a count pending (counting runs in batches); cloned as it is, 10,000 copies would
      // have had the dispatcher and the reconciler working through them during the measured batch.
      const clone = <T extends { id: string; dedupKey: string; documentId: string; createdAt: Date; updatedAt: Date }>(d: T): T => ({
        ...d,
        id: `${d.id}${tag}`,
        dedupKey: `${d.dedupKey}${tag}`,
        documentId,
        axisDocId,
        createdAt: at,
        updatedAt: at,
        dispatchDue: null,
        dispatchLease: null,
        countPending: false,
      });
      await h.documents.insert(clone(m.out));
      await h.documents.insert(clone(m.inb));
      await h.submissions.insert({ ...m.sub, docId: axisDocId, packageKey: `${m.sub.packageKey}${tag}`, documentId, submittedAt: at } as typeof m.sub);
      await h.deliveries.ensure([{ docId: axisDocId, recipient: HISTORY_RECIPIENT, sender: m.del.sender, type: m.del.type, documentId, sha256: m.del.sha256, size: m.del.size, submittedAt: at }]);
      await h.deliveries.acknowledge(axisDocId, HISTORY_RECIPIENT, 'done', at);
      if (VERBOSE && i % 1000 === 0) process.stderr.write(`exchange: seeded ${i} of ${count} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return (Date.now() - t0) / 1000;
}

/** The crypto steps of one exchange, timed alone on the same 100 KB file with the same kind of keys. */
async function measureSteps(ctx: BenchContext, pdf: Uint8Array, font: Uint8Array | undefined): Promise<Map<string, number>> {
  const now = new Date();
  const dev = await createDevelopmentPki({ now: new Date(now.getTime() - 60_000), agencies: [{ code: SENDER, name: 'Bench sender' }] });
  const agency = dev.agencies[0]!;
  const trust = { trustAnchors: [dev.root.certificate], crls: [dev.crl, dev.rootCrl], now };
  const f = font ? { font } : {};
  const personOpts = { identity: agency.person.identity, role: 'signer' as const, signingTime: now, reason: 'Ký số văn bản', appearance: { name: 'Lãnh đạo (DEV)', title: 'Chủ tịch', ...f } };
  const one = (await signPdf(pdf, personOpts)).pdf;
  const sealOpts = { identity: agency.seal.identity, role: 'seal' as const, signingTime: now, reason: 'Ký số của cơ quan, tổ chức', appearance: { name: 'Bench sender', ...f } };
  const two = (await signPdf(one, sealOpts)).pdf;
  const check = await verifyPdf(two, trust);
  if (check.indication !== 'TOTAL_PASSED') throw new Error(`exchange: the step fixture does not verify: ${check.explanation}`);
  const pkg: EdocPackage = {
    MessageHeader: {
      From: { OrganId: SENDER as never, OrganName: 'Bench sender' },
      To: [{ OrganId: RECEIVER as never, OrganName: 'Bench receiver' }],
      DocumentId: `${SENDER},2026/11/23,1/UBND-VP`,
      Code: { CodeNumber: '1', CodeNotation: 'UBND-VP' },
      PromulgationInfo: { Place: 'Hà Nội', PromulgationDate: '2026/11/23' },
      DocumentType: { Type: 1, TypeName: 'Công văn' },
      Subject: 'Văn bản đo hiệu năng',
      SignerInfo: { FullName: 'Nguyễn Văn Bench', Position: 'Chủ tịch' },
      ToPlaces: [],
      OtherInfo: { Priority: 0 },
      ResponseFor: [],
    },
    TraceHeaderList: { TraceHeader: [{ OrganId: SENDER as never, Timestamp: formatEdxmlTimestamp(now) }], Bussiness: { BussinessDocType: 0, Paper: 0 } },
    Attachments: [{ ContentId: 'cid:document-1', AttachmentName: 'bench.pdf', ContentType: 'application/pdf', Description: 'bench', Content: two, Zipped: false }],
  } as EdocPackage;
  const bytes = buildEdocPackage(pkg);
  const sig = await signPackage(bytes, agency.seal.identity, now);
  const pkgCheck = await verifyPackageSignature(bytes, sig, trust);
  if (pkgCheck.indication !== 'TOTAL_PASSED') throw new Error(`exchange: the step package does not verify: ${pkgCheck.indication}`);

  const steps = new Map<string, number>();
  const step = async (name: string, fn: () => unknown, note: string) => {
    const c = await ctx.measure(`exchange.step.${name}`, fn, { note });
    steps.set(name, c.meanMicros / 1000);
  };
  await step('sign.person.100k', () => signPdf(pdf, personOpts), 'signPdf as the leader, visible, Vietnamese font');
  await step('sign.seal.100k', () => signPdf(one, sealOpts), 'signPdf seal over the person-signed file');
  await step('verify.2sig.100k', () => verifyPdf(two, trust), 'verifyPdf of the two-signature result');
  await step('edxml.build+sign', async () => signPackage(buildEdocPackage(pkg), agency.seal.identity, now), `edXML ${(bytes.length / 1024).toFixed(0)} KB (base64 PDF) + CAdES`);
  await step('edxml.verify', () => verifyPackageSignature(bytes, sig, trust), 'package signature, chain + CRL');
  return steps;
}

function loadFont(): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(createRequire(import.meta.url).resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf')));
  } catch {
    return undefined;
  }
}

/**
 * End to end (issue 5 §5): `POST /api/v1/documents` by the sender's leader ("personSignature": "apply", so the
 * node signs as the person, then seals) to the document verified in the receiver's inbox, with the whole
 * service (`--role all`: axis + node + workers, one process) started in this process on a throw-away data
 * folder. Then the crypto steps alone, to say where the time goes.
 */
export const suite: BenchSuite = {
  name: 'exchange',
  async run(ctx) {
    const here = dirname(fileURLToPath(import.meta.url));
    const repo = resolve(here, '../../../..');
    const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-bench-exchange-'));
    // Passable (not readable) by others: run as root, the embedded PostgreSQL runs as `nobody` in a folder below.
    chmodSync(dataDir, 0o711);
    const runId = randomBytes(4).toString('hex');
    const password = `bench-${randomBytes(9).toString('base64url')}`;
    const toolsBefore = process.env.LIENTHONG_TOOLS_DIR;
    process.env.LIENTHONG_TOOLS_DIR ??= join(repo, '.data', 'tools');
    const config = loadConfig({
      PORT: '0',
      LIENTHONG_ROLE: 'all',
      LIENTHONG_DATA_DIR: dataDir,
      // FerretDB's storage for the embedded server: postgresql or sqlite (unset: the service's default)
      ...(process.env.LIENTHONG_EMBEDDED_BACKEND ? { LIENTHONG_EMBEDDED_BACKEND: process.env.LIENTHONG_EMBEDDED_BACKEND } : {}),
      // a loaded machine can stretch one signing past the 15 s default
      ...(process.env.LIENTHONG_PDF_TIMEOUT_MS ? { LIENTHONG_PDF_TIMEOUT_MS: process.env.LIENTHONG_PDF_TIMEOUT_MS } : {}),
      LIENTHONG_POLL_INTERVAL_MS: String(POLL_MS),
      LIENTHONG_DEMO_PASSWORD: password,
      LIENTHONG_LOG_LEVEL: 'warn',
      // a loaded machine may need a longer worker deadline than the default 15 s
      ...(process.env.LIENTHONG_PDF_TIMEOUT_MS ? { LIENTHONG_PDF_TIMEOUT_MS: process.env.LIENTHONG_PDF_TIMEOUT_MS } : {}),
      // an external database gets its own database name, never the default one
      ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI, LIENTHONG_DB_NAME: `bench_exchange_${runId}` } : {}),
    });
    const logger = createLogger({ level: config.logLevel, name: 'bench-exchange' }, process.stderr);
    const pdf = await makePdf(PDF_BYTES);
    const font = loadFont();
    let service: RunningService | undefined;
    let batch: Batch;
    let phases: Phase[];
    let startupMs: number;
    let database: string;
    const idle: number[] = [];
    const dbTally = createDatabaseTally();
    let usage: { nodeMs: number; children: Map<string, number>; elu: number };
    let background: { nodeMsPerSec: number; children: Map<string, number> };
    let later: Batch | undefined;
    let seedSeconds = 0;
    let laterCommands = 0;
    let laterUsage: { nodeMs: number; children: Map<string, number> } | undefined;
    let firstCommands = { count: 0, millis: 0, top: [] as { key: string; count: number; millis: number }[] };
    /** Commands per second of the idle service (pollers and dispatcher finding nothing), counted during the idle probe. */
    let idleCommands = { perSecond: 0, top: [] as { key: string; count: number; millis: number }[] };
    let batchSeconds = 0;
    try {
      const t0 = Date.now();
      service = await startService(config, logger, DB_COMMANDS ? { onDatabaseCommand: (c) => dbTally.onCommand(c) } : {});
      startupMs = Date.now() - t0;
      database =
        service.banner
          .find((l) => l.includes('database:'))
          ?.replace(/^\s*database:\s*/, '')
          .replace(/ \(data in .*\)$/, '') ?? '';
      const leader = await login(service.url, SENDER, 'lanhdao', password);
      const receiver = await login(service.url, RECEIVER, 'vanthu', password);
      const date = new Date().toISOString().slice(0, 10);
      const notation = `BENCH-${runId.toUpperCase()}`;
      const common = { leader, receiver, inbox: service.history.documents, pdf, date, notation, runId };
      // Warm-up, then one document at a time, each waited for: the latency of an idle service.
      for (let i = 1; i <= WARMUP; i++) await runBatch({ ...common, firstN: i, count: 1, inFlight: 1 });
      for (let i = 1; i <= IDLE_DOCS; i++) {
        await sleep(POLL_MS * 2);
        const w = await runBatch({ ...common, firstN: WARMUP + i, count: 1, inFlight: 1 });
        idle.push(w.endedAt - w.sent[0]!.startedAt);
      }
      // The background cost of an idle service (workers polling every POLL_MS), to set against the batch.
      const idle0 = childProcessCpu();
      const idleCpu0 = process.cpuUsage();
      dbTally.reset();
      dbTally.start();
      const idleProfiler = CPU_PROFILE ? await startCpuProfile() : undefined;
      await sleep(IDLE_PROBE_MS);
      if (idleProfiler) await idleProfiler.stopInto(CPU_PROFILE!.replace(/(\.cpuprofile)?$/, '.idle.cpuprofile'));
      dbTally.stop();
      idleCommands = { perSecond: (dbTally.total().count / IDLE_PROBE_MS) * 1000, top: dbTally.top(20, IDLE_PROBE_MS / 1000) };
      dbTally.reset();
      const idleCpu = process.cpuUsage(idleCpu0);
      background = { nodeMsPerSec: ((idleCpu.user + idleCpu.system) / 1000 / IDLE_PROBE_MS) * 1000, children: new Map([...cpuSince(idle0, childProcessCpu())].map(([k, v]) => [k, (v / IDLE_PROBE_MS) * 1000])) };
      const cpu0 = process.cpuUsage();
      const children0 = childProcessCpu();
      const elu0 = performance.eventLoopUtilization();
      dbTally.start();
      const profiler = CPU_PROFILE ? await startCpuProfile() : undefined;
      batch = await runBatch({ ...common, firstN: WARMUP + IDLE_DOCS + 1, count: DOCS, inFlight: IN_FLIGHT });
      if (profiler) await profiler.stopInto(CPU_PROFILE!);
      dbTally.stop();
      firstCommands = { count: dbTally.total().count / DOCS, millis: dbTally.total().millis / DOCS, top: dbTally.top(DB_TOP, DOCS) };
      batchSeconds = (Date.now() - batch.startedAt) / 1000;
      const cpu = process.cpuUsage(cpu0);
      usage = { nodeMs: (cpu.user + cpu.system) / 1000, children: cpuSince(children0, childProcessCpu()), elu: performance.eventLoopUtilization(elu0).utilization };
      phases = await phasesOf(batch, leader, receiver);
      if (HISTORY > 0) {
        seedSeconds = await seedHistory(service, batch, HISTORY);
        dbTally.reset();
        dbTally.start();
        const laterCpu0 = process.cpuUsage();
        const laterChildren0 = childProcessCpu();
        later = await runBatch({ ...common, firstN: WARMUP + IDLE_DOCS + DOCS + 1, count: DOCS, inFlight: IN_FLIGHT });
        const laterCpu = process.cpuUsage(laterCpu0);
        laterUsage = { nodeMs: (laterCpu.user + laterCpu.system) / 1000, children: cpuSince(laterChildren0, childProcessCpu()) };
        dbTally.stop();
        laterCommands = dbTally.total().count / DOCS;
      }
    } finally {
      await service?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (toolsBefore === undefined) delete process.env.LIENTHONG_TOOLS_DIR;
    }

    /** The batch's commands per document less what the idle service would have issued over the same seconds. */
    const netOfIdle = () => Math.max(0, firstCommands.count - (idleCommands.perSecond * batchSeconds) / DOCS);
    const latencies = batch.sent.map((s) => batch.arrived.get(s.documentId)!.storedAt - s.startedAt);
    const windowSec = (batch.endedAt - batch.startedAt) / 1000;
    const docsPerSec = DOCS / windowSec;
    const p50Ms = percentile(latencies, 50);
    const p99Ms = percentile(latencies, 99);
    const e2e = {
      name: 'exchange.e2e.100k',
      opsPerSec: docsPerSec,
      meanMicros: 1e6 / docsPerSec,
      iterations: DOCS,
      p50Ms,
      p99Ms,
      meanMs: mean(latencies),
      maxMs: Math.max(...latencies),
      inFlight: IN_FLIGHT,
      pollIntervalMs: POLL_MS,
      pdfBytes: pdf.length,
      idleLatencyMs: idle.length ? percentile(idle, 50) : null,
      cpuMsPerDocument: { node: usage!.nodeMs / DOCS, ...Object.fromEntries([...usage!.children].map(([k, v]) => [k, v / DOCS])) },
      eventLoopUtilization: usage!.elu,
      idleCpuMsPerSecond: { node: background!.nodeMsPerSec, ...Object.fromEntries(background!.children) },
      database,
      ...(DB_COMMANDS
        ? {
            databaseCommandsPerDocument: { count: firstCommands.count, latencyMs: firstCommands.millis, top: firstCommands.top },
            databaseCommandsIdlePerSecond: idleCommands.perSecond,
            databaseCommandsPerDocumentNetOfIdle: netOfIdle(),
          }
        : {}),
      note: `documents/s, ${DOCS} docs ${IN_FLIGHT} in flight; latency p50 ${ms(p50Ms)} p99 ${ms(p99Ms)} (nearest rank of ${DOCS}); µs/op = 1/throughput`,
    };
    ctx.record(e2e);
    for (const p of phases) {
      const m = mean(p.values);
      const c = {
        name: `exchange.e2e.100k.${p.name}`,
        opsPerSec: 1000 / Math.max(m, 1e-3),
        meanMicros: m * 1000,
        iterations: p.values.length,
        p50Ms: percentile(p.values, 50),
        p99Ms: percentile(p.values, 99),
        note: `p50 ${ms(percentile(p.values, 50))} p99 ${ms(percentile(p.values, 99))}: ${p.what}`,
      };
      ctx.record(c);
    }

    if (later) {
      const lat = later.sent.map((x) => later!.arrived.get(x.documentId)!.storedAt - x.startedAt);
      const perSec = DOCS / ((later.endedAt - later.startedAt) / 1000);
      ctx.record({
        name: `exchange.e2e.100k.after${HISTORY >= 1000 ? `${HISTORY / 1000}k` : HISTORY}`,
        opsPerSec: perSec,
        meanMicros: 1e6 / perSec,
        iterations: DOCS,
        baseline: 'exchange.e2e.100k',
        target: 0.8,
        note: `the same batch after ${HISTORY} documents were stored through the repositories (in ${seedSeconds.toFixed(0)} s); latency p50 ${ms(percentile(lat, 50))} p99 ${ms(percentile(lat, 99))}`,
      });
    }
    if (idle.length) {
      const p50 = percentile(idle, 50);
      ctx.record({
        name: 'exchange.idle.100k',
        opsPerSec: 1000 / p50,
        meanMicros: p50 * 1000,
        iterations: idle.length,
        note: `one document on an idle service, POST → verified in the receiver's inbox: p50 ${ms(p50)} of ${idle.length} (goal ≤ 300 ms)`,
      });
    }

    const steps = await measureSteps(ctx, pdf, font);
    const s = (k: string) => steps.get(k) ?? 0;
    // Per document: sender verifies the unsigned upload (≈0), signs twice, verifies the result, builds+signs the
    // package; the axis verifies the package at submit; the receiver verifies the package and the PDF, and
    // sends a status 01 package back (small: its signing and two verifications are left out here).
    const sender = s('sign.person.100k') + s('sign.seal.100k') + s('verify.2sig.100k') + s('edxml.build+sign');
    const axis = s('edxml.verify');
    const inbound = s('edxml.verify') + s('verify.2sig.100k');
    const cpu = sender + axis + inbound;
    const post = mean(phases.find((p) => p.name === 'post')!.values);
    const inb = mean(phases.find((p) => p.name === 'inbound')!.values);
    const window = batch.endedAt - batch.startedAt;
    // The crypto floor: the same document's crypto alone on one core, in this run.
    const floorPerSec = 1000 / cpu;
    ctx.record({ name: 'exchange.floor.100k', opsPerSec: floorPerSec, meanMicros: cpu * 1000, iterations: 1, note: 'crypto alone per document (sender + axis + receiver steps), one core' });
    ctx.record({ name: 'exchange.e2e.100k.vs-floor', opsPerSec: docsPerSec, meanMicros: 1e6 / docsPerSec, iterations: DOCS, baseline: 'exchange.floor.100k', note: 'e2e documents/s over the crypto floor of the same run' });
    const children =
      [...usage!.children]
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${ms(v / DOCS)}`)
        .join(', ') || 'none seen';
    process.stdout.write(
      [
        '',
        `exchange: ${DOCS} × ${(pdf.length / 1024).toFixed(0)} KB PDF, ${SENDER} → ${RECEIVER}, leader "apply" (person + seal), ${IN_FLIGHT} in flight, poll ${POLL_MS} ms, service start ${ms(startupMs!)}`,
        `  database: ${database}`,
        `  e2e: ${docsPerSec.toFixed(2)} documents/s over ${windowSec.toFixed(1)} s; latency p50 ${ms(p50Ms)}, p99 ${ms(p99Ms)}, mean ${ms(e2e.meanMs)} (a burst: later documents queue behind earlier ones)`,
        ...(later
          ? [
              `  after ${HISTORY} documents of history (seeded in ${seedSeconds.toFixed(0)} s): ${(DOCS / ((later.endedAt - later.startedAt) / 1000)).toFixed(2)} documents/s, ${((DOCS / ((later.endedAt - later.startedAt) / 1000) / docsPerSec) * 100).toFixed(0)}% of the fresh figure`,
              `    CPU per document then: node ${ms(laterUsage!.nodeMs / DOCS)}; ${
                [...laterUsage!.children]
                  .filter(([, v]) => v > 0)
                  .map(([k, v]) => `${k} ${ms(v / DOCS)}`)
                  .join(', ') || 'no child processes'
              }`,
            ]
          : []),
        `  e2e / crypto floor: ${docsPerSec.toFixed(2)} / ${floorPerSec.toFixed(1)} documents/s = ${(docsPerSec / floorPerSec).toFixed(3)}`,
        `  idle service, one document at a time: latency ${idle.length ? `${ms(percentile(idle, 50))} (median of ${idle.length})` : 'not measured'}`,
        `  CPU during the batch, per document: this node process ${ms(usage!.nodeMs / DOCS)} (event loop busy ${(usage!.elu * 100).toFixed(0)}% of ${(window / 1000).toFixed(1)} s); child processes: ${children}`,
        `  idle service (workers only), CPU per second: node ${ms(background!.nodeMsPerSec)}, ${[...background!.children].map(([k, v]) => `${k} ${ms(v)}`).join(', ') || 'no child processes'}`,
        `  crypto per document, timed alone: sender ${ms(sender)} (sign person ${ms(s('sign.person.100k'))} + seal ${ms(s('sign.seal.100k'))} + verify ${ms(s('verify.2sig.100k'))} + edXML ${ms(s('edxml.build+sign'))}), axis ${ms(axis)}, receiver ${ms(inbound)}; total ${ms(cpu)} of CPU ⇒ ≤ ${(1000 / cpu).toFixed(1)} documents/s on one core`,
        `  POST mean ${ms(post)} of which crypto alone ${ms(sender)} → HTTP + database + queueing ≈ ${ms(Math.max(0, post - sender))} (with ${IN_FLIGHT} in flight on one event loop)`,
        `  receiver mean ${ms(inb)} of which crypto alone ${ms(inbound)}; the rest of the latency is waiting (dispatcher tick, ${POLL_MS} ms inbox poll)`,
        ...(DB_COMMANDS
          ? [
              `  database commands during the batch, per document: ${firstCommands.count.toFixed(0)}, summed latency ${ms(firstCommands.millis)} (concurrent commands each count their wait; idle polling included); costliest:`,
              ...firstCommands.top.map((t) => `    ${ms(t.millis).padStart(9)}  ${t.count.toFixed(1).padStart(5)}×  ${t.key}`),
              `  idle service: ${idleCommands.perSecond.toFixed(1)} database commands per second (over ${IDLE_PROBE_MS} ms): ${idleCommands.top.map((t) => `${t.key} ${t.count.toFixed(1)}/s`).join(', ') || 'none'}`,
              `  database commands per document net of idle polling (batch − idle rate × ${batchSeconds.toFixed(1)} s, over ${DOCS}): ${netOfIdle().toFixed(0)}`,
              ...(later ? [`  database commands per document after ${HISTORY} documents of history: ${laterCommands.toFixed(0)}`] : []),
            ]
          : ['  database commands by collection: run with BENCH_EXCHANGE_DB_COMMANDS=1']),
        '',
      ].join('\n'),
    );
  },
};
