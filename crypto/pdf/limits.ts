import { CryptoError } from '../errors.js';

/**
 * Caps on the work one PDF file may cause the reader (issue 11 §2). Every real document passes the defaults;
 * a hostile one (thousands of empty revisions, cross-reference streams that inflate to tens of megabytes)
 * is refused with ERR_PDF_LIMIT before it costs more than a fraction of a second.
 */
export interface PdfLimits {
  /** Cross-reference sections (revisions) in the /Prev chain. */
  readonly maxRevisions: number;
  /** Cross-reference entries summed over every section of the chain. */
  readonly maxXrefEntries: number;
  /** Bytes inflated from the file's structural streams (cross-reference and object streams), in total. */
  readonly maxInflatedBytes: number;
}

/**
 * Defaults: 1,000 revisions (a document signed by every person of a ministry and timestamped for decades
 * stays far below), 1,000,000 entries (ISO 32000-1 Annex C.2 suggests 8,388,607 objects as an implementation
 * limit, but a 30 MiB upload holds at most ~1.5 M objects of 20 bytes), 128 MiB inflated.
 */
export const DEFAULT_PDF_LIMITS: PdfLimits = Object.freeze({ maxRevisions: 1000, maxXrefEntries: 1_000_000, maxInflatedBytes: 128 * 1024 * 1024 });

/** Fills unset caps from the defaults and checks the set ones (positive integers). */
export function resolvePdfLimits(limits: Partial<PdfLimits> | undefined): PdfLimits {
  if (limits === undefined || limits === DEFAULT_PDF_LIMITS) return DEFAULT_PDF_LIMITS;
  const out = { ...DEFAULT_PDF_LIMITS, ...(limits ?? {}) };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`PDF limit ${k} must be a positive integer`);
  }
  return Object.freeze(out);
}

export function limitExceeded(message: string): CryptoError {
  return new CryptoError('ERR_PDF_LIMIT', message);
}

/** What reading one file has spent so far, against its caps (shared by every revision view of the file). */
export class PdfBudget {
  private entries = 0;
  private inflated = 0;
  constructor(readonly limits: PdfLimits) {}

  /** Reserves `n` cross-reference entries, or throws ERR_PDF_LIMIT. */
  takeEntries(n: number): void {
    if (n > this.limits.maxXrefEntries - this.entries) {
      throw limitExceeded(`more than ${this.limits.maxXrefEntries} cross-reference entries (limit maxXrefEntries)`);
    }
    this.entries += n;
  }

  /** Bytes that may still be inflated. */
  get inflateRemaining(): number {
    return this.limits.maxInflatedBytes - this.inflated;
  }

  spendInflated(n: number): void {
    this.inflated += n;
  }
}
