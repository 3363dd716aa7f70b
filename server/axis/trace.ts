import { createHash } from 'node:crypto';
import type { AgencyCode } from '../domain/agency/index.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import type { TraceEntry, TraceEvent, TraceLog } from '../domain/ports/axis/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Canonical JSON: object keys sorted, no white space, dates as ISO 8601, undefined fields left out. */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) over the canonical JSON of every field of an entry but `hash`. */
export function hashTraceEntry(entry: Omit<TraceEntry, 'hash'>): string {
  const { seq, eventKey, at, event, actor, docId, recipient, details, prevHash } = entry;
  return createHash('sha256').update(canonical({ seq, eventKey, at, event, actor, docId, recipient, details, prevHash })).digest('hex');
}

export interface TraceHop {
  readonly eventKey: string;
  readonly event: TraceEvent;
  readonly actor: AgencyCode;
  readonly docId: string;
  readonly recipient?: AgencyCode;
  readonly details: Readonly<Record<string, string | number | boolean>>;
  readonly at: Date;
}

const MAX_ATTEMPTS = 50;

/**
 * Appends one hop at the end of the hash chain. The unique `seq` decides races between processes (the loser
 * re-reads the end and tries again); the unique `eventKey` makes a repeated append a no-op that answers the
 * entry already written. The first attempt places the hop after the log's tail hint (the entry this process
 * wrote last), so an append costs one insert while no other process writes the chain.
 */
export function appendTrace(log: TraceLog, hop: TraceHop): Promise<TraceEntry> {
  // One append at a time per log in this process: they never race each other for a seq, so the tail this
  // process wrote last is the place of the next one (no read), and only another process can take it first.
  const run = (appending.get(log) ?? Promise.resolve()).then(() => appendNow(log, hop));
  appending.set(
    log,
    run.catch(() => undefined),
  );
  return run;
}

const appending = new WeakMap<TraceLog, Promise<unknown>>();

async function appendNow(log: TraceLog, hop: TraceHop): Promise<TraceEntry> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const last = (attempt === 0 ? log.tailHint?.() : null) ?? (await log.last());
    const body = {
      seq: (last?.seq ?? 0) + 1,
      eventKey: hop.eventKey,
      at: hop.at,
      event: hop.event,
      actor: hop.actor,
      docId: hop.docId,
      ...(hop.recipient ? { recipient: hop.recipient } : {}),
      details: hop.details,
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const entry: TraceEntry = Object.freeze({ ...body, hash: hashTraceEntry(body) });
    try {
      await log.insert(entry);
      return entry;
    } catch (e) {
      if (!isDomainError(e, 'ERR_DUPLICATE_KEY')) throw e;
      // Another append took this seq (read the new end and try again), or this event is in the log already.
      const end = await log.last();
      if (end && end.seq >= body.seq) {
        if (end.eventKey === hop.eventKey) return end;
        continue;
      }
      const existing = await log.findByEventKey(hop.eventKey);
      if (existing) return existing;
    }
  }
  throw new DomainError('ERR_CONFLICT', 'trace chain busy: could not append');
}

export interface ChainCheck {
  readonly ok: boolean;
  readonly checked: number;
  /** The first seq that breaks the chain (wrong hash, wrong prevHash or a gap). */
  readonly brokenAt?: number;
}

/** Checks a run of consecutive entries (ascending seq): each hash recomputes and links to the one before. */
export function verifyTraceChain(entries: readonly TraceEntry[], previousHash?: string): ChainCheck {
  let prev = previousHash;
  let prevSeq: number | undefined;
  for (const e of entries) {
    const { hash, ...body } = e;
    const expectedPrev = prev ?? (e.seq === 1 ? GENESIS_HASH : e.prevHash);
    if (hashTraceEntry(body) !== hash || e.prevHash !== expectedPrev || (prevSeq !== undefined && e.seq !== prevSeq + 1)) {
      return { ok: false, checked: entries.length, brokenAt: e.seq };
    }
    prev = hash;
    prevSeq = e.seq;
  }
  return { ok: true, checked: entries.length };
}
