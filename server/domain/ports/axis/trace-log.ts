import type { AgencyCode } from '../../agency/index.js';

export type TraceEvent = 'submitted' | 'queued' | 'downloaded' | 'acknowledged';

/**
 * One hop of a package, append-only and hash-chained: `hash` = SHA-256 over the canonical JSON of every
 * other field, `prevHash` = the previous entry's hash (64 zeros for the first). `seq` is unique, so two
 * writers racing for the same place in the chain cannot both win.
 */
export interface TraceEntry {
  readonly seq: number;
  /** Unique per logical event (`submitted:{docId}`, `queued:{docId}:{recipient}`, …): a repeated append is a no-op. */
  readonly eventKey: string;
  readonly at: Date;
  readonly event: TraceEvent;
  /** Who caused it (agency code). */
  readonly actor: AgencyCode;
  readonly docId: string;
  readonly recipient?: AgencyCode;
  readonly details: Readonly<Record<string, string | number | boolean>>;
  readonly prevHash: string;
  readonly hash: string;
}

export interface TraceLog {
  /** The entry with the highest seq, or null for an empty log. */
  last(): Promise<TraceEntry | null>;
  /**
   * The newest entry this process wrote or read, without a database read; it may lag the chain's end when
   * another process appended since (an insert after it then fails as a duplicate seq, and {@link last} finds
   * the real end). Null when this process knows none yet.
   */
  tailHint?(): TraceEntry | null;
  /** Inserts; ERR_DUPLICATE_KEY when `seq` or `eventKey` is taken. Never updates or deletes. */
  insert(entry: TraceEntry): Promise<void>;
  findByEventKey(eventKey: string): Promise<TraceEntry | null>;
  listByDocId(docId: string): Promise<readonly TraceEntry[]>;
  /** Entries with seq ≥ fromSeq, ascending, at most `limit`. */
  listFrom(fromSeq: number, limit: number): Promise<readonly TraceEntry[]>;
}
