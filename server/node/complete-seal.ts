import { createHash } from 'node:crypto';
import type { AgencyCode } from '../domain/agency/index.js';
import { recordSeal } from '../domain/document/index.js';
import { DomainError } from '../domain/errors.js';
import type { NodeDocument, OutgoingMessage } from '../domain/ports/node/index.js';
import type { NodeDeps } from './deps.js';
import { mutateDocument } from './mutate.js';
import { sealAndPackage } from './seal-package.js';

/**
 * Seals a document that waited for the TSA (`sealing`), packages and signs it, and records the sealed file
 * and the package on the document and its edoc message in one guarded write (issue 10 §2: a TSA that is down
 * delays the send, it never makes it go without the timestamp). ERR_TSA_UNAVAILABLE again leaves everything
 * as it was, for the dispatcher's next attempt. When another worker sealed it first, its result is kept and
 * ours is thrown away. Returns the document and message as stored.
 */
export async function completeSeal(deps: NodeDeps, doc: NodeDocument, messageId: string): Promise<{ doc: NodeDocument; message: OutgoingMessage }> {
  const sealing = doc.sealing;
  if (!sealing || !doc.file.blobId) throw new DomainError('ERR_CONFLICT', `document ${doc.id} has no file waiting for its seal`);
  const given = await deps.blobs.get(doc.file.blobId);
  const sealed = await sealAndPackage(deps, {
    self: doc.agencyCode,
    selfName: doc.fromName,
    to: doc.to,
    names: new Map<AgencyCode, string>(doc.recipients.map((r) => [r.code, r.name])),
    metadata: doc.metadata,
    documentId: doc.documentId,
    pdf: given,
    fileName: doc.file.name,
    personSignature: sealing.personSignature,
  });
  const owner = doc.agencyCode;
  const [fileBlobId, packageBlobId, signatureBlobId] = await Promise.all([
    deps.blobs.put(sealed.pdf, { contentType: 'application/pdf', filename: doc.file.name, owner }),
    deps.blobs.put(sealed.packageBytes, { contentType: 'application/xml', filename: `${doc.id}.edxml`, owner }),
    deps.blobs.put(sealed.signature, { contentType: 'application/pkcs7-signature', filename: `${doc.id}.p7s`, owner }),
  ]);
  let won = false;
  const sha256 = createHash('sha256').update(sealed.pdf).digest('hex');
  const updated = await mutateDocument(deps, doc.id, (d) => {
    const changes = recordSeal(d, { messageId, file: { blobId: fileBlobId, name: d.file.name, size: sealed.pdf.length, sha256 }, packageBlobId, signatureBlobId, verification: sealed.verification });
    won = changes !== null;
    return changes;
  });
  if (!won) {
    await Promise.all([deps.blobs.delete(fileBlobId), deps.blobs.delete(packageBlobId), deps.blobs.delete(signatureBlobId)]).catch(() => undefined);
  } else if (doc.file.blobId !== fileBlobId) {
    await deps.blobs.delete(doc.file.blobId).catch((e) => deps.logger.warn({ err: e, document: doc.id }, 'could not delete the unsealed file'));
  }
  const message = updated.outgoing.find((m) => m.id === messageId);
  if (!message?.packageBlobId) throw new DomainError('ERR_CONFLICT', `message ${messageId} has no package after sealing`);
  deps.logger.info({ document: doc.id, padesLevel: updated.verification.padesLevel }, 'sealed after waiting for the TSA');
  return { doc: updated, message };
}
