import { parseAgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import type { DocumentBox, NodeDocument } from '../domain/ports/node/index.js';
import type { NodeDeps, NodePrincipal } from './deps.js';
import { READING_ROLES, requireRole } from './principal.js';

/**
 * A document of the caller's agency. Another agency's document answers ERR_NOT_FOUND, exactly like a
 * missing one (no existence oracle across tenants).
 */
export async function findOwnDocument(deps: Pick<NodeDeps, 'documents'>, principal: NodePrincipal, id: string): Promise<NodeDocument> {
  requireRole(principal, READING_ROLES);
  const doc = typeof id === 'string' && id.length <= 64 ? await deps.documents.findById(id) : null;
  if (!doc || doc.agencyCode !== principal.agencyCode) throw new DomainError('ERR_NOT_FOUND', 'document not found');
  return doc;
}

export interface ListDocumentsInput {
  readonly box: DocumentBox;
  readonly page: number;
  readonly pageSize: number;
  readonly counterpart?: string;
  readonly phase?: string;
  readonly recalled?: boolean;
}

export async function listDocuments(deps: Pick<NodeDeps, 'documents'>, principal: NodePrincipal, q: ListDocumentsInput) {
  requireRole(principal, READING_ROLES);
  const page = await deps.documents.list({
    agencyCode: principal.agencyCode,
    box: q.box,
    ...(q.counterpart ? { counterpart: parseAgencyCode(q.counterpart) } : {}),
    ...(q.phase ? { phase: q.phase } : {}),
    ...(q.recalled !== undefined ? { recalled: q.recalled } : {}),
    skip: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: page.items, total: page.total, page: q.page, pageSize: q.pageSize };
}

/** The signed PDF of a document; ERR_NOT_FOUND once removed by an agreed recall. */
export async function readDocumentFile(deps: Pick<NodeDeps, 'documents' | 'blobs'>, principal: NodePrincipal, id: string): Promise<{ bytes: Uint8Array; name: string }> {
  const doc = await findOwnDocument(deps, principal, id);
  if (!doc.file.blobId) throw new DomainError('ERR_NOT_FOUND', doc.recalled ? 'the file was removed after the recall' : 'the document has no file', { details: { recalled: doc.recalled } });
  return { bytes: await deps.blobs.get(doc.file.blobId), name: doc.file.name };
}

/**
 * One kept attachment of a document (by its index in `attachments`), with its name and declared type;
 * ERR_NOT_FOUND for another agency's document, an index it does not have, or once removed by an agreed recall.
 */
export async function readDocumentAttachment(deps: Pick<NodeDeps, 'documents' | 'blobs'>, principal: NodePrincipal, id: string, index: number): Promise<{ bytes: Uint8Array; name: string; contentType: string }> {
  const doc = await findOwnDocument(deps, principal, id);
  const a = Number.isSafeInteger(index) && index >= 0 ? doc.attachments?.[index] : undefined;
  if (!a) throw new DomainError('ERR_NOT_FOUND', 'attachment not found');
  if (!a.blobId) throw new DomainError('ERR_NOT_FOUND', 'the attachment was removed after the recall', { details: { recalled: doc.recalled } });
  return { bytes: await deps.blobs.get(a.blobId), name: a.name, contentType: a.contentType };
}
