import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CryptoError, type CryptoErrorCode } from '../errors.js';
import type { SignPdfOptions, SignPdfResult } from '../pdf/sign.js';
import type { PdfReport, VerifyPdfOptions } from '../pdf/types.js';
import type { SignatureReport } from '../report/index.js';
import type { SignEnvelopedOptions } from '../xmldsig/sign.js';
import type { VerifyEnvelopedOptions } from '../xmldsig/verify.js';
import type { PdfWorkerRequest, PdfWorkerResponse } from './pdf-protocol.js';
import type { SerializedError } from './protocol.js';

export interface PdfPoolOptions {
  /** Worker threads. Default: half the machine's parallelism, at least 1 (the event loop keeps a core). */
  readonly size?: number;
  /** Longest a verification or signing may run; beyond it the worker is killed and replaced. Default 10,000 ms. */
  readonly timeoutMs?: number;
  /** Largest number of requests waiting or running; beyond it ERR_POOL_BUSY. Default size × 64. */
  readonly maxQueue?: number;
  /** Largest XML document {@link PdfPool.verifyXmlSignature} takes, bytes. Default 64 MiB. */
  readonly maxXmlBytes?: number;
}

/**
 * PAdES verification and signing of untrusted PDFs off the event loop (issue 11 §2): each request runs in a
 * worker thread, one at a time per worker, under a time limit. A worker over time is terminated (its memory
 * goes with it) and replaced; the caller gets ERR_POOL_TIMEOUT. Keys never enter the workers: a signing
 * worker asks the caller's {@link Signer} for the raw signature over the signed attributes.
 */
export interface PdfPool {
  readonly size: number;
  /** {@link verifyPdf} in a worker. Rejects with the worker's CryptoError, ERR_POOL_TIMEOUT, ERR_POOL_BUSY or ERR_POOL_CLOSED. */
  verifyPdf(pdf: Uint8Array, options: VerifyPdfOptions): Promise<PdfReport>;
  /**
   * {@link verifyEnveloped} (XML-DSig, W3C xmldsig-core1) in a worker, under the same time limit: an XML
   * document whose canonicalization or digest work runs long is stopped (ERR_POOL_TIMEOUT), the event loop never
   * waits on it. Documents over `maxXmlBytes` are refused before they are posted (ERR_POOL_INPUT_TOO_LARGE).
   */
  verifyXmlSignature(xml: Uint8Array, options: VerifyEnvelopedOptions): Promise<SignatureReport>;
  /** {@link signPdf} in a worker, the signature value made by `options.identity.signer` on the calling thread. */
  signPdf(pdf: Uint8Array, options: SignPdfOptions): Promise<SignPdfResult>;
  /**
   * {@link signEnveloped} in a worker (the DOM parse, canonicalization and digest of the whole document), the
   * signature value made by `options.identity.signer` on the calling thread, under the same time limit and
   * `maxXmlBytes` as {@link PdfPool.verifyXmlSignature}.
   */
  signXmlEnveloped(xml: Uint8Array, options: SignEnvelopedOptions): Promise<Uint8Array>;
  /** Rejects waiting requests with ERR_POOL_CLOSED and stops the workers (running requests are abandoned). */
  close(): Promise<void>;
}

type Job = {
  readonly request: Extract<PdfWorkerRequest, { type: 'verify' | 'verify-xml' | 'sign' | 'sign-xml' }>;
  readonly signer?: SignPdfOptions['identity']['signer'];
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
};

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

