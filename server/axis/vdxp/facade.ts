import { createHash } from 'node:crypto';
import { isAgencyCode, parseAgencyCode } from '../../domain/agency/index.js';
import { DomainError } from '../../domain/errors.js';
import type { AgencyRecord, DeliveryRecord, DeliveryState } from '../../domain/ports/axis/index.js';
import type { AxisDeps, AxisPrincipal } from '../deps.js';
import { MAX_PAGE_SIZE, toSkipLimit } from '../deps.js';
import { acknowledgeDelivery, downloadPackage, listDeliveries } from '../deliveries.js';
import { listAgencies, registerAgency } from '../registry.js';
import { submitPackage, type SubmitPackageResult } from '../submit-package.js';
import { actingAgency } from './act-for.js';
import { authenticateVdxpRequest, type VdxpAuthDeps, type VdxpSignedRequest } from './authenticate-request.js';

/** What the VDXP facade needs: the axis deps and the request-key box (in RegistryDeps). */
export type VdxpDeps = AxisDeps & VdxpAuthDeps;

const invalid = (field: string, message: string) => new DomainError('ERR_VALIDATION', message, { details: { field } });

function messageType(v: string | undefined, required: boolean): 'edoc' | 'status' | undefined {
  if (v === undefined || v === '') {
    if (required) throw invalid('messagetype', 'header messagetype (edoc | status) is required');
    return undefined;
  }
  const t = v.toLowerCase();
  if (t !== 'edoc' && t !== 'status') throw invalid('messagetype', 'messagetype must be edoc or status');
  return t;
}

function serviceType(v: string | undefined): void {
  if (v !== undefined && v.toLowerCase() !== 'edoc') throw invalid('servicetype', 'servicetype must be eDoc');
}

function positive(v: string | undefined, field: string, fallback: number, max: number): number {
  if (v === undefined || v === '') return fallback;
  if (!/^\d{1,7}$/.test(v) || Number(v) < 1 || Number(v) > max) throw invalid(field, `${field} must be an integer 1…${max}`);
  return Number(v);
}

const docIdOf = (v: string | undefined): string => {
  if (!v || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) throw invalid('docId', 'header docId must be the DocId the axis gave');
  return v.toLowerCase();
};

/**
 * The Java SDK (SDKVXP 2.x, KnobstickServiceImp.createContentHA256) sends `hash-file` as the SHA-256 of the
 * file with each byte in hex WITHOUT its leading zero (Integer.toHexString); others send the usual 64 digits.
 * Both spellings of the same digest are accepted; anything else is refused.
 */
function checkFileHash(bytes: Uint8Array, given: string | undefined): void {
  if (given === undefined) return;
  const digest = createHash('sha256').update(bytes).digest();
  const padded = digest.toString('hex');
  const javaStyle = [...digest].map((b) => b.toString(16)).join('');
  const g = given.toLowerCase();
  if (g !== padded && g !== javaStyle) throw new DomainError('ERR_VALIDATION', 'hash-file does not match the file sent', { details: { field: 'hash-file' } });
}

async function who(deps: VdxpDeps, request: VdxpSignedRequest) {
  return authenticateVdxpRequest(deps, request);
}

/** `sendEdoc`: the `file_doc` part is the .edxml (its enveloped XML signature is the only signature). */
export async function vdxpSendEdoc(deps: VdxpDeps, input: { request: VdxpSignedRequest; file: Uint8Array }): Promise<SubmitPackageResult> {
  const { principal, values } = await who(deps, input.request);
  serviceType(values.servicetype);
  const type = messageType(values.messagetype, true)!;
  checkFileHash(input.file, values['hash-file']);
  const sender = await actingAgency(deps.registry, principal, values.from);
  return submitPackage(deps, { principal: sender, type, packageBytes: input.file, signature: new Uint8Array(0) });
}

