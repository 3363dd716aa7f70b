import type { DocumentMetadata, NodeDocument } from '../../server/domain/ports/node/index.js';

/** Metadata of an ordinary signed dispatch (công văn): the fields a test does not care about, set. */
export function sampleMetadata(over: Partial<DocumentMetadata> = {}): DocumentMetadata {
  return {
    subject: 's',
    codeNumber: '1',
    codeNotation: 'VPCP',
    promulgationDate: '2026-03-01',
    promulgationPlace: 'Hà Nội',
    documentType: { type: 1, typeName: 'Công văn' },
    signer: { fullName: 'A' },
    priority: 0,
    paper: false,
    toPlaces: [],
    responseFor: [],
    bussinessDocType: 0,
    ...over,
  };
}

/** The fields that say which document it is; every test gives its own. */
export type DocumentIdentity = Pick<NodeDocument, 'id' | 'agencyCode' | 'box' | 'dedupKey' | 'documentId' | 'from' | 'fromName' | 'to' | 'metadata' | 'recipients'>;

/**
 * A stored node document with every other field set, as of `at`: accepted and signed, its file and package
 * stored, nothing due, nothing owed to the counters, version 1. Tests override what they are about.
 */
export function sampleNodeDocument(at: Date, fields: DocumentIdentity & Partial<NodeDocument>): NodeDocument {
  return {
    file: { blobId: null, name: 'a.pdf', size: 1, sha256: 'x' },
    packageBlobId: 'p',
    signatureBlobId: 's',
    verification: { verdict: 'accepted', signatureLevel: 'signed', findings: [], verifiedAt: at },
    recalled: false,
    outgoing: [],
    dispatchDue: null,
    dispatchLease: null,
    appliedDeliveries: [],
    countPending: false,
    countedKeys: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}
