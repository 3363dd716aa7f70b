import type { AgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import type { PackageKind } from '../domain/edxml/index.js';
import type { DeliveryRecord, DeliveryState, TraceEntry } from '../domain/ports/axis/index.js';
import { toSkipLimit, type AxisDeps, type AxisPrincipal, type PageRequest } from './deps.js';
import { appendTrace } from './trace.js';

/** The caller's deliveries in one state (default pending), oldest first. Only ever the caller's. */
export async function listDeliveries(deps: AxisDeps, input: PageRequest & { principal: AxisPrincipal; state: DeliveryState; type?: PackageKind }): Promise<{ items: readonly DeliveryRecord[]; total: number; page: number; pageSize: number }> {
  const { skip, limit } = toSkipLimit(input);
  const page = await deps.deliveries.list({
    recipient: input.principal.agencyCode,
    state: input.state,
    ...(input.type ? { type: input.type } : {}),
    skip,
    limit,
  });
  return { items: page.items, total: page.total, page: input.page, pageSize: input.pageSize };
}

/** Not found and not yours answer the same, so a caller cannot probe other agencies' docIds. */
const notFound = (docId: string) => new DomainError('ERR_NOT_FOUND', 'no such document for this agency', { details: { docId } });

export interface DownloadedPackage {
  readonly delivery: DeliveryRecord;
  readonly packageBytes: Uint8Array;
  readonly signature: Uint8Array;
}

/** Downloads a package and its signature; only a recipient of it may. Each download is a trace hop. */
export async function downloadPackage(deps: AxisDeps, input: { principal: AxisPrincipal; docId: string }): Promise<DownloadedPackage> {
  const me = input.principal.agencyCode;
  const delivery = await deps.deliveries.find(input.docId, me);
  if (!delivery) throw notFound(input.docId);
  const submission = await deps.packages.findByDocId(input.docId);
  if (!submission) throw notFound(input.docId);
  const packageBytes = await deps.blobs.get(submission.blobId);
  const at = deps.now();
  const counted = (await deps.deliveries.recordDownload(input.docId, me, at)) ?? delivery;
  await appendTrace(deps.trace, {
    eventKey: `downloaded:${input.docId}:${me}:${counted.downloads}`,
    event: 'downloaded',
    actor: me,
    docId: input.docId,
    recipient: me,
    at,
    details: { download: counted.downloads },
  });
  return { delivery: counted, packageBytes, signature: submission.signature };
}

/**
 * Transport acknowledgement: pending → done | fail in one guarded single-document update. Repeating the
 * same answer is harmless (changed: false); answering differently afterwards is ERR_CONFLICT.
 */
export async function acknowledgeDelivery(deps: AxisDeps, input: { principal: AxisPrincipal; docId: string; status: 'done' | 'fail'; reason?: string }): Promise<{ delivery: DeliveryRecord; changed: boolean }> {
  const me = input.principal.agencyCode;
  const at = deps.now();
  const updated = await deps.deliveries.acknowledge(input.docId, me, input.status, at, input.reason);
  if (updated) {
    await appendTrace(deps.trace, {
      eventKey: `acknowledged:${input.docId}:${me}`,
      event: 'acknowledged',
      actor: me,
      docId: input.docId,
      recipient: me,
      at,
      details: { status: input.status },
    });
    return { delivery: updated, changed: true };
  }
  const current = await deps.deliveries.find(input.docId, me);
  if (!current) throw notFound(input.docId);
  if (current.state === input.status) return { delivery: current, changed: false };
  throw new DomainError('ERR_CONFLICT', `already acknowledged as ${current.state}`, { details: { state: current.state } });
}

/** The hops of one package, for its sender and its recipients only. */
export async function traceOfDocument(deps: AxisDeps, input: { principal: AxisPrincipal; docId: string }): Promise<readonly TraceEntry[]> {
  const submission = await deps.packages.findByDocId(input.docId);
  const me: AgencyCode = input.principal.agencyCode;
  if (!submission || (submission.sender !== me && !submission.recipients.includes(me))) throw notFound(input.docId);
  return deps.trace.listByDocId(input.docId);
}
