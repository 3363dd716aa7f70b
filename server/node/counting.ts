import { ancestorsOf, type AgencyCode } from '../domain/agency/index.js';
import type { CounterName, HistogramIncrement, NodeDocument } from '../domain/ports/node/index.js';
import { vietnamMonthOf } from '../domain/vietnam-time.js';
import type { NodeDeps } from './deps.js';
import { bucketOf } from './report/duration-histogram.js';

/** `YYYY-MM` of a `YYYY-MM-DD` date or of an instant (Vietnam time, UTC+07:00). */
export function monthOf(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 7);
  return vietnamMonthOf(value);
}

/**
 * The month a document counts in: that of its promulgation date (DOMAIN.md, Reporting), or of its arrival when
 * a refused incoming package carried no readable date.
 */
export function reportMonthOf(doc: Pick<NodeDocument, 'metadata' | 'createdAt'>): string {
  const date = doc.metadata.promulgationDate;
  return /^\d{4}-(0[1-9]|1[0-2])-\d{2}$/.test(date) ? monthOf(date) : monthOf(doc.createdAt);
}

type Counts = Partial<Record<CounterName, number>>;

/** What a document adds to its agency's counters for the month of its promulgation date (DOMAIN.md, Reporting). */
export interface Contribution {
  /** Unique per document and kind: `<id>:sent`, `<id>:received`, `<id>:recalled`. */
  readonly key: string;
  readonly by: Counts;
  /** Durations to add to the month's histograms (one bucket each). */
  readonly histograms?: HistogramIncrement;
}

/** The counters an outgoing document adds. */
export function outgoingCounts(doc: NodeDocument): Counts {
  return {
    outgoing: 1,
    signed: doc.verification.signatureLevel === 'signed' ? 1 : 0,
    unsigned: doc.verification.signatureLevel === 'unsigned' ? 1 : 0,
    fullyElectronic: doc.metadata.paper ? 0 : 1,
  };
}

/**
 * A refusal is indeterminate when a signature could not be decided and none failed (ETSI EN 319 102-1
 * INDETERMINATE: no chain to a trusted root, revocation unknown, ...): usually configuration, not forgery.
 */
export function isIndeterminateRefusal(doc: Pick<NodeDocument, 'verification'>): boolean {
  const v = doc.verification;
  return v.verdict === 'refused' && v.findings.some((f) => f.indication === 'INDETERMINATE') && !v.findings.some((f) => f.indication === 'TOTAL_FAILED');
}

/** The counters an incoming document adds. */
export function inboundCounts(doc: NodeDocument): Counts {
  const accepted = doc.verification.verdict === 'accepted';
  const indeterminate = isIndeterminateRefusal(doc);
  return {
    inbound: 1,
    inboundVerified: accepted && doc.verification.signatureLevel !== 'unsigned' ? 1 : 0,
    inboundRefused: !accepted && !indeterminate ? 1 : 0,
    inboundIndeterminate: indeterminate ? 1 : 0,
  };
}

/**
 * For each recipient of an outgoing document, the time from sending (the document's creation) to its first
 * 01 (arrived) and to its first 03 (accepted), as the sender's node recorded them: one histogram entry each.
 */
function timingContributions(doc: NodeDocument): Contribution[] {
  const out: Contribution[] = [];
  for (const r of doc.recipients) {
    for (const [code, name, tag] of [
      ['01', 'toArrived', 't01'],
      ['03', 'toAccepted', 't03'],
    ] as const) {
      const entry = r.timeline.find((t) => t.code === code);
      if (!entry) continue;
      const bucket = bucketOf(new Date(entry.at).getTime() - doc.createdAt.getTime());
      out.push({ key: `${doc.id}:${tag}:${r.code}`, by: {}, histograms: { [name]: { [bucket]: 1 } } });
    }
  }
  return out;
}

/**
 * Every contribution a document owes in its present state: what it adds when sent or received, and for an
 * outgoing document whose recall was agreed, the move out of the outgoing ratios into `recalled`.
 */
