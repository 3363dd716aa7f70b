import { parseAgencyCode, type AgencyCode } from '../../domain/agency/index.js';
import { DomainError } from '../../domain/errors.js';
import { axisRefusalCode } from './axis-refusal.js';
import { createKeepAliveTransport, multipartBody, type AxisReply, type AxisRequest } from './keep-alive-transport.js';
import type { AxisAgencyInfo, AxisDeliveryInfo, AxisGateway } from '../../domain/ports/node/index.js';

export interface HttpAxisGatewayOptions {
  /** e.g. `http://127.0.0.1:8080` (the axis API is under `/axis/v1`). */
  readonly baseUrl: string | (() => string);
  /** The system secret of a hosted agency (from the key store). */
  readonly secretOf: (code: AgencyCode) => Promise<string | null>;
  readonly now: () => Date;
  /** Per request, ms. Default 30 s. */
  readonly timeoutMs?: number;
  /** Extra headers on every call, e.g. the `X-Request-Id` of the request or worker pass that causes it. */
  readonly headers?: () => Record<string, string>;
}

function delivery(d: Record<string, unknown>): AxisDeliveryInfo {
  return Object.freeze({
    docId: String(d.docId),
    type: d.type === 'status' ? 'status' : 'edoc',
    from: parseAgencyCode(String(d.from)),
    to: parseAgencyCode(String(d.to)),
    documentId: String(d.documentId),
    ...(typeof d.statusCode === 'string' ? { statusCode: d.statusCode } : {}),
    sha256: String(d.sha256),
    size: Number(d.size),
    state: d.state as AxisDeliveryInfo['state'],
    submittedAt: new Date(String(d.submittedAt)),
    downloads: Number(d.downloads ?? 0),
    ...(typeof d.lastDownloadedAt === 'string' ? { lastDownloadedAt: new Date(d.lastDownloadedAt) } : {}),
    ...(typeof d.ackReason === 'string' ? { ackReason: d.ackReason } : {}),
  });
}

/**
 * The axis API client (server/http/openapi/axis.ts is the wire format), on node:http with kept connections
 * (keep-alive-transport.ts). Tokens are cached per agency until a minute before expiry and renewed once on a 401.
 */
