import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDevelopmentPki, createPdfPool, respondToTimestampRequest, signPdf, verifyPdf, type DevIdentity, type SigningIdentity } from '../../../crypto/index.js';
import { createHttpTimestamper } from '../../../server/node/tsa/http-timestamper.js';
import type { BenchContext, BenchSuite } from '../harness.js';

const SIZES = [
  { name: '100k', bytes: 100 * 1024 },
  { name: '1m', bytes: 1024 * 1024 },
  { name: '10m', bytes: 10 * 1024 * 1024 },
] as const;

/** A PDF of about `bytes` bytes: text pages, each with an incompressible image-like stream on it. */
async function makePdf(bytes: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pages = Math.max(1, Math.round(bytes / (512 * 1024)));
  const chunk = Math.max(1024, Math.floor(bytes / pages) - 2048);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Bench page ${i + 1}`, { x: 72, y: 760, size: 14, font });
    const side = Math.floor(Math.sqrt(chunk / 3));
    const img = doc.context.stream(randomBytes(side * side * 3), { Type: 'XObject', Subtype: 'Image', Width: side, Height: side, ColorSpace: 'DeviceRGB', BitsPerComponent: 8 });
    const ref = doc.context.register(img);
    page.node.setXObject(PDFName.of('Im0'), ref);
    page.pushOperators();
  }
  return doc.save({ useObjectStreams: false });
}

function loadFont(): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(createRequire(import.meta.url).resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf')));
  } catch {
    return undefined;
  }
}

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/** A bare RFC 3161 TSA over HTTP on 127.0.0.1 (the axis route does the same behind express). */
async function startTsa(identity: SigningIdentity, now: () => Date): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      respondToTimestampRequest(new Uint8Array(Buffer.concat(chunks)), { tsa: { identity, policy: '1.3.6.1.4.1.59999.3161.1' }, now: now(), serialNumber: randomBytes(16) })
        .then((reply) => res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(reply)))
        .catch(() => res.writeHead(400).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${addr.port}/tsa`, server };
}

