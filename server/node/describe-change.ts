import type { AgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import type { DocumentMetadata } from '../domain/ports/node/index.js';
import type { NodeDeps } from './deps.js';

const refuse = (message: string) => new DomainError('ERR_VALIDATION', `metadata.bussiness.targetDocumentId: ${message}`, { details: { issues: [{ path: 'metadata.bussiness.targetDocumentId', message }] } });

/** The document information an update may change (edXML `BussinessDocumentInfo/DocumentInfo`). */
const infoOf = (m: DocumentMetadata) => JSON.stringify([m.subject, m.documentType, m.signer, m.priority, m.dueDate ?? null, m.promulgationPlace, m.toPlaces, m.steeringType ?? null]);

/**
 * Completes an update's or a replace's metadata with the `Bussiness` blocks the receivers act on
 * (QCVN 102:2016): the earlier document must be one this agency sent (else ERR_VALIDATION at
 * `metadata.bussiness.targetDocumentId`, nothing stored). An update gets `BussinessDocumentInfo`
 * (DocumentInfo 1 when its information differs from the earlier one's, DocumentReceiver 1 when its recipients
 * do, and then a ReceiverList of the recipients it adds, ReceiverType 1, and removes, ReceiverType 0 — the
 * meaning of the 0/1 values is our reading, not checked against the standard's text); a replace gets a
 * `ReplacementInfoList` naming the earlier document and the recipients whose copy it replaces (at least one).
 */
export async function describeChange(deps: NodeDeps, self: AgencyCode, metadata: DocumentMetadata, to: readonly AgencyCode[]): Promise<DocumentMetadata> {
  if ((metadata.bussinessDocType !== 2 && metadata.bussinessDocType !== 3) || !metadata.targetDocumentId) return metadata;
  const earlier = await deps.documents.findByDocumentId(self, 'outbox', metadata.targetDocumentId);
  if (!earlier) throw refuse('no document with this DocumentId was sent by this agency');
  if (metadata.bussinessDocType === 3) {
    const organIds = earlier.to.filter((code) => to.includes(code));
    if (organIds.length === 0) throw refuse('a replacement goes to at least one recipient of the document it replaces');
    return { ...metadata, replaces: [{ documentId: earlier.documentId, organIds }] };
  }
  const added = to.filter((code) => !earlier.to.includes(code));
  const removed = earlier.to.filter((code) => !to.includes(code));
  const receiversChanged = added.length > 0 || removed.length > 0;
  return {
    ...metadata,
    receiverChanges: {
      documentInfo: infoOf(metadata) === infoOf(earlier.metadata) ? 0 : 1,
      documentReceiver: receiversChanged ? 1 : 0,
      receivers: [...added.map((organId) => ({ organId, receiverType: 1 as const })), ...removed.map((organId) => ({ organId, receiverType: 0 as const }))],
    },
  };
}