export function createHttpAxisGateway(options: HttpAxisGatewayOptions): AxisGateway {
  const tokens = new Map<string, { token: string; until: number }>();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const base = () => (typeof options.baseUrl === 'function' ? options.baseUrl() : options.baseUrl).replace(/\/+$/, '');

  const transport = createKeepAliveTransport({ timeoutMs });

  async function call(path: string, init: AxisRequest): Promise<AxisReply> {
    try {
      return await transport(`${base()}/axis/v1${path}`, { ...init, headers: { ...options.headers?.(), ...init.headers } });
    } catch (cause) {
      throw new DomainError('ERR_AXIS_UNAVAILABLE', `axis unreachable: ${(cause as Error).message}`, { cause });
    }
  }

  async function failure(r: AxisReply, what: string): Promise<never> {
    let code: string | undefined;
    let detail: string | undefined;
    try {
      const body = r.json() as { code?: unknown; detail?: unknown };
      code = typeof body.code === 'string' ? body.code : undefined;
      detail = typeof body.detail === 'string' ? body.detail : undefined;
    } catch {
      /* not a problem document */
    }
    if (r.status >= 500 || r.status === 429 || r.status === 408) {
      throw new DomainError('ERR_AXIS_UNAVAILABLE', `axis answered ${r.status} to ${what}`, { details: { status: r.status, ...(code ? { axisCode: code } : {}) } });
    }
    const mapped = axisRefusalCode(code);
    throw new DomainError(mapped, `axis refused ${what}: ${detail ?? code ?? r.status}`, { details: { status: r.status, ...(code ? { axisCode: code } : {}) } });
  }

  async function token(as: AgencyCode, renew = false): Promise<string> {
    const cached = tokens.get(as);
    if (!renew && cached && cached.until > options.now().getTime()) return cached.token;
    const secret = await options.secretOf(as);
    if (!secret) throw new DomainError('ERR_KEY_UNAVAILABLE', `no axis secret stored for ${as}`);
    const r = await call('/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId: as, secret }) });
    if (!r.ok) await failure(r, 'authentication');
    const body = r.json() as { accessToken: string; expiresIn: number };
    tokens.set(as, { token: body.accessToken, until: options.now().getTime() + Math.max(0, body.expiresIn - 60) * 1000 });
    return body.accessToken;
  }

  /** An authenticated request; one renewal of the token on 401. */
  async function authed(as: AgencyCode, path: string, init: Omit<AxisRequest, 'headers'> & { readonly headers?: Record<string, string> }, what: string): Promise<AxisReply> {
    for (let attempt = 0; ; attempt++) {
      const t = await token(as, attempt > 0);
      const r = await call(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${t}` } });
      if (r.status === 401 && attempt === 0) continue;
      if (!r.ok) await failure(r, what);
      return r;
    }
  }

  return {
    async send(as, input) {
      const form = multipartBody([
        { name: 'type', value: input.type },
        { name: 'package', value: input.packageBytes, filename: 'package.edxml', contentType: 'application/xml' },
        ...(input.signature.byteLength > 0 ? [{ name: 'signature', value: input.signature, filename: 'package.p7s', contentType: 'application/pkcs7-signature' }] : []),
      ]);
      const r = await authed(as, '/edocs', { method: 'POST', headers: { 'content-type': form.contentType }, body: form.body }, 'the package');
      const body = r.json() as { docId: string; duplicate: boolean };
      return { docId: String(body.docId), duplicate: body.duplicate === true };
    },
    async listPending(as, query) {
      const qs = new URLSearchParams({ status: 'pending', page: String(query.page), pageSize: String(query.pageSize) });
      if (query.type) qs.set('type', query.type);
      const r = await authed(as, `/edocs?${qs}`, { method: 'GET' }, 'the delivery list');
      const body = r.json() as { items: Record<string, unknown>[]; total: number };
      return { items: body.items.map(delivery), total: Number(body.total) };
    },
    async download(as, docId) {
      const r = await authed(as, `/edocs/${encodeURIComponent(docId)}`, { method: 'GET' }, 'the download');
      const body = r.json() as Record<string, unknown>;
      return {
        info: delivery(body),
        packageBytes: new Uint8Array(Buffer.from(String(body.package), 'base64')),
        signature: new Uint8Array(Buffer.from(String(body.signature), 'base64')),
      };
    },
    async ack(as, docId, status, reason) {
      await authed(as, `/edocs/${encodeURIComponent(docId)}/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status, ...(reason ? { reason: reason.slice(0, 1000) } : {}) }) }, 'the acknowledgement');
    },
    async findCertificateHolder(as, sha256) {
      let r: AxisReply;
      try {
        r = await authed(as, `/certificates/${encodeURIComponent(sha256)}`, { method: 'GET' }, 'the certificate lookup');
      } catch (e) {
        if (e instanceof DomainError && e.code === 'ERR_NOT_FOUND') return null;
        throw e;
      }
      const b = r.json() as { code: string; role: string; status: string };
      return Object.freeze({ code: parseAgencyCode(b.code), role: b.role === 'person' ? 'person' : 'seal', status: b.status === 'revoked' ? 'revoked' : 'active' } as const);
    },
    async listAgencies(as, query) {
      const qs = new URLSearchParams({ page: String(query.page), pageSize: String(query.pageSize) });
      const r = await authed(as, `/agencies?${qs}`, { method: 'GET' }, 'the registry list');
      const body = r.json() as { items: { code: string; name: string; parentCode: string | null }[]; total: number };
      return {
        items: body.items.map((a) => Object.freeze({ code: parseAgencyCode(a.code), name: String(a.name), parentCode: a.parentCode ? parseAgencyCode(a.parentCode) : null })),
        total: Number(body.total),
      };
    },
    async getAgency(as, code): Promise<AxisAgencyInfo | null> {
      let r: AxisReply;
      try {
        r = await authed(as, `/agencies/${encodeURIComponent(code)}`, { method: 'GET' }, 'the registry lookup');
      } catch (e) {
        if (e instanceof DomainError && (e.code === 'ERR_NOT_FOUND' || e.code === 'ERR_AGENCY_UNKNOWN')) return null;
        throw e;
      }
      const b = r.json() as { code: string; name: string; parentCode: string | null; certificates: Record<string, unknown>[] };
      return Object.freeze({
        code: parseAgencyCode(b.code),
        name: String(b.name),
        parentCode: b.parentCode ? parseAgencyCode(b.parentCode) : null,
        certificates: b.certificates.map((c) =>
          Object.freeze({
            sha256: String(c.sha256).toLowerCase(),
            role: c.role === 'person' ? 'person' : 'seal',
            status: c.status === 'revoked' ? 'revoked' : 'active',
            notBefore: new Date(String(c.notBefore)),
            notAfter: new Date(String(c.notAfter)),
            boundAt: new Date(String(c.boundAt)),
            ...(c.revokedAt ? { revokedAt: new Date(String(c.revokedAt)) } : {}),
          } as const),
        ),
      });
    },
  };
}
