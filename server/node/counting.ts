import type { CounterName, NodeDocument } from '../domain/ports/node/index.js';
import type { NodeDeps } from './deps.js';

/** `YYYY-MM` of a `YYYY-MM-DD` date or of an instant (Vietnam time, UTC+07:00). */
export function monthOf(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 7);
  return new Date(value.getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
}

/**
 * Adds a document to the monthly counters at most once: the `counted` flag flips first (guarded write),
 * then the counters move. A crash between the two loses one count rather than counting twice.
 */
export async function countDocumentOnce(deps: Pick<NodeDeps, 'documents' | 'counters' | 'now' | 'logger'>, doc: NodeDocument, month: string, by: Partial<Record<CounterName, number>>): Promise<void> {
  let current: NodeDocument | null = doc;
  for (let i = 0; i < 10 && current && !current.counted; i++) {
    const updated = await deps.documents.update(current.id, current.version, { counted: true, updatedAt: deps.now() });
    if (updated) {
      await deps.counters.increment(doc.agencyCode, month, by);
      return;
    }
    current = await deps.documents.findById(doc.id);
  }
}

/** The counters an outgoing document adds (DOMAIN.md Reporting). */
export function outgoingCounts(doc: NodeDocument): Partial<Record<CounterName, number>> {
  return {
    outgoing: 1,
    signed: doc.verification.signatureLevel === 'signed' ? 1 : 0,
    unsigned: doc.verification.signatureLevel === 'unsigned' ? 1 : 0,
    fullyElectronic: doc.metadata.paper ? 0 : 1,
  };
}

/** The counters an incoming document adds. */
export function inboundCounts(doc: NodeDocument): Partial<Record<CounterName, number>> {
  const accepted = doc.verification.verdict === 'accepted';
  return { inbound: 1, inboundVerified: accepted && doc.verification.signatureLevel !== 'unsigned' ? 1 : 0, inboundRefused: accepted ? 0 : 1 };
}
