import type { DevAgency } from '../../../../crypto/index.js';
import type { AgencyCode } from '../../../../server/domain/agency/index.js';
import { formatVdxpTimestamp } from '../../../../server/axis/index.js';
import { buildEdocPackage, signPackage, signPackageXml, type Attachment, type Bussiness } from '../../../../server/domain/edxml/index.js';
import { vdxpSignedHeaders } from '../../../../server/node/axis-client/vdxp-axis-gateway.js';
import { readJson } from '../../../support/http.js';

/**
 * Drives the axis API by hand for an agency the node does not host (the tests' G12): what any system with
 * its own valid credentials can send, well-formed or hostile.
 */
export async function axisToken(baseUrl: string, code: AgencyCode, secret: string): Promise<string> {
  const r = await fetch(`${baseUrl}/axis/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId: code, secret }) });
  return (await readJson(r)).accessToken as string;
}

export interface HandPackage {
  readonly from: { readonly code: AgencyCode; readonly name: string };
  readonly to: AgencyCode;
  readonly number: string;
  /** `YYYY/MM/DD` */
  readonly date: string;
  readonly bussiness: Omit<Bussiness, 'Paper'>;
  readonly attachments?: readonly Attachment[];
}

/** The edXML DocumentId of a hand-made package. */
export const handDocumentId = (p: Pick<HandPackage, 'from' | 'number' | 'date'>) => `${p.from.code},${p.date},${p.number}/HAND-VP`;

export function buildHandPackage(p: HandPackage): Uint8Array {
  return buildEdocPackage({
    MessageHeader: {
      From: { OrganId: p.from.code, OrganName: p.from.name },
      To: [{ OrganId: p.to, OrganName: p.to }],
      DocumentId: handDocumentId(p),
      Code: { CodeNumber: p.number, CodeNotation: 'HAND-VP' },
      PromulgationInfo: { Place: 'Hà Nội', PromulgationDate: p.date },
      DocumentType: { Type: 1, TypeName: 'Công văn' },
      Subject: `Văn bản ${p.number}`,
      SignerInfo: { FullName: 'Trần B' },
      ToPlaces: [],
      OtherInfo: { Priority: 0 },
      ResponseFor: [],
    },
    TraceHeaderList: { TraceHeader: [{ OrganId: p.from.code, Timestamp: `${p.date} 09:00:00` }], Bussiness: { Paper: 0, ...p.bussiness } },
    Attachments: [...(p.attachments ?? [])],
  });
}

/** Submits a package (edoc or status) signed by `signer`; returns the HTTP status and body. */
export async function submitByHand(baseUrl: string, token: string, type: 'edoc' | 'status', pkg: Uint8Array, signer: DevAgency['seal'], at: Date): Promise<{ status: number; body: Record<string, any> }> {
  const form = new FormData();
  form.set('type', type);
  form.set('package', new Blob([pkg]), 'p.edxml');
  form.set('signature', new Blob([await signPackage(pkg, signer.identity, at)]), 'p.p7s');
  const r = await fetch(`${baseUrl}/axis/v1/edocs`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: r.status, body: await readJson(r) };
}

/** The caller's deliveries at the axis in one state (every page). */
export async function axisDeliveries(baseUrl: string, token: string, state: 'pending' | 'done' | 'fail', type?: 'edoc' | 'status'): Promise<Array<Record<string, any>>> {
  const all: Array<Record<string, any>> = [];
  for (let page = 1; ; page++) {
    const qs = new URLSearchParams({ status: state, page: String(page), pageSize: '100', ...(type ? { type } : {}) });
    const body = await readJson(await fetch(`${baseUrl}/axis/v1/edocs?${qs}`, { headers: { authorization: `Bearer ${token}` } }));
    all.push(...(body.items as Array<Record<string, any>>));
    if ((body.items as unknown[]).length < 100) return all;
  }
}

/**
 * Sends a package through the VDXP facade as the SDK does (`sendEdoc`, part `file_doc`, HMAC-signed headers),
 * XML-signed by `signer` first: the bare .edxml is all a VDXP sender moves.
 */
export async function sendEdocByVdxp(baseUrl: string, code: AgencyCode, secret: string, type: 'edoc' | 'status', pkg: Uint8Array, signer: DevAgency['seal'], at: Date): Promise<{ status: number; body: Record<string, any> }> {
  const file = await signPackageXml(pkg, signer.identity);
  const form = new FormData();
  form.set('file_doc', new Blob([file], { type: 'application/octet-stream' }), 'edoc.edxml');
  const headers = vdxpSignedHeaders({ systemid: code, timestamp: formatVdxpTimestamp(at), from: code, servicetype: 'eDoc', messagetype: type }, secret);
  const r = await fetch(`${baseUrl}/axis/vdxp/sendEdoc`, { method: 'POST', headers, body: form });
  return { status: r.status, body: await readJson(r) };
}

/** `getReceivedEdocList` as the SDK calls it: the caller's pending deliveries of one message type. */
export async function receivedByVdxp(baseUrl: string, code: AgencyCode, secret: string, type: 'edoc' | 'status', at: Date): Promise<Array<Record<string, any>>> {
  const headers = vdxpSignedHeaders({ systemid: code, timestamp: formatVdxpTimestamp(at), servicetype: 'eDoc', messagetype: type, status: 'pending', pageSize: '100' }, secret);
  const body = await readJson(await fetch(`${baseUrl}/axis/vdxp/getReceivedEdocList`, { method: 'POST', headers }));
  if (body.ErrorCode !== '0') throw new Error(`getReceivedEdocList: ${JSON.stringify(body)}`);
  return body.data as Array<Record<string, any>>;
}
