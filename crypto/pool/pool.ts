import { createPrivateKey, createPublicKey } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DetachedContent, SignDetachedOptions } from '../cms/types.js';
import { CryptoError, type CryptoErrorCode } from '../errors.js';
import { keyIdOfSpki } from '../keys/key-id.js';
import { parseCertificate } from '../pki/index.js';
import type { PoolRequest, PoolResponse, SerializedError } from './protocol.js';

/** Options of a detached signature made in the pool: those of signDetached without the identity. */
export type PoolSignOptions = Omit<SignDetachedOptions, 'identity'>;

export interface SigningPoolOptions {
  /** Number of worker threads. Default: the machine's available parallelism. */
  readonly size?: number;
  /** Largest number of requests waiting or running; beyond it signDetached rejects with ERR_POOL_BUSY. Default size × 256. */
  readonly maxQueue?: number;
}

/** A pool of worker threads that make CAdES detached signatures with keys registered once. */
export interface SigningPool {
  readonly size: number;
  /**
   * Sends a PKCS#8 private key with its certificate and chain (DER) to every worker, where it is parsed once.
   * Returns the key id (hex SHA-256 of the SubjectPublicKeyInfo). Throws ERR_KEY_MALFORMED, ERR_KEY_MISMATCH.
   */
  registerIdentity(pkcs8: Uint8Array, certificate: Uint8Array, chain: readonly Uint8Array[]): string;
  /** {@link signDetached} in a worker; errors come back as CryptoError with their code. */
  signDetached(keyId: string, input: DetachedContent, options?: PoolSignOptions): Promise<Uint8Array>;
  /** Lets running requests finish, rejects queued and later ones with ERR_POOL_CLOSED, stops the workers. */
  close(): Promise<void>;
}

interface Pending {
  readonly resolve: (sig: Uint8Array) => void;
  readonly reject: (e: Error) => void;
  readonly worker: WorkerSlot;
}

interface WorkerSlot {
  readonly worker: Worker;
  inflight: number;
}

/** Requests in flight per worker: enough to keep it busy between messages, few enough to spread load. */
const PIPELINE = 8;
/** Requests per message: batching halves the message hops that the main thread pays for. */
const BATCH = 4;

function revive(e: SerializedError): Error {
  if (e.kind === 'CryptoError' && e.code) return new CryptoError(e.code as CryptoErrorCode, e.message);
  if (e.kind === 'TypeError') return new TypeError(e.message);
  return new CryptoError('ERR_POOL_WORKER', e.message);
}

/**
 * Starts a worker_threads signing pool. The worker is the compiled `worker.js` beside this module. Keys are sent
 * once with {@link SigningPool.registerIdentity}; each request then carries only the content (or digest) and
 * options. Requests go to the least busy worker; at most `maxQueue` wait.
 */
