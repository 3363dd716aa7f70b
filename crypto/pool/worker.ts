import { parentPort } from 'node:worker_threads';
import { isCryptoError } from '../errors.js';
import { createKeySigner } from '../keys/index.js';
import type { SigningIdentity } from '../keys/signer.js';
import { signDetached } from '../cms/sign.js';
import type { DetachedContent } from '../cms/types.js';
import type { PoolMessage, PoolRequest, PoolResponse, SerializedError } from './protocol.js';

const identities = new Map<string, SigningIdentity>();
const port = parentPort;
if (!port) throw new Error('crypto/pool/worker.js must run in a worker thread');

function serialize(e: unknown): SerializedError {
  if (isCryptoError(e)) return { kind: 'CryptoError', code: e.code, message: e.message };
  if (e instanceof TypeError) return { kind: 'TypeError', message: e.message };
  return { kind: 'Error', message: e instanceof Error ? e.message : String(e) };
}

async function handle(req: Extract<PoolRequest, { type: 'sign' }>): Promise<PoolResponse> {
  try {
    const identity = identities.get(req.keyId);
    if (!identity) throw new TypeError(`unknown key id ${req.keyId}`);
    const input: DetachedContent = req.content ? { content: req.content } : { digest: req.digest as Uint8Array, hash: req.digestHash ?? 'SHA-256' };
    const signature = await signDetached(input, {
      identity,
      ...(req.hash ? { hash: req.hash } : {}),
      ...(req.scheme ? { scheme: req.scheme } : {}),
      ...(req.signingTime !== undefined ? { signingTime: new Date(req.signingTime) } : {}),
      ...(req.includeChain !== undefined ? { includeChain: req.includeChain } : {}),
    });
    return { id: req.id, ok: true, signature };
  } catch (e) {
    return { id: req.id, ok: false, error: serialize(e) };
  }
}

port.on('message', (msg: PoolMessage) => {
  if (!Array.isArray(msg)) {
    const req = msg as Extract<PoolRequest, { type: 'register' }>;
    // Parsed once per worker; the main thread already checked the key and its certificate.
    identities.set(req.keyId, { signer: createKeySigner(req.pkcs8), certificate: req.certificate, chain: req.chain });
    return;
  }
  // A batch in, one message out: the signatures travel back together, their buffers transferred.
  void Promise.all(msg.map(handle)).then((results) => {
    const transfer: ArrayBuffer[] = [];
    for (const r of results) if (r.ok) transfer.push(r.signature.buffer as ArrayBuffer);
    port.postMessage(results, transfer);
  });
});
