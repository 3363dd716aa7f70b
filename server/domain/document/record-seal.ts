import type { DocumentChanges, NodeDocument, StoredFile, Verification } from '../ports/node/index.js';

/**
 * Records the seal of a document that waited for the time-stamping authority (`sealing`): the sealed file, the
 * package, its verification, and the package on message `messageId`. Null (nothing to write) when it is no
 * longer waiting: another worker sealed it first. Nothing becomes due by it: the message was due already.
 */
export function recordSeal(
  doc: Pick<NodeDocument, 'sealing' | 'outgoing'>,
  seal: { readonly messageId: string; readonly file: StoredFile; readonly packageBlobId: string; readonly signatureBlobId: string; readonly verification: Verification },
): Pick<DocumentChanges, 'file' | 'packageBlobId' | 'signatureBlobId' | 'verification' | 'sealing' | 'outgoing'> | null {
  if (!doc.sealing) return null;
  const { packageBlobId, signatureBlobId } = seal;
  return {
    file: seal.file,
    packageBlobId,
    signatureBlobId,
    verification: seal.verification,
    sealing: null,
    outgoing: doc.outgoing.map((m) => (m.id === seal.messageId ? { ...m, packageBlobId, signatureBlobId } : m)),
  };
}