/** Peak RSS over a baseline (input already loaded) while signing, measured in a fresh process. */
function measurePeakRss(pdfPath: string, pki: { person: DevIdentity }): { overMiB: number; millis: number } {
  const here = dirname(fileURLToPath(import.meta.url));
  const cryptoIndex = pathToFileURL(join(here, '..', '..', '..', 'crypto', 'index.js')).href;
  const script = `
    import { readFileSync } from 'node:fs';
    import { createPrivateKey } from 'node:crypto';
    import { createKeySigner, signPdf } from '${cryptoIndex}';
    const input = JSON.parse(process.argv[1]);
    const pdf = new Uint8Array(readFileSync(input.pdf));
    const identity = { signer: createKeySigner(createPrivateKey({ key: Buffer.from(input.key, 'base64'), format: 'der', type: 'pkcs8' })),
      certificate: new Uint8Array(Buffer.from(input.cert, 'base64')), chain: input.chain.map((c) => new Uint8Array(Buffer.from(c, 'base64'))) };
    globalThis.gc?.();
    const base = process.memoryUsage().rss;
    // maxRSS is the lifetime peak: count it only if it grew during signing (start-up may have peaked higher).
    const maxBefore = process.resourceUsage().maxRSS * 1024;
    let peak = base;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 1);
    const t0 = process.hrtime.bigint();
    const out = await signPdf(pdf, { identity, role: 'seal', signingTime: new Date(), appearance: false });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    clearInterval(timer);
    const maxAfter = process.resourceUsage().maxRSS * 1024;
    peak = Math.max(peak, process.memoryUsage().rss, maxAfter > maxBefore ? maxAfter : 0);
    process.stdout.write(JSON.stringify({ over: peak - base, ms, size: out.pdf.length}));
  `;
  const id = pki.person.identity;
  const arg = JSON.stringify({
    pdf: pdfPath,
    key: Buffer.from(pki.person.privateKeyPkcs8).toString('base64'),
    cert: Buffer.from(id.certificate).toString('base64'),
    chain: id.chain.map((c) => Buffer.from(c).toString('base64')),
  });
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script, arg], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`rss probe failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout) as { over: number; ms: number };
  return { overMiB: res.over / (1024 * 1024), millis: res.ms };
}

async function runSize(ctx: BenchContext, size: (typeof SIZES)[number], pki: { person: DevIdentity; seal: DevIdentity; root: Uint8Array; crls: Uint8Array[]; tsaUrl?: string }, now: Date): Promise<Uint8Array> {
  const pdf = await makePdf(size.bytes);
  const person = pki.person.identity;
  const seal = pki.seal.identity;
  const rawKey = pki.seal.privateKey;
  const pub = createPublicKey(rawKey);
  const is10m = size.name === '10m';

  // Baseline for signing: one SHA-256 pass over the file + one raw signature (issue 3 §8).
  if (is10m) await ctx.measure('sha256.10m', () => sha256(pdf));
  await ctx.pair(
    { name: `native.sha256+sign.${size.name}`, fn: () => nodeSign('sha256', sha256(pdf), rawKey) },
    { name: `pdf.sign.${size.name}`, fn: () => signPdf(pdf, { identity: seal, role: 'seal', signingTime: now, appearance: false }), note: 'invisible' },
    is10m ? { target: 0.5 } : {},
  );

  if (size.name === '100k') {
    // The person's visible signature as the node makes it (issue 15): Vietnamese font, competence, position,
    // name; the block is drawn once and reused, the time changes every iteration.
    const font = loadFont();
    let tick = 0;
    const appearance = { name: 'Nguyễn Văn Bench', title: 'KT. BỘ TRƯỞNG', position: 'Thứ trưởng', ...(font ? { font } : {}) };
    await ctx.pair(
      { name: `native.sha256+sign.${size.name}`, fn: () => nodeSign('sha256', sha256(pdf), rawKey) },
      {
        name: `pdf.sign.visible.${size.name}`,
        fn: () => signPdf(pdf, { identity: person, role: 'signer', signingTime: new Date(now.getTime() + 1000 * ++tick), appearance }),
        note: `person block, ${font ? 'Be Vietnam Pro subset' : 'standard font (Be Vietnam Pro not found)'}, new time each`,
      },
      { target: 0.5, baselineRecorded: true },
    );
  }

  // Two signatures for verify: the person's, then the seal.
  const one = (await signPdf(pdf, { identity: person, role: 'signer', signingTime: now, appearance: false })).pdf;
  const two = (await signPdf(one, { identity: seal, role: 'seal', signingTime: now, appearance: false })).pdf;
  const options = { trustAnchors: [pki.root], crls: pki.crls, now };
  const check = await verifyPdf(two, options);
  if (check.indication !== 'TOTAL_PASSED') throw new Error(`bench fixture does not verify: ${check.explanation}`);
  const sig = nodeSign('sha256', Buffer.from('x'), rawKey);
  // Baseline for verifying: its hashing passes (one per signature over its byte ranges) + the raw verifications.
  await ctx.pair(
    {
      name: `native.2xsha256+verify.${size.name}`,
      fn: () => {
        sha256(two.subarray(0, one.length));
        sha256(two);
        nodeVerify('sha256', Buffer.from('x'), pub, sig);
        nodeVerify('sha256', Buffer.from('x'), pub, sig);
      },
    },
    { name: `pdf.verify.${size.name}`, fn: () => verifyPdf(two, options), note: 'two signatures, chain + CRL, change analysis' },
    is10m ? { target: 1 / 3 } : {},
  );
  if (size.name === '100k' && pki.tsaUrl) {
    // What a signature-time-stamp costs per seal: an RFC 3161 round trip over local HTTP (request, TSA signature,
    // reply verification with the TSA chain) on top of pdf.sign.100k.
    const timestamp = createHttpTimestamper({ url: pki.tsaUrl, trustAnchors: [pki.root], crls: pki.crls, now: () => now });
    await ctx.measure('pdf.sign.tsa.100k', () => signPdf(pdf, { identity: seal, role: 'seal', signingTime: now, appearance: false, timestamp }), {
      baseline: 'pdf.sign.100k',
      note: 'PAdES B-T: + RFC 3161 request to a TSA on 127.0.0.1 (same process) and token verification',
    });
  }
  if (is10m) {
    await ctx.measure('pdf.sign.visible.10m', () => signPdf(pdf, { identity: seal, role: 'seal', signingTime: now, appearance: { name: 'Bench agency' } }), { note: 'generated seal, standard font' });
    await ctx.measure('pdflib.loadsave.10m', async () => (await PDFDocument.load(pdf)).save(), { baseline: 'pdf.sign.10m', note: 'for scale: what a full rewrite costs' });
  }
  return pdf;
}

/** test/vectors/pdf/ from dist/scripts/bench/suites/. */
const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'vectors', 'pdf');

/**
 * One verification of a hostile file in a fresh process: wall time and the process's peak RSS (absolute, so
 * the node runtime counts too). The outcome is a report or a coded refusal (ERR_PDF_LIMIT), never a crash.
 */
function measureHostile(file: string): { millis: number; peakMiB: number; outcome: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  const cryptoIndex = pathToFileURL(join(here, '..', '..', '..', 'crypto', 'index.js')).href;
  const script = `
    import { readFileSync } from 'node:fs';
    import { verifyPdf } from '${cryptoIndex}';
    const dir = process.argv[1];
    const pdf = new Uint8Array(readFileSync(dir + '/' + process.argv[2]));
    const trust = { trustAnchors: [new Uint8Array(readFileSync(dir + '/root.pem'))], crls: [new Uint8Array(readFileSync(dir + '/ca.crl.pem'))], now: new Date(JSON.parse(readFileSync(dir + '/expected.json', 'utf8')).verifyAt) };
    const t0 = process.hrtime.bigint();
    let outcome;
    try { outcome = (await verifyPdf(pdf, trust)).indication; } catch (e) { outcome = e.code ?? String(e); }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(JSON.stringify({ ms, peak: process.resourceUsage().maxRSS * 1024, outcome }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, VECTORS, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`hostile probe ${file} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const res = JSON.parse(r.stdout) as { ms: number; peak: number; outcome: string };
  return { millis: res.ms, peakMiB: res.peak / (1024 * 1024), outcome: res.outcome };
}

/** Latency of a tiny HTTP answer (what /healthz does) on this thread while the PDF pool verifies a slow file. */
async function healthLatencyWhileVerifying(): Promise<{ meanMs: number; p95Ms: number; maxMs: number; samples: number; verifyMs: number }> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const pool = createPdfPool({ size: 1, timeoutMs: 60_000 });
  const base = new Uint8Array(readFileSync(join(VECTORS, 'valid-two-signatures.pdf')));
  // 20,000 empty revisions verified with the revision cap raised: seconds of work in the worker.
  const { emptyRevisionsForBench } = await import('../hostile-pdf.js');
  const slow = emptyRevisionsForBench(base, 20_000);
  await pool.verifyPdf(base, { trustAnchors: [], now: new Date() }); // the worker has loaded the verifier
  for (let i = 0; i < 5; i++) await (await fetch(`http://127.0.0.1:${port}/healthz`)).text(); // and the client its connection
  let finished = false;
  const t0 = performance.now();
  const job = pool
    .verifyPdf(slow, { trustAnchors: [], now: new Date(), limits: { maxRevisions: 30_000 } })
    .catch(() => undefined)
    .finally(() => (finished = true));
  const lat: number[] = [];
  while (!finished) {
    const s = performance.now();
    await (await fetch(`http://127.0.0.1:${port}/healthz`)).text();
    lat.push(performance.now() - s);
    await new Promise((r) => setTimeout(r, 20));
  }
  await job;
  const verifyMs = performance.now() - t0;
  await pool.close();
  await new Promise<void>((r) => server.close(() => r()));
  const sorted = [...lat].sort((a, b) => a - b);
  return { meanMs: lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length), p95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0, maxMs: sorted[sorted.length - 1] ?? 0, samples: lat.length, verifyMs };
}

