import { ancestorsOf, type AgencyCode } from '../domain/agency/index.js';
import type { CounterName, CounterWrite, HistogramIncrement, NodeDocument } from '../domain/ports/node/index.js';
import { vietnamMonthOf } from '../domain/vietnam-time.js';
import type { CountBatcher, NodeDeps } from './deps.js';
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
 * The stored documents one contribution adds to: the agency's counters, and the roll-up and the trend of the
 * agency and of each ancestor in the code hierarchy (the ancestor's total and its entry for every code on the
 * way down; the trend of the month only for counts, not for a duration alone), each deduplicated by the
 * contribution's key.
 */
export function writesOf(agencyCode: AgencyCode, month: string, c: Contribution): CounterWrite[] {
  const chain = [agencyCode, ...ancestorsOf(agencyCode)];
  const counts = Object.values(c.by).some((v) => v);
  const hist = c.histograms ? { histograms: c.histograms } : {};
  const out: CounterWrite[] = [{ target: 'counter', agencyCode, month, key: c.key, by: c.by, ...hist }];
  chain.forEach((code, i) => {
    out.push({ target: 'rollup', ancestor: code, month, key: c.key, below: chain.slice(0, i), by: c.by, ...hist });
    if (counts) out.push({ target: 'trend', agencyCode: code, month, key: c.key, own: i === 0, by: c.by });
  });
  return out;
}

/**
 * Applies one contribution (see {@link writesOf}): one single-document write each, so replaying the whole after
 * a crash at any point completes what is missing and counts nothing twice. Returns whether the agency's counter
 * took it.
 */
export async function applyContribution(deps: Pick<NodeDeps, 'counters'>, agencyCode: AgencyCode, month: string, c: Contribution): Promise<boolean> {
  const r = await deps.counters.applyBatch(writesOf(agencyCode, month, c));
  if (r.error !== undefined) throw r.error;
  return r.outcomes[0] === 'applied';
}

/** True when the document (in the state given) owes the counters a contribution not applied yet. */
export function owesCounts(doc: NodeDocument): boolean {
  return contributionsOf(doc).some((c) => !doc.countedKeys.includes(c.key));
}

type CountingDeps = Pick<NodeDeps, 'documents' | 'counters' | 'now'>;

/** What {@link countDocuments} did: the documents it left owing (a failed write, or a contribution owed since), and the first failure. */
export interface CountOutcome {
  readonly pending: readonly string[];
  readonly error?: unknown;
}

/**
 * Applies what each document owes the monthly counters, exactly once, in one batch: every owed contribution of
 * every document goes into one `counters.applyBatch` (one write per counter, roll-up and trend
 * document touched, whatever the number of documents), then one guarded write per document records the keys it
 * had applied and clears `countPending`. A crash anywhere in between leaves `countPending` set, and
 * {@link settlePendingCounts} replays the document (the keys make the replay count nothing twice).
 */
export async function countDocuments(deps: CountingDeps, docs: readonly NodeDocument[]): Promise<CountOutcome> {
  const owing = docs.filter((d) => d.countPending);
  const owed = owing.map((d) => contributionsOf(d).filter((c) => !d.countedKeys.includes(c.key)));
  const writes: CounterWrite[] = [];
  const writesOfDoc: [number, number][] = [];
  owing.forEach((d, i) => {
    const month = reportMonthOf(d);
    const from = writes.length;
    for (const c of owed[i]!) writes.push(...writesOf(d.agencyCode, month, c));
    writesOfDoc.push([from, writes.length]);
  });
  const result = writes.length > 0 ? await deps.counters.applyBatch(writes) : { outcomes: [] };
  let error = result.error;
  const pending: string[] = [];
  await Promise.all(
    owing.map(async (d, i) => {
      const [from, to] = writesOfDoc[i]!;
      if (result.outcomes.slice(from, to).includes('failed')) return void pending.push(d.id);
      try {
        if (!(await recordCounted(deps, d, new Set(owed[i]!.map((c) => c.key))))) pending.push(d.id);
      } catch (e) {
        error ??= e;
        pending.push(d.id);
      }
    }),
  );
  return error === undefined ? { pending } : { pending, error };
}

/**
 * Records on the document the keys just applied, clearing `countPending` unless it owes more than these (a
 * status recorded meanwhile: its own count follows). A version that moved meanwhile sends it back to the store.
 * Returns whether the document owes nothing more.
 */
async function recordCounted(deps: CountingDeps, known: NodeDocument, applied: ReadonlySet<string>): Promise<boolean> {
  let doc: NodeDocument | null = known;
  for (let i = 0; i < 10 && doc; i++) {
    if (!doc.countPending) return true;
    const counted = doc.countedKeys;
    const owed = contributionsOf(doc).filter((c) => !counted.includes(c.key));
    const done = owed.filter((c) => applied.has(c.key)).map((c) => c.key);
    if (done.length === 0) return owed.length === 0 ? Boolean(await deps.documents.update(doc.id, doc.version, { countPending: false, updatedAt: deps.now() })) : false;
    const rest = owed.length - done.length;
    const updated = await deps.documents.update(doc.id, doc.version, { countPending: rest > 0, countedKeys: [...counted, ...done], updatedAt: deps.now() });
    if (updated) return rest === 0;
    doc = await deps.documents.findById(known.id);
  }
  return doc === null;
}

/**
 * Applies what a document owes the monthly counters, exactly once. With a {@link CountBatcher} in the deps the
 * document joins the next batch and this returns at once (the answer to the clerk and the delivery do not wait
 * for the counters); without one it is counted here, a batch of one. Either way `countPending` stays set until
 * its keys are recorded, so a crash anywhere is finished by {@link settlePendingCounts}.
 */
export async function settleCounts(deps: CountingDeps & { readonly countBatcher?: CountBatcher | undefined }, id: string, known?: NodeDocument): Promise<void> {
  if (deps.countBatcher) return deps.countBatcher.submit(id, known);
  for (let i = 0; i < 10; i++) {
    // The caller's copy saves the first read; a version that moved meanwhile sends the loop back to the store.
    const doc = i === 0 && known?.id === id ? known : await deps.documents.findById(id);
    if (!doc || !doc.countPending) return;
    const r = await countDocuments(deps, [doc]);
    if (r.error !== undefined) throw r.error;
    if (r.pending.length === 0) return;
  }
}

/** Settles the documents a crash left owing the counters (those untouched for `graceMs`), in one batch. Returns how many. */
export async function settlePendingCounts(deps: Pick<NodeDeps, 'documents' | 'counters' | 'now' | 'logger'>, graceMs = 30_000, batch = 100): Promise<number> {
  const ids = await deps.documents.findCountPending(new Date(deps.now().getTime() - graceMs), batch);
  if (ids.length === 0) return 0;
  const docs = (await Promise.all(ids.map((id) => deps.documents.findById(id)))).filter((d): d is NodeDocument => d !== null);
  const r = await countDocuments(deps, docs);
  deps.logger.info({ documents: ids.length, stillPending: r.pending.length }, 'monthly counters caught up after an interrupted count');
  if (r.error !== undefined) throw r.error;
  return ids.length;
}