function revive(e: SerializedError): Error {
  if (e.kind === 'CryptoError' && e.code) return new CryptoError(e.code as CryptoErrorCode, e.message);
  if (e.kind === 'TypeError') return new TypeError(e.message);
  return new CryptoError('ERR_POOL_WORKER', e.message);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !ArrayBuffer.isView(o) && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Starts the PDF worker pool (the compiled `pdf-worker.js` beside this module). */
export function createPdfPool(options: PdfPoolOptions = {}): PdfPool {
  const size = options.size ?? Math.max(1, Math.floor(availableParallelism() / 2));
  if (!Number.isInteger(size) || size < 1) throw new TypeError('size must be a positive integer');
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError('timeoutMs must be a positive integer');
  const maxQueue = options.maxQueue ?? size * 64;
  const maxXmlBytes = options.maxXmlBytes ?? 64 * 1024 * 1024;
  const url = new URL('./pdf-worker.js', import.meta.url);
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const finish = (slot: Slot): Job | undefined => {
    const job = slot.job;
    slot.job = undefined;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    return job;
  };

  const replace = (slot: Slot, why: Error): void => {
    const job = finish(slot);
    const old = slot.worker;
    old.removeAllListeners();
    old.on('error', () => undefined);
    void old.terminate();
    job?.reject(why);
    if (closed) return;
    slot.ready = false;
    slot.worker = spawn(slot);
  };

  const onMessage = (slot: Slot, m: PdfWorkerResponse): void => {
    if (m.type === 'ready') {
      slot.ready = true;
      pump();
      return;
    }
    const job = slot.job;
    if (!job || m.id !== job.request.id) return;
    if (m.type === 'raw-sign') {
      const signer = job.signer;
      if (!signer) return;
      signer.sign(m.data, m.options).then(
        (signature) => slot.job === job && slot.worker.postMessage({ type: 'raw-signed', call: m.call, signature } satisfies PdfWorkerRequest),
        (e: unknown) => slot.job === job && slot.worker.postMessage({ type: 'raw-signed', call: m.call, error: { kind: 'Error', message: e instanceof Error ? e.message : String(e) } } satisfies PdfWorkerRequest),
      );
      return;
    }
    finish(slot);
    if (m.ok) job.resolve(m.result);
    else job.reject(revive(m.error));
    pump();
  };

  const spawn = (slot: Slot): Worker => {
    const worker = new Worker(url);
    worker.on('message', (m: PdfWorkerResponse) => onMessage(slot, m));
    worker.on('error', (e) => replace(slot, new CryptoError('ERR_POOL_WORKER', `PDF worker failed: ${e.message}`, { cause: e })));
    worker.on('exit', (code) => {
      if (!closed && slot.worker === worker) replace(slot, new CryptoError('ERR_POOL_WORKER', `PDF worker exited with code ${code}`));
    });
    if (queue.length === 0) worker.unref();
    return worker;
  };

  // Workers keep the process alive only while there is work (an idle pool never holds a process open).
  const updateRefs = (): void => {
    const busy = queue.length > 0;
    for (const s of slots) busy || s.job ? s.worker.ref() : s.worker.unref();
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (!slot.ready || slot.job || queue.length === 0) continue;
      const job = queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => replace(slot, new CryptoError('ERR_POOL_TIMEOUT', `PDF ${job.request.type} took longer than ${timeoutMs} ms: stopped`)), timeoutMs);
      slot.worker.postMessage(job.request);
    }
    updateRefs();
  };

  for (let i = 0; i < size; i++) {
    const slot = { ready: false } as Slot;
    slot.worker = spawn(slot);
    slots.push(slot);
  }

  const submit = <T>(request: Job['request'], signer?: Job['signer']): Promise<T> => {
    if (closed) return Promise.reject(new CryptoError('ERR_POOL_CLOSED', 'the PDF pool is closed'));
    const busy = slots.filter((s) => s.job).length;
    if (queue.length + busy >= maxQueue) return Promise.reject(new CryptoError('ERR_POOL_BUSY', `PDF pool queue is full (${maxQueue})`));
    return new Promise<T>((resolve, reject) => {
      queue.push({ request, ...(signer ? { signer } : {}), resolve: resolve as (v: unknown) => void, reject });
      pump();
    });
  };

  return {
    size,
    async verifyPdf(pdf, opts) {
      if (!(pdf instanceof Uint8Array)) throw new TypeError('pdf must be a Uint8Array');
      return deepFreeze(await submit<PdfReport>({ type: 'verify', id: nextId++, pdf, options: opts }));
    },
    async verifyXmlSignature(xml, opts) {
      if (!(xml instanceof Uint8Array)) throw new TypeError('xml must be a Uint8Array');
      if (xml.byteLength > maxXmlBytes) throw new CryptoError('ERR_POOL_INPUT_TOO_LARGE', `XML document larger than ${maxXmlBytes} bytes`);
      return deepFreeze(await submit<SignatureReport>({ type: 'verify-xml', id: nextId++, xml, options: opts }));
    },
    async signPdf(pdf, opts) {
      if (!(pdf instanceof Uint8Array)) throw new TypeError('pdf must be a Uint8Array');
      if (!opts?.identity?.signer) throw new TypeError('options.identity is required');
      const { identity, ...rest } = opts;
      const { keyId, keyType, keyBits } = identity.signer;
      const result = await submit<SignPdfResult>({ type: 'sign', id: nextId++, pdf, options: rest, identity: { signer: { keyId, keyType, keyBits }, certificate: identity.certificate, chain: [...identity.chain] } }, identity.signer);
      return Object.freeze({ ...result, pdf: new Uint8Array(result.pdf.buffer, result.pdf.byteOffset, result.pdf.byteLength) });
    },
    async signXmlEnveloped(xml, opts) {
      if (!(xml instanceof Uint8Array)) throw new TypeError('xml must be a Uint8Array');
      if (xml.byteLength > maxXmlBytes) throw new CryptoError('ERR_POOL_INPUT_TOO_LARGE', `XML document larger than ${maxXmlBytes} bytes`);
      if (!opts?.identity?.signer) throw new TypeError('options.identity is required');
      const { identity, ...rest } = opts;
      const { keyId, keyType, keyBits } = identity.signer;
      const signed = await submit<Uint8Array>({ type: 'sign-xml', id: nextId++, xml, options: rest, identity: { signer: { keyId, keyType, keyBits }, certificate: identity.certificate, chain: [...identity.chain] } }, identity.signer);
      return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const job of queue.splice(0)) job.reject(new CryptoError('ERR_POOL_CLOSED', 'the PDF pool was closed'));
      await Promise.all(
        slots.map((s) => {
          const job = finish(s);
          job?.reject(new CryptoError('ERR_POOL_CLOSED', 'the PDF pool was closed'));
          return s.worker.terminate();
        }),
      );
    },
  };
}
