import { parentPort } from 'node:worker_threads';
import { isCryptoError } from '../errors.js';
import type { Signer } from '../keys/signer.js';
import { verifyPdf } from '../pdf/verify.js';
import type { PdfWorkerRequest, PdfWorkerResponse } from './pdf-protocol.js';
import type { SerializedError } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('crypto/pool/pdf-worker.js must run in a worker thread');

function serialize(e: unknown): SerializedError {
  if (isCryptoError(e)) return { kind: 'CryptoError', code: e.code, message: e.message };
  if (e instanceof TypeError) return { kind: 'TypeError', message: e.message };
  return { kind: 'Error', message: e instanceof Error ? e.message : String(e) };
}

const post = (m: PdfWorkerResponse, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
let nextCall = 1;
const calls = new Map<number, { resolve: (s: Uint8Array) => void; reject: (e: Error) => void }>();

/** The key stays with the caller: the raw signature is asked of the main thread (a remote signer, crypto/keys). */
function remoteSigner(id: number, info: Extract<PdfWorkerRequest, { type: 'sign' | 'sign-xml' }>['identity']['signer']): Signer {
  return {
    ...info,
    sign(data, options) {
      const call = nextCall++;
      return new Promise<Uint8Array>((resolve, reject) => {
        calls.set(call, { resolve, reject });
        post({ type: 'raw-sign', id, call, data, options });
      });
    },
  };
}

async function handle(req: Exclude<PdfWorkerRequest, { type: 'raw-signed' }>): Promise<void> {
  try {
    if (req.type === 'verify') {
      const report = await verifyPdf(req.pdf, req.options);
      post({ type: 'done', id: req.id, ok: true, result: report });
    } else if (req.type === 'verify-xml') {
      // Loaded on first use: a PDF-only worker does not pay for the XML DOM and canonicalizer.
      const { verifyEnveloped } = await import('../xmldsig/verify.js');
      post({ type: 'done', id: req.id, ok: true, result: verifyEnveloped(req.xml, req.options) });
    } else if (req.type === 'sign-xml') {
      const identity = { signer: remoteSigner(req.id, req.identity.signer), certificate: req.identity.certificate, chain: req.identity.chain };
      const { signEnveloped } = await import('../xmldsig/sign.js');
      const result = await signEnveloped(req.xml, { ...req.options, identity });
      post({ type: 'done', id: req.id, ok: true, result }, [result.buffer as ArrayBuffer]);
    } else {
      const identity = { signer: remoteSigner(req.id, req.identity.signer), certificate: req.identity.certificate, chain: req.identity.chain };
      // Loaded on first use: a verifying worker does not pay for the appearance code (pdf-lib, fontkit).
      const { signPdf } = await import('../pdf/sign.js');
      const result = await signPdf(req.pdf, { ...req.options, identity });
      post({ type: 'done', id: req.id, ok: true, result });
    }
  } catch (e) {
    post({ type: 'done', id: req.id, ok: false, error: serialize(e) });
  }
}

port.on('message', (msg: PdfWorkerRequest) => {
  if (msg.type === 'raw-signed') {
    const c = calls.get(msg.call);
    if (!c) return;
    calls.delete(msg.call);
    if (msg.signature) c.resolve(msg.signature);
    else c.reject(new Error(msg.error?.message ?? 'remote signing failed'));
    return;
  }
  void handle(msg);
});
// Modules are loaded: the pool may start the clock of a request from now on.
post({ type: 'ready' });