export function createSigningPool(options: SigningPoolOptions = {}): SigningPool {
  const size = options.size ?? availableParallelism();
  if (!Number.isInteger(size) || size < 1) throw new TypeError('size must be a positive integer');
  const maxQueue = options.maxQueue ?? size * 256;
  const url = new URL('./worker.js', import.meta.url);
  const slots: WorkerSlot[] = [];
  const pending = new Map<number, Pending>();
  const queue: { req: Extract<PoolRequest, { type: 'sign' }>; p: Omit<Pending, 'worker'> }[] = [];
  const registered = new Set<string>();
  let nextId = 1;
  let closed = false;
  let drained: (() => void) | undefined;

  const dispatch = (): void => {
    while (queue.length > 0) {
      let best: WorkerSlot | undefined;
      // A busy worker is refilled a whole batch at a time, so under load each message (both ways) carries several
      // requests; an idle worker takes whatever waits at once.
      for (const s of slots) {
        const eligible = s.inflight === 0 || PIPELINE - s.inflight >= BATCH;
        if (eligible && (!best || s.inflight < best.inflight)) best = s;
      }
      if (!best) return;
      // Spread a burst over the workers rather than batching it all onto one.
      const n = Math.min(BATCH, PIPELINE - best.inflight, Math.max(1, Math.ceil(queue.length / slots.length)));
      const batch: Extract<PoolRequest, { type: 'sign' }>[] = [];
      for (const { req, p } of queue.splice(0, n)) {
        pending.set(req.id, { ...p, worker: best });
        batch.push(req);
      }
      best.inflight += n;
      best.worker.postMessage(batch);
    }
  };

  // Requests made in the same tick leave together (one message per worker).
  let scheduled = false;
  const scheduleDispatch = (): void => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      dispatch();
    });
  };

  const onMessage = (results: readonly PoolResponse[]): void => {
    for (const res of results) {
      const p = pending.get(res.id);
      if (!p) continue;
      pending.delete(res.id);
      p.worker.inflight--;
      if (res.ok) p.resolve(res.signature);
      else p.reject(revive(res.error));
    }
    scheduleDispatch();
    if (drained && pending.size === 0 && queue.length === 0) drained();
  };

  const registrations: Extract<PoolRequest, { type: 'register' }>[] = [];

  // A worker that dies fails its own requests and is replaced (with every key registered so far).
  const startWorker = (): WorkerSlot => {
    const worker = new Worker(url);
    const slot: WorkerSlot = { worker, inflight: 0 };
    worker.on('message', onMessage);
    const onDeath = (why: string, cause?: unknown): void => {
      const at = slots.indexOf(slot);
      if (at < 0) return;
      for (const [id, p] of pending) {
        if (p.worker === slot) {
          pending.delete(id);
          p.reject(new CryptoError('ERR_POOL_WORKER', `signing worker failed: ${why}`, { cause }));
        }
      }
      if (closed) {
        slots.splice(at, 1);
      } else {
        slots[at] = startWorker();
        scheduleDispatch();
      }
      if (drained && pending.size === 0 && queue.length === 0) drained();
    };
    worker.on('error', (e) => onDeath(e.message, e));
    worker.on('exit', (code) => {
      if (!closed) onDeath(`exited with code ${code}`);
    });
    for (const r of registrations) worker.postMessage(r);
    return slot;
  };
  for (let i = 0; i < size; i++) slots.push(startWorker());

  return {
    size,
    registerIdentity(pkcs8, certificate, chain) {
      if (closed) throw new CryptoError('ERR_POOL_CLOSED', 'the signing pool is closed');
      if (!(pkcs8 instanceof Uint8Array) || !(certificate instanceof Uint8Array) || !Array.isArray(chain)) {
        throw new TypeError('registerIdentity(pkcs8: Uint8Array, certificate: Uint8Array, chain: Uint8Array[])');
      }
      let spki: Buffer;
      try {
        spki = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
      } catch (e) {
        throw new CryptoError('ERR_KEY_MALFORMED', 'private key is not valid PKCS#8 DER', { cause: e });
      }
      const keyId = keyIdOfSpki(spki);
      if (keyIdOfSpki(parseCertificate(certificate).spki) !== keyId) {
        throw new CryptoError('ERR_KEY_MISMATCH', 'the private key does not belong to the certificate');
      }
      if (!registered.has(keyId)) {
        registered.add(keyId);
        const msg: Extract<PoolRequest, { type: 'register' }> = { type: 'register', keyId, pkcs8, certificate, chain: [...chain] };
        registrations.push(msg);
        for (const s of slots) s.worker.postMessage(msg);
      }
      return keyId;
    },
    signDetached(keyId, input, opts = {}) {
      if (closed) return Promise.reject(new CryptoError('ERR_POOL_CLOSED', 'the signing pool is closed'));
      if (!registered.has(keyId)) return Promise.reject(new TypeError(`key ${keyId} is not registered in this pool`));
      if (pending.size + queue.length >= maxQueue) return Promise.reject(new CryptoError('ERR_POOL_BUSY', `signing pool queue is full (${maxQueue})`));
      if (typeof input !== 'object' || input === null) return Promise.reject(new TypeError('input must be { content } or { digest, hash }'));
      const req: Extract<PoolRequest, { type: 'sign' }> = {
        type: 'sign',
        id: nextId++,
        keyId,
        ...('content' in input ? { content: input.content } : { digest: input.digest, digestHash: input.hash }),
        ...(opts.hash ? { hash: opts.hash } : {}),
        ...(opts.scheme ? { scheme: opts.scheme } : {}),
        ...(opts.signingTime ? { signingTime: opts.signingTime.getTime() } : {}),
        ...(opts.includeChain !== undefined ? { includeChain: opts.includeChain } : {}),
      };
      return new Promise<Uint8Array>((resolve, reject) => {
        queue.push({ req, p: { resolve, reject } });
        scheduleDispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const { p } of queue.splice(0)) p.reject(new CryptoError('ERR_POOL_CLOSED', 'the signing pool was closed'));
      if (pending.size > 0) await new Promise<void>((r) => (drained = r));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