export function contributionsOf(doc: NodeDocument): readonly Contribution[] {
  // A revoke package is a request about an earlier document, not a document: it is never counted (applied or refused).
  if (doc.box === 'inbox' && doc.metadata.bussinessDocType === 1) return [];
  if (doc.box === 'inbox') return [{ key: `${doc.id}:received`, by: inboundCounts(doc) }];
  const sent = outgoingCounts(doc);
  const out: Contribution[] = [{ key: `${doc.id}:sent`, by: sent }];
  if (doc.recalled) {
    out.push({ key: `${doc.id}:recalled`, by: { recalled: 1, signed: -(sent.signed ?? 0), fullyElectronic: -(sent.fullyElectronic ?? 0), unsigned: -(sent.unsigned ?? 0) } });
  }
  out.push(...timingContributions(doc));
  return out;
}

/**
 * Applies one contribution to the agency's counters, and to the roll-up and the trend of the agency and of each
 * ancestor in the code hierarchy (the ancestor's total and its entry for every code on the way down; the trend
 * of the month only for counts, not for a duration alone): one single-document write each, every one
 * deduplicated by the contribution's key, so replaying the whole after a crash at any point completes what is
 * missing and counts nothing twice. Returns whether the agency's counter took it.
 */
export async function applyContribution(deps: Pick<NodeDeps, 'counters'>, agencyCode: AgencyCode, month: string, c: Contribution): Promise<boolean> {
  const applied = await deps.counters.apply(agencyCode, month, c.key, c.by, c.histograms);
  const chain = [agencyCode, ...ancestorsOf(agencyCode)];
  const counts = Object.values(c.by).some((v) => v);
  const writes = await Promise.allSettled(chain.flatMap((code, i) => [deps.counters.applyRollup(code, month, c.key, chain.slice(0, i), c.by, c.histograms), ...(counts ? [deps.counters.applyTrend(code, month, c.key, i === 0, c.by)] : [])]));
  const failed = writes.find((w): w is PromiseRejectedResult => w.status === 'rejected');
  if (failed) throw failed.reason;
  return applied;
}

/** True when the document (in the state given) owes the counters a contribution not applied yet. */
export function owesCounts(doc: NodeDocument): boolean {
  return contributionsOf(doc).some((c) => !doc.countedKeys.includes(c.key));
}

/**
 * Applies what a document owes the monthly counters, exactly once: each contribution is applied by key (the
 * counter ignores a key it has seen), then one guarded write records the keys and clears `countPending`.
 * A crash anywhere in between leaves `countPending` set, and {@link settlePendingCounts} finishes the job.
 */
export async function settleCounts(deps: Pick<NodeDeps, 'documents' | 'counters' | 'now'>, id: string, known?: NodeDocument): Promise<void> {
  for (let i = 0; i < 10; i++) {
    // The caller's copy saves the first read; a version that moved meanwhile sends the loop back to the store.
    const doc = i === 0 && known?.id === id ? known : await deps.documents.findById(id);
    if (!doc || !doc.countPending) return;
    const owed = contributionsOf(doc).filter((c) => !doc.countedKeys.includes(c.key));
    const month = reportMonthOf(doc);
    for (const c of owed) await applyContribution(deps, doc.agencyCode, month, c);
    const updated = await deps.documents.update(doc.id, doc.version, { countPending: false, countedKeys: [...doc.countedKeys, ...owed.map((c) => c.key)], updatedAt: deps.now() });
    if (updated) return;
  }
}

/** Settles the documents a crash left owing the counters (those untouched for `graceMs`). Returns how many. */
export async function settlePendingCounts(deps: Pick<NodeDeps, 'documents' | 'counters' | 'now' | 'logger'>, graceMs = 30_000, batch = 100): Promise<number> {
  const ids = await deps.documents.findCountPending(new Date(deps.now().getTime() - graceMs), batch);
  for (const id of ids) await settleCounts(deps, id);
  if (ids.length > 0) deps.logger.info({ documents: ids.length }, 'monthly counters caught up after an interrupted count');
  return ids.length;
}
