/** Idempotency keys of the clerk API (header `Idempotency-Key`), scoped to a user. */
export interface IdempotencyRecord {
  /** `<agencyCode>|<userId>|<key>`. */
  readonly scopeKey: string;
  /** hex SHA-256 of the request (metadata and file), so the same key with another request is refused. */
  readonly requestHash: string;
  /** The document id reserved for the request. */
  readonly documentId: string;
  readonly state: 'started' | 'completed';
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface IdempotencyRepository {
  /** Inserts a started record; when the key exists returns the stored record instead (one write either way). */
  begin(record: Omit<IdempotencyRecord, 'state' | 'updatedAt'>): Promise<{ readonly created: boolean; readonly record: IdempotencyRecord }>;
  /** Marks a started record completed (idempotent). */
  complete(scopeKey: string, now: Date): Promise<void>;
  /** Forgets a started record whose request failed, so a retry runs it again (idempotent). */
  abandon(scopeKey: string): Promise<void>;
  /** Takes over a started record whose owner stalled (updatedAt older than `staleBefore`). True when taken. */
  takeOver(scopeKey: string, staleBefore: Date, now: Date): Promise<boolean>;
}
