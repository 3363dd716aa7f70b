import { createHash, createHmac } from 'node:crypto';
import { formatVdxpTimestamp } from '../../axis/index.js';
import { parseAgencyCode, type AgencyCode } from '../../domain/agency/index.js';
import { DomainError } from '../../domain/errors.js';
import { axisRefusalCode } from './axis-refusal.js';
import type { AxisDeliveryInfo, AxisGateway } from '../../domain/ports/node/index.js';

export interface VdxpAxisGatewayOptions {
  /** e.g. `http://127.0.0.1:8080` (the facade is under `/axis/vdxp`). */
  readonly baseUrl: string | (() => string);
  /** The system secret of a hosted agency (the HMAC key; never sent). */
  readonly secretOf: (code: AgencyCode) => Promise<string | null>;
  readonly now: () => Date;
  /**
   * Registry lookups with certificates (`getAgency`): VDXP's agency list carries no certificates, so the
   * binding check of a received package asks this gateway (the lienthong dialect of the same axis).
   */
  readonly registry: Pick<AxisGateway, 'getAgency' | 'findCertificateHolder'>;
  readonly timeoutMs?: number;
}

/** The headers the VDXP SDK sends for `params`: each as `XroadVnpt-<name>`, signed with HMAC-SHA256. */
export function vdxpSignedHeaders(params: Readonly<Record<string, string>>, secret: string): Record<string, string> {
  const signed: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) signed[`XroadVnpt-${k}`] = v;
  const signHeader = JSON.stringify(signed);
  return {
    ...signed,
    'XroadVnpt-sign-header-key': Object.keys(params).join(';'),
    'XroadVnpt-sign-header': signHeader,
    'XroadVnpt-hash-header': createHmac('sha256', secret).update(signHeader, 'utf8').digest('hex'),
    'XroadVnpt-version': '3.0.201608',
  };
}

function delivery(d: Record<string, unknown>): AxisDeliveryInfo {
  const state = d.status === 'done' || d.status === 'fail' ? d.status : 'pending';
  return Object.freeze({
    docId: String(d.docId),
    type: d.messageType === 'status' ? 'status' : 'edoc',
    from: parseAgencyCode(String(d.from)),
    to: parseAgencyCode(String(d.to)),
    documentId: String(d.documentId ?? ''),
    ...(typeof d.statusCode === 'string' ? { statusCode: d.statusCode } : {}),
    sha256: String(d.sha256 ?? ''),
    size: Number(d.size ?? 0),
    state,
    submittedAt: new Date(String(d.created_time)),
    downloads: Number(d.downloads ?? 0),
    ...(typeof d.lastDownloadedAt === 'string' ? { lastDownloadedAt: new Date(d.lastDownloadedAt) } : {}),
    ...(state === 'fail' && typeof d.status_desc === 'string' ? { ackReason: d.status_desc } : {}),
  });
}

/**
 * The axis through its VDXP-compatible facade (`LIENTHONG_AXIS_DIALECT=vdxp`): requests signed as the VDXP
 * SDKs sign them, packages moved as the bare `.edxml` (its enveloped XML signature is the only signature:
 * the detached CMS is not sent and downloads carry none).
 */
export function createVdxpAxisGateway(options: VdxpAxisGatewayOptions): AxisGateway {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const base = () => (typeof options.baseUrl === 'function' ? options.baseUrl() : options.baseUrl).replace(/\/+$/, '');

  async function call(as: AgencyCode, op: string, params: Record<string, string>, init: { method?: string; body?: FormData } = {}): Promise<Record<string, unknown>> {
    const secret = await options.secretOf(as);
    if (!secret) throw new DomainError('ERR_KEY_UNAVAILABLE', `no axis secret stored for ${as}`);
    const headers = vdxpSignedHeaders({ systemid: as, timestamp: formatVdxpTimestamp(options.now()), ...params }, secret);
    let r: Response;
    try {
      r = await fetch(`${base()}/axis/vdxp/${op}`, { method: init.method ?? 'POST', headers, ...(init.body ? { body: init.body } : {}), signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new DomainError('ERR_AXIS_UNAVAILABLE', `axis unreachable: ${(cause as Error).message}`, { cause });
    }
    let body: Record<string, unknown> = {};
    try {
      body = (await r.json()) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    if (r.status >= 500 || r.status === 429 || r.status === 408) {
      throw new DomainError('ERR_AXIS_UNAVAILABLE', `axis answered ${r.status} to ${op}`, { details: { status: r.status } });
    }
    if (body.status !== 'OK' || body.ErrorCode !== '0') {
      const code = typeof body.ErrorCode === 'string' ? body.ErrorCode : '';
      const mapped = axisRefusalCode(code);
      throw new DomainError(mapped, `axis refused ${op}: ${typeof body.ErrorDesc === 'string' ? body.ErrorDesc : r.status}`, { details: { status: r.status, ...(code ? { axisCode: code } : {}) } });
    }
    return body;
  }

  return {
    async send(as, input) {
      const form = new FormData();
      form.set('file_doc', new Blob([input.packageBytes], { type: 'application/octet-stream' }), 'edoc.edxml');
      const hash = createHash('sha256').update(input.packageBytes).digest('hex');
      const body = await call(as, 'sendEdoc', { from: as, servicetype: 'eDoc', messagetype: input.type, 'hash-file': hash }, { body: form });
      return { docId: String(body.DocId), duplicate: body.duplicate === true };
    },
    async listPending(as, query) {
      const body = await call(as, 'getReceivedEdocList', {
        servicetype: 'eDoc',
        ...(query.type ? { messagetype: query.type } : {}),
        status: 'pending',
        pageIndex: String(query.page),
        pageSize: String(query.pageSize),
      });
      const data = Array.isArray(body.data) ? (body.data as Record<string, unknown>[]) : [];
      return { items: data.map(delivery), total: Number(body.total ?? data.length) };
    },
    async download(as, docId) {
      const body = await call(as, 'getEdoc', { docId });
      return { info: delivery(body.item as Record<string, unknown>), packageBytes: new Uint8Array(Buffer.from(String(body.data), 'base64')), signature: new Uint8Array(0) };
    },
    async ack(as, docId, status, reason) {
      await call(as, 'updateStatus', { docId, status, ...(reason ? { reason: reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 500) } : {}) });
    },
    async listAgencies(as, query) {
      const body = await call(as, 'getAgenciesList', { pageIndex: String(query.page), pageSize: String(query.pageSize) }, { method: 'GET' });
      const data = Array.isArray(body.data) ? (body.data as { code: string; pcode: string; name: string }[]) : [];
      return {
        items: data.map((a) => Object.freeze({ code: parseAgencyCode(a.code), name: String(a.name), parentCode: a.pcode ? parseAgencyCode(a.pcode) : null })),
        total: Number(body.total ?? data.length),
      };
    },
    getAgency: (as, code) => options.registry.getAgency(as, code),
    // VDXP's registry has no certificates: who holds one is asked of the lienthong API, as getAgency is.
    findCertificateHolder: (as, sha256) => options.registry.findCertificateHolder(as, sha256),
  };
}