/** PAdES sign and verify of 100 KB, 1 MB and 10 MB PDFs against their hashing + raw-signature floors (issue 3 §8). */
export const suite: BenchSuite = {
  name: 'pdf',
  async run(ctx) {
    const now = new Date();
    const dev = await createDevelopmentPki({ now: new Date(now.getTime() - 60_000), agencies: [{ code: '000.00.00.H27', name: 'Ủy ban nhân dân tỉnh Hà Tĩnh' }] });
    const agency = dev.agencies[0]!;
    const tsa = await startTsa(dev.tsa.identity, () => now);
    const pki = { person: agency.person, seal: agency.seal, root: dev.root.certificate, crls: [dev.crl, dev.rootCrl], tsaUrl: tsa.url };
    let big: Uint8Array | undefined;
    try {
      for (const size of SIZES) big = await runSize(ctx, size, pki, now);
    } finally {
      tsa.server.close();
    }
    const dir = mkdtempSync(join(tmpdir(), 'pdf-bench-'));
    const path = join(dir, 'big.pdf');
    writeFileSync(path, big!);
    for (const [name, file] of [
      ['pdf.verify.hostile.revisions', 'hostile-2000-revisions.pdf'],
      ['pdf.verify.hostile.xrefbomb', 'hostile-xref-bomb.pdf'],
    ] as const) {
      const h = measureHostile(file);
      ctx.record({
        name,
        opsPerSec: 1000 / h.millis,
        meanMicros: h.millis * 1000,
        iterations: 1,
        ratio: Math.min(1000 / h.millis, 256 / h.peakMiB),
        target: 1,
        note: `${file}: ${h.outcome} in ${h.millis.toFixed(1)} ms, process peak RSS ${h.peakMiB.toFixed(0)} MiB (targets < 1 s and < 256 MiB; ratio = the smaller of 1 s/time and 256 MiB/peak)`,
      });
    }
    const health = await healthLatencyWhileVerifying();
    ctx.record({
      name: 'pdf.pool.healthz.whileVerifying',
      opsPerSec: 1000 / health.meanMs,
      meanMicros: health.meanMs * 1000,
      iterations: health.samples,
      ratio: 100 / health.p95Ms,
      target: 1,
      note: `HTTP answer on the main thread while the PDF pool verified a 20,000-revision file for ${health.verifyMs.toFixed(0)} ms: ${health.samples} requests, mean ${health.meanMs.toFixed(1)} ms, p95 ${health.p95Ms.toFixed(1)} ms, max ${health.maxMs.toFixed(1)} ms (target < 100 ms; ratio = 100 ms / p95)`,
    });
    const rss = measurePeakRss(path, pki);
    const fileMiB = big!.length / (1024 * 1024);
    ctx.record({
      name: 'pdf.sign.10m.peakRss',
      opsPerSec: 1000 / rss.millis,
      meanMicros: rss.millis * 1000,
      iterations: 1,
      ratio: fileMiB / Math.max(rss.overMiB, 1e-6),
      target: 0.5,
      note: `peak RSS +${rss.overMiB.toFixed(1)} MiB over baseline for a ${fileMiB.toFixed(1)} MiB file (ratio = file size / peak over baseline; ≥0.5 means ≤2× the file)`,
    });
  },
};
