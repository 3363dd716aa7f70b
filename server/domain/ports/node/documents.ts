import type { AgencyCode } from '../../agency/index.js';
import type { DocumentBox, DocumentChanges, NodeDocument } from './types.js';

export interface DocumentQuery {
  readonly agencyCode: AgencyCode;
  readonly box: DocumentBox;
  /** Counterpart: the sender (inbox) or a recipient (outbox). */
  readonly counterpart?: AgencyCode;
  /** Latest status code seen for the document (inbox: own; outbox: any recipient). */
  readonly phase?: string;
  readonly recalled?: boolean;
  readonly skip: number;
  readonly limit: number;
}

export interface DocumentPage {
  readonly items: readonly NodeDocument[];
  readonly total: number;
}

/** The node's documents. Every change is one guarded single-document write (no transactions). */
export interface DocumentRepository {
  /** Inserts; 'duplicate' when the id or (agencyCode, dedupKey) exists already. */
  insert(doc: NodeDocument): Promise<'inserted' | 'duplicate'>;
  findById(id: string): Promise<NodeDocument | null>;
  findByDedupKey(agencyCode: AgencyCode, dedupKey: string): Promise<NodeDocument | null>;
  /** The document with this edXML DocumentId in an agency's box (inbox: from `from`). */
  findByDocumentId(agencyCode: AgencyCode, box: DocumentBox, documentId: string, from?: AgencyCode): Promise<NodeDocument | null>;
  /** Newest first. */
  list(query: DocumentQuery): Promise<DocumentPage>;
  /**
   * Applies `changes` when the stored version still equals `expectedVersion`, incrementing it. Returns the
   * new document, or null when the version moved (the caller re-reads and retries).
   */
  update(id: string, expectedVersion: number, changes: DocumentChanges): Promise<NodeDocument | null>;
  /**
   * Takes the dispatch lease of one document with a due message (dispatchDue ≤ now, lease free or expired),
   * by `dispatchPriority` (absent first), then oldest due first. Returns it with the lease set, or null when nothing is due.
   */
  claimDue(now: Date, owner: string, leaseMs: number): Promise<NodeDocument | null>;
  /** Ids of documents that still owe the counters a contribution and were last written before `before`. */
  findCountPending(before: Date, limit: number): Promise<readonly string[]>;
  /**
   * A page (by id, after `afterId`) of the documents that may count in `month` (`YYYY-MM`): a superset the
   * recount filters by report month (`lienthong report rebuild`). Outgoing message bytes are left out.
   */
  listForRecount(month: string, afterId: string | null, limit: number): Promise<readonly NodeDocument[]>;
}
