import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** An answer of the axis, read whole (its JSON bodies are read whole by every caller anyway). */
export interface AxisReply {
  readonly status: number;
  readonly ok: boolean;
  readonly body: Buffer;
  json(): unknown;
}

export interface AxisRequest {
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export type AxisTransport = (url: string, request: AxisRequest) => Promise<AxisReply>;

/**
 * HTTP(S) to the axis on node:http with keep-alive agents (a few connections reused by every call). Global
 * fetch costs several ms of CPU per call in WHATWG streams, Headers and Response objects (profiled: 49 ms of
 * node CPU per exchanged document); this is the same wire, a request and a buffered answer. A call that takes
 * longer than `timeoutMs` (connection, request and whole answer) fails.
 */
export function createKeepAliveTransport(options: { readonly timeoutMs: number; readonly maxSockets?: number }): AxisTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, maxFreeSockets: 4, scheduling: 'lifo' as const };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);
  // A kept connection the axis closed as the request left fails at once (ECONNRESET on a reused socket): sent
  // again once on a new connection, as node:http's documentation advises (the axis treats a resent package
  // as a duplicate).
  const once = (url: string, req: AxisRequest, retried: boolean): Promise<AxisReply> =>
    new Promise<AxisReply>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      if (!secure && target.protocol !== 'http:') return reject(new TypeError(`not an http(s) URL: ${url}`));
      const body = req.body === undefined ? undefined : typeof req.body === 'string' ? Buffer.from(req.body) : req.body;
      const send = secure ? httpsRequest : httpRequest;
      const r = send(target, { method: req.method, agent: secure ? https : http, headers: { ...req.headers, ...(body ? { 'content-length': String(body.byteLength) } : {}) } }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const all = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          resolve({ status, ok: status >= 200 && status < 300, body: all, json: () => JSON.parse(all.toString('utf8')) as unknown });
        });
      });
      const timer = setTimeout(() => r.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      r.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (!retried && r.reusedSocket && e.code === 'ECONNRESET') resolve(once(url, req, true));
        else reject(e);
      });
      r.end(body);
    });
  return (url, req) => once(url, req, false);
}

/** A multipart/form-data body (RFC 7578) of text fields and files, with its content type. */
export function multipartBody(parts: readonly { readonly name: string; readonly value: string | Uint8Array; readonly filename?: string; readonly contentType?: string }[]): { body: Buffer; contentType: string } {
  const boundary = `----lienthong${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n${p.contentType ? `content-type: ${p.contentType}\r\n` : ''}\r\n`));
    chunks.push(typeof p.value === 'string' ? Buffer.from(p.value) : Buffer.from(p.value.buffer, p.value.byteOffset, p.value.byteLength));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
