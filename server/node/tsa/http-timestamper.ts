import { createTimestampRequest, isCryptoError, readTimestampReply, type SignatureTimestamper } from '../../../crypto/index.js';
import { DomainError } from '../../domain/errors.js';

export interface HttpTimestamperOptions {
  /** The TSA endpoint (RFC 3161 §3.4 over HTTP), e.g. `http://127.0.0.1:8080/axis/v1/tsa`. */
  readonly url: string;
  /** Roots the TSA certificate must chain to, and CRLs for it. */
  readonly trustAnchors: readonly Uint8Array[];
  /** CRLs for the TSA's chain: a list, or a function giving the current ones (refreshed revocation data). */
  readonly crls?: readonly Uint8Array[] | (() => readonly Uint8Array[]);
  readonly intermediates?: readonly Uint8Array[];
  readonly now: () => Date;
  /** Per request, ms. Default 10 s. */
  readonly timeoutMs?: number;
}

const MAX_REPLY_BYTES = 64 * 1024;

/**
 * An RFC 3161 client over HTTP (`application/timestamp-query` → `application/timestamp-reply`): each call
 * sends a fresh request (SHA-256 imprint of the signature value, random nonce, certReq) and returns the token
 * only after verifying it (imprint, nonce, TSA chain with critical id-kp-timeStamping, ESS signing
 * certificate). Unreachable, 5xx, 429 or timeout → ERR_TSA_UNAVAILABLE (retry later); a refusal or a token
 * that does not verify → ERR_TSA_REJECTED.
 */
export function createHttpTimestamper(options: HttpTimestamperOptions): SignatureTimestamper {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (signatureValue) => {
    const request = createTimestampRequest(signatureValue);
    let r: Response;
    try {
      r = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
        body: Buffer.from(request.der),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new DomainError('ERR_TSA_UNAVAILABLE', `time-stamping authority unreachable: ${(cause as Error).message}`, { cause });
    }
    if (r.status >= 500 || r.status === 429 || r.status === 408) {
      await r.body?.cancel();
      throw new DomainError('ERR_TSA_UNAVAILABLE', `time-stamping authority answered ${r.status}`, { details: { status: r.status } });
    }
    const type = r.headers.get('content-type') ?? '';
    if (!r.ok || !type.toLowerCase().startsWith('application/timestamp-reply')) {
      await r.body?.cancel();
      throw new DomainError('ERR_TSA_REJECTED', `time-stamping authority answered ${r.status} ${type}`, { details: { status: r.status } });
    }
    const body = new Uint8Array(await r.arrayBuffer());
    if (body.length > MAX_REPLY_BYTES) throw new DomainError('ERR_TSA_REJECTED', `timestamp reply larger than ${MAX_REPLY_BYTES} bytes`);
    const now = options.now();
    try {
      return readTimestampReply(body, request, signatureValue, {
        trustAnchors: options.trustAnchors,
        ...(options.crls ? { crls: typeof options.crls === 'function' ? options.crls() : options.crls } : {}),
        ...(options.intermediates ? { intermediates: options.intermediates } : {}),
        at: now,
        now,
      }).token;
    } catch (e) {
      if (isCryptoError(e)) throw new DomainError('ERR_TSA_REJECTED', e.message, { cause: e, details: { reason: e.code } });
      throw e;
    }
  };
}
