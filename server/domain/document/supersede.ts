import type { DocumentChanges, NodeDocument } from '../ports/node/index.js';

/**
 * Marks an incoming document updated (BussinessDocType 2) or replaced (3) by a later package from the same
 * sender; null (nothing to write) when it is marked already, so applying the same package again is harmless.
 */
export function markSuperseded(doc: Pick<NodeDocument, 'supersededBy'>, by: { readonly documentId: string; readonly kind: 'update' | 'replace'; readonly at: Date }): Pick<DocumentChanges, 'supersededBy'> | null {
  return doc.supersededBy ? null : { supersededBy: { documentId: by.documentId, kind: by.kind, at: by.at } };
}
