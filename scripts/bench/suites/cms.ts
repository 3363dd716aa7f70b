import { randomBytes, sign as nodeSign, verify as nodeVerify, createPublicKey, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import forge from 'node-forge';
import { createDevelopmentPki, createSigningPool, signDetached, verifyDetached, type DevIdentity } from '../../../crypto/index.js';
import type { BenchContext, BenchSuite } from '../harness.js';

type KeyKind = 'rsa2048' | 'rsa3072' | 'p256';

const TARGETS: Readonly<Record<KeyKind, { sign?: number; verify?: number }>> = {
  rsa2048: { sign: 0.95, verify: 0.25 },
  rsa3072: {},
  p256: { sign: 0.5, verify: 0.5 },
};

interface Fixture {
  readonly kind: KeyKind;
  readonly seal: DevIdentity;
  readonly publicKey: KeyObject;
  readonly trustAnchors: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
}

async function fixture(kind: KeyKind, now: Date): Promise<Fixture> {
  const pki = await createDevelopmentPki({
    now,
    keyType: kind,
    agencies: [{ code: '000.00.00.H99', name: `Bench agency ${kind}` }],
    rootCrlUrl: 'http://pki.lienthong.invalid/crl/root.crl',
  });
  const seal = pki.agencies[0]!.seal;
  return { kind, seal, publicKey: createPublicKey(seal.privateKey), trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl] };
}

function nativeSigner(f: Fixture): (data: Uint8Array) => Buffer {
  const key = f.kind === 'p256' ? { key: f.seal.privateKey, dsaEncoding: 'der' as const } : f.seal.privateKey;
  return (data) => nodeSign('sha256', data, key);
}

async function runKey(ctx: BenchContext, f: Fixture, payloads: { name: string; data: Uint8Array }[], now: Date): Promise<void> {
  const k = f.kind;
  const sign = nativeSigner(f);
  const verifyKey = f.kind === 'p256' ? { key: f.publicKey, dsaEncoding: 'der' as const } : f.publicKey;
  const identity = f.seal.identity;
  const verifyOptions = { trustAnchors: f.trustAnchors, crls: f.crls, now };
  for (const { name, data } of payloads) {
    const suffix = name === '1k' ? '' : `.${name}`;
    const t = name === '1k' ? TARGETS[k] : {};
    await ctx.pair({ name: `native.sign.${k}${suffix}`, fn: () => sign(data) }, { name: `cms.sign.${k}.${name}`, fn: () => signDetached({ content: data }, { identity }) }, t.sign !== undefined ? { target: t.sign } : {});
    const nativeSig = sign(data);
    const cms = await signDetached({ content: data }, { identity });
    const first = await verifyDetached(cms, { content: data }, verifyOptions);
    if (first.indication !== 'TOTAL_PASSED') throw new Error(`bench fixture does not verify: ${first.subIndication} ${first.reason}`);
    await ctx.pair(
      {
        name: `native.verify.${k}${suffix}`,
        fn: () => {
          if (!nodeVerify('sha256', data, verifyKey, nativeSig)) throw new Error('native verify failed');
        },
      },
      {
        name: `cms.verify.${k}.${name}`,
        note: 'full checks: chain + 2 CRLs',
        fn: async () => {
          const r = await verifyDetached(cms, { content: data }, verifyOptions);
          if (r.indication !== 'TOTAL_PASSED') throw new Error('verify failed');
        },
      },
      t.verify !== undefined ? { target: t.verify } : {},
    );
  }
}

/** node-forge PKCS#7 detached signing with the same attributes: the incumbent (node-signpdf style), key parsed once. */
async function runForge(ctx: BenchContext, f: Fixture, data: Uint8Array): Promise<void> {
  const key = forge.pki.privateKeyFromPem(f.seal.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString());
  const toCert = (der: Uint8Array) => forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(der).toString('binary')));
  const cert = toCert(f.seal.identity.certificate);
  const chain = f.seal.identity.chain.map(toCert);
  const content = Buffer.from(data).toString('binary');
  await ctx.measure(
    'forge.sign.rsa2048.1k',
    () => {
      const p7 = forge.pkcs7.createSignedData();
      p7.content = forge.util.createBuffer(content);
      p7.addCertificate(cert);
      for (const c of chain) p7.addCertificate(c);
      p7.addSigner({
        key,
        certificate: cert,
        digestAlgorithm: forge.pki.oids.sha256!,
        authenticatedAttributes: [{ type: forge.pki.oids.contentType!, value: forge.pki.oids.data! }, { type: forge.pki.oids.messageDigest! }, { type: forge.pki.oids.signingTime!, value: new Date() as unknown as string }],
      });
      p7.sign({ detached: true });
      return forge.asn1.toDer(p7.toAsn1()).getBytes();
    },
    { baseline: 'native.sign.rsa2048' },
  );
}

/** Raw RSA signing in one thread per core: the machine's own parallel scaling, the ceiling of the pool. */
const PARALLEL_SIGNER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { createPrivateKey, sign } = require('node:crypto');
  const key = createPrivateKey({ key: Buffer.from(workerData.pkcs8), format: 'der', type: 'pkcs8' });
  const data = Buffer.from(workerData.data);
  parentPort.on('message', (millis) => {
    const end = performance.now() + millis;
    let n = 0;
    while (performance.now() < end) { sign('sha256', data, key); n++; }
    parentPort.postMessage(n);
  });