/** `getReceivedEdocList`: the acting agency's deliveries (header `to` selects an agency under the system). */
export async function vdxpListReceived(deps: VdxpDeps, input: { request: VdxpSignedRequest }): Promise<{ items: readonly DeliveryRecord[]; total: number }> {
  const { principal, values } = await who(deps, input.request);
  serviceType(values.servicetype);
  const type = messageType(values.messagetype, false);
  if (values.fromdate !== undefined || values.todate !== undefined) {
    throw invalid('fromDate', 'fromDate/toDate filters are not supported by this axis; page with pageIndex/pageSize');
  }
  const state = (values.status ?? 'pending').toLowerCase();
  if (state !== 'pending' && state !== 'done' && state !== 'fail') throw invalid('status', 'status must be pending, done or fail');
  const me = await actingAgency(deps.registry, principal, values.to);
  const page = positive(values.pageindex, 'pageIndex', 1, 1_000_000);
  const pageSize = positive(values.pagesize, 'pageSize', 20, MAX_PAGE_SIZE);
  const r = await listDeliveries(deps, { principal: me, state: state as DeliveryState, ...(type ? { type } : {}), page, pageSize });
  return { items: r.items, total: r.total };
}

/**
 * `getSentEdocList`: the per-recipient states of what the acting agency sent (header `from` selects an agency
 * under the system), newest first; `docId` narrows to one package, `messagetype` to one kind.
 */
export async function vdxpListSent(deps: VdxpDeps, input: { request: VdxpSignedRequest }): Promise<{ items: readonly DeliveryRecord[]; total: number }> {
  const { principal, values } = await who(deps, input.request);
  serviceType(values.servicetype);
  const type = messageType(values.messagetype, false);
  if (values.fromdate !== undefined || values.todate !== undefined) {
    throw invalid('fromDate', 'fromDate/toDate filters are not supported by this axis; page with pageIndex/pageSize');
  }
  const docId = values.docid !== undefined ? docIdOf(values.docid) : undefined;
  const me = await actingAgency(deps.registry, principal, values.from);
  const page = positive(values.pageindex, 'pageIndex', 1, 1_000_000);
  const pageSize = positive(values.pagesize, 'pageSize', 20, MAX_PAGE_SIZE);
  const { skip, limit } = toSkipLimit({ page, pageSize });
  const r = await deps.deliveries.listSent({ sender: me.agencyCode, ...(type ? { type } : {}), ...(docId ? { docId } : {}), skip, limit });
  return { items: r.items, total: r.total };
}

/** `getEdoc`: the package bytes (the reply carries them base64). */
export async function vdxpGetEdoc(deps: VdxpDeps, input: { request: VdxpSignedRequest }): Promise<{ delivery: DeliveryRecord; packageBytes: Uint8Array }> {
  const { principal, values } = await who(deps, input.request);
  const docId = docIdOf(values.docid);
  const me = await actingAgency(deps.registry, principal, values.to);
  const r = await downloadPackage(deps, { principal: me, docId });
  return { delivery: r.delivery, packageBytes: r.packageBytes };
}

/**
 * `countReceiveEdoc` / `countReceiveStatus` (SDKVXP KnobstickServiceImp, GET): how many document or status
 * packages wait for the acting agency (header `to` selects an agency under the system), without listing them.
 */
export async function vdxpCountReceived(deps: VdxpDeps, input: { request: VdxpSignedRequest; type: 'edoc' | 'status' }): Promise<number> {
  const { principal, values } = await who(deps, input.request);
  serviceType(values.servicetype);
  const me = await actingAgency(deps.registry, principal, values.to);
  return (await listDeliveries(deps, { principal: me, state: 'pending', type: input.type, page: 1, pageSize: 1 })).total;
}

/** `updateStatus`: the transport acknowledgement, `done` or `fail`. */
export async function vdxpUpdateStatus(deps: VdxpDeps, input: { request: VdxpSignedRequest }): Promise<{ delivery: DeliveryRecord; changed: boolean }> {
  const { principal, values } = await who(deps, input.request);
  const docId = docIdOf(values.docid);
  const status = (values.status ?? '').toLowerCase();
  if (status !== 'done' && status !== 'fail') throw invalid('status', 'status must be done or fail');
  const me = await actingAgency(deps.registry, principal, values.to);
  const reason = values.reason ? values.reason.slice(0, 1000) : undefined;
  return acknowledgeDelivery(deps, { principal: me, docId, status, ...(reason ? { reason } : {}) });
}