`;

async function runNativeParallel(ctx: BenchContext, f: Fixture, data: Uint8Array): Promise<number> {
  const size = availableParallelism();
  const workers = Array.from({ length: size }, () => new Worker(PARALLEL_SIGNER, { eval: true, workerData: { pkcs8: f.seal.privateKeyPkcs8, data } }));
  const sign1 = nativeSigner(f);
  try {
    const slice = (millis: number) =>
      Promise.all(
        workers.map(
          (w) =>
            new Promise<number>((resolve) => {
              w.once('message', resolve);
              w.postMessage(millis);
            }),
        ),
      ).then((counts) => counts.reduce((a, b) => a + b, 0));
    const single = (millis: number) => {
      const end = performance.now() + millis;
      let n = 0;
      while (performance.now() < end) {
        sign1(data);
        n++;
      }
      return n;
    };
    await slice(ctx.caseMillis / 4);
    let parallel = 0;
    let one = 0;
    for (let r = 0; r < 4; r++) {
      parallel += await slice(ctx.caseMillis / 2);
      one += single(ctx.caseMillis / 4);
    }
    const parallelRate = parallel / ((4 * ctx.caseMillis) / 2 / 1000);
    const oneRate = one / ((4 * ctx.caseMillis) / 4 / 1000);
    ctx.record({
      name: 'native.sign.rsa2048.parallel',
      opsPerSec: parallelRate,
      meanMicros: 1e6 / parallelRate,
      iterations: parallel,
      baseline: 'native.sign.rsa2048 (interleaved, one thread)',
      ratio: parallelRate / oneRate,
      note: `${size} threads of raw node:crypto: how this machine scales, the ceiling for the pool; one thread interleaved: ${oneRate.toFixed(0)} ops/s`,
    });
    return parallelRate / oneRate;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function runPool(ctx: BenchContext, f: Fixture, data: Uint8Array, nativeScaling: number): Promise<void> {
  const size = availableParallelism();
  const pool = createSigningPool({ size });
  try {
    const { identity, privateKeyPkcs8 } = f.seal;

    const keyId = pool.registerIdentity(privateKeyPkcs8, identity.certificate, identity.chain);
    const window = size * 8;
    const drive = (millis: number): Promise<{ ops: number; seconds: number }> =>
      new Promise((resolve, reject) => {
        let inflight = 0;
        let done = 0;
        let stop = false;
        const start = process.hrtime.bigint();
        let end = start;
        const launch = (): void => {
          if (stop) {
            if (inflight === 0) resolve({ ops: done, seconds: Number(end - start) / 1e9 });
            return;
          }
          inflight++;
          pool.signDetached(keyId, { content: data }).then(() => {
            inflight--;
            done++;
            if (!stop) end = process.hrtime.bigint();
            launch();
          }, reject);
        };
        for (let i = 0; i < window; i++) launch();
        setTimeout(() => {
          stop = true;
        }, millis);
      });
    // Interleave pool slices with one-thread slices (same process, main thread) so both see the same load.
    const single = async (millis: number): Promise<{ ops: number; seconds: number }> => {
      const start = process.hrtime.bigint();
      const deadline = start + BigInt(Math.round(millis * 1e6));
      let ops = 0;
      let now = start;
      while (now < deadline) {
        await signDetached({ content: data }, { identity });
        ops++;
        now = process.hrtime.bigint();
      }
      return { ops, seconds: Number(now - start) / 1e9 };
    };
    await drive(ctx.caseMillis / 4);
    await single(ctx.caseMillis / 8);
    const pooled = { ops: 0, seconds: 0 };
    const one = { ops: 0, seconds: 0 };
    for (let r = 0; r < 4; r++) {
      const p = await drive(ctx.caseMillis / 2);
      pooled.ops += p.ops;
      pooled.seconds += p.seconds;
      const o = await single(ctx.caseMillis / 4);
      one.ops += o.ops;
      one.seconds += o.seconds;
    }
    const oneRate = one.ops / one.seconds;
    const poolRate = pooled.ops / pooled.seconds;
    ctx.record({
      name: 'pool.cms.sign.rsa2048.1k',
      opsPerSec: poolRate,
      meanMicros: (pooled.seconds * 1e6) / pooled.ops,
      iterations: pooled.ops,
      baseline: 'cms.sign.rsa2048.1k (interleaved, one thread)',
      ratio: poolRate / oneRate,
      target: Math.round(0.9 * size * 100) / 100,
      note: `${size} workers; one thread interleaved: ${oneRate.toFixed(0)} ops/s; target 0.9 × cores; raw node:crypto scaled ${nativeScaling.toFixed(2)}× here, so the pool reached ${((poolRate / oneRate / nativeScaling) * 100).toFixed(0)}% of the machine's own scaling`,
    });
  } finally {
    await pool.close();
  }
}

/** CMS/CAdES sign and verify against raw node:crypto with the same keys and data (issue 2 §7). */
export const suite: BenchSuite = {
  name: 'cms',
  async run(ctx) {
    const now = new Date();
    const payloads = [
      { name: '1k', data: new Uint8Array(randomBytes(1024)) },
      { name: '1m', data: new Uint8Array(randomBytes(1024 * 1024)) },
    ];
    const fixtures = await Promise.all((['rsa2048', 'rsa3072', 'p256'] as const).map((k) => fixture(k, now)));
    for (const f of fixtures) await runKey(ctx, f, payloads, now);
    await runForge(ctx, fixtures[0]!, payloads[0]!.data);
    const nativeScaling = await runNativeParallel(ctx, fixtures[0]!, payloads[0]!.data);
    await runPool(ctx, fixtures[0]!, payloads[0]!.data, nativeScaling);
  },
};