/** `getAgenciesList`: the registry, in code order, paged with pageIndex/pageSize (default the first 100). */
export async function vdxpListAgencies(deps: VdxpDeps, input: { request: VdxpSignedRequest }): Promise<{ items: readonly AgencyRecord[]; total: number }> {
  const { values } = await who(deps, input.request);
  const page = positive(values.pageindex, 'pageIndex', 1, 1_000_000);
  const pageSize = positive(values.pagesize, 'pageSize', MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const r = await listAgencies(deps, { page, pageSize });
  return { items: r.items, total: r.total };
}

/** The JSON body of `registerAgency` as the SDKs send it (RegisterAgencyRequest: code, pcode, name, and contact fields ignored here). */
export interface VdxpAgencyBody {
  readonly code?: unknown;
  readonly pcode?: unknown;
  readonly name?: unknown;
}

const textField = (v: unknown, field: string, max: number): string => {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > max) throw invalid(field, `${field} must be a non-empty string of at most ${max} characters`);
  return v.trim();
};

/**
 * `registerAgency`: a connected system registers an agency UNDER ITSELF or under an agency it acts for
 * (`pcode`, default the system) — the subtree rule of issue 14 §4: a province's LGSP manages its own
 * departments, never another system's. The new agency gets no secret of its own (its parent system acts
 * for it); registering a top-level agency or one elsewhere stays with the axis operator (admin CLI).
 */
export async function vdxpRegisterAgency(deps: VdxpDeps, input: { request: VdxpSignedRequest; body: VdxpAgencyBody }): Promise<AgencyRecord> {
  const { principal } = await who(deps, input.request);
  const code = textField(input.body.code, 'code', 64);
  const name = textField(input.body.name, 'name', 300);
  const pcode = input.body.pcode === undefined || input.body.pcode === '' ? principal.agencyCode : textField(input.body.pcode, 'pcode', 64);
  if (!isAgencyCode(code)) throw new DomainError('ERR_AGENCY_CODE_INVALID', 'code is not an agency code', { details: { field: 'code' } });
  // The parent must be the system or under it (ERR_FORBIDDEN for anything else, known or not).
  const parent = await actingAgency(deps.registry, principal, pcode);
  return registerAgency(deps, { code, name, parentCode: parent.agencyCode });
}

/**
 * `deleteAgency` (header `code`): removes an agency registered under the calling system (never the system
 * itself, never outside its subtree: ERR_FORBIDDEN). Refused with ERR_CONFLICT while agencies are registered
 * under it or deliveries wait for it, so nothing is stranded; one guarded single-document delete.
 */
export async function vdxpDeleteAgency(deps: VdxpDeps, input: { request: VdxpSignedRequest }): Promise<{ code: string }> {
  const { principal, values } = await who(deps, input.request);
  const named = values.code ?? '';
  if (named === principal.agencyCode) throw new DomainError('ERR_FORBIDDEN', 'a system cannot delete itself', { details: { system: principal.agencyCode } });
  if (named === '') throw invalid('code', 'header code (the agency to delete) is required');
  const target = await actingAgency(deps.registry, principal, named);
  const record = await deps.registry.findByCode(target.agencyCode);
  if (!record) throw new DomainError('ERR_AGENCY_UNKNOWN', 'no such agency', { details: { code: target.agencyCode } });
  const children = await deps.registry.list({ parentCode: record.code, skip: 0, limit: 1 });
  if (children.total > 0) throw new DomainError('ERR_CONFLICT', `agencies are registered under ${record.code}; delete them first`, { details: { code: record.code } });
  const waiting = await deps.deliveries.list({ recipient: record.code, state: 'pending', skip: 0, limit: 1 });
  if (waiting.total > 0) throw new DomainError('ERR_CONFLICT', `deliveries are waiting for ${record.code}`, { details: { code: record.code } });
  if (!(await deps.registry.remove(parseAgencyCode(record.code), record.version))) {
    throw new DomainError('ERR_CONFLICT', `${record.code} changed meanwhile; try again`, { details: { code: record.code } });
  }
  deps.logger?.info({ event: 'vdxp.deleteAgency', system: principal.agencyCode, code: record.code }, 'agency deleted through the VDXP facade');
  return { code: record.code };
}

export type { AxisPrincipal };
