import type { CounterRepository, NodeDocument } from '../domain/ports/node/index.js';
import { countDocuments } from './counting.js';
import type { CountBatcher, NodeDeps } from './deps.js';

export type { CountBatcher };

export interface CountBatcherOptions {
  /** How long the first document of a batch waits for others (default 200 ms). */
  readonly windowMs?: number;
  /** A batch holds at most this many documents; a full one starts at once (default 100). */
  readonly maxDocuments?: number;
}

/**
 * The node's {@link CountBatcher}: a batch starts `windowMs` after the first document queued (at once when
 * full), one batch at a time; documents queued meanwhile form the next.
 */
export function createCountBatcher(deps: Pick<NodeDeps, 'documents' | 'counters' | 'now' | 'logger'>, options: CountBatcherOptions = {}): CountBatcher {
  const windowMs = options.windowMs ?? 200;
  const maxDocuments = options.maxDocuments ?? 100;
  /** Queued documents by id: the copy of the highest version, or undefined to read it. */
  const queue = new Map<string, NodeDocument | undefined>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** The documents of the batch under way. */
  let inFlight = new Set<string>();
  /** Waiters for the end of the batch under way. */
  let ended: (() => void)[] = [];

  async function countBatch(batch: Map<string, NodeDocument | undefined>): Promise<void> {
    try {
      const docs = await Promise.all([...batch].map(async ([id, known]) => known ?? (await deps.documents.findById(id))));
      const r = await countDocuments(
        deps,
        docs.filter((d): d is NodeDocument => d !== null),
      );
      if (r.error !== undefined) deps.logger.warn({ err: r.error, documents: batch.size, pending: r.pending.length }, 'monthly counters not written; the reconciler counts these documents later');
    } catch (e) {
      deps.logger.warn({ err: e, documents: batch.size }, 'monthly counters not written; the reconciler counts these documents later');
    }
  }

  /** Runs batches one after another while documents are queued. */
  function start(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (running || queue.size === 0) return;
    running = (async () => {
      while (queue.size > 0) {
        const batch = new Map<string, NodeDocument | undefined>();
        for (const [id, doc] of queue) {
          if (batch.size >= maxDocuments) break;
          batch.set(id, doc);
        }
        for (const id of batch.keys()) queue.delete(id);
        inFlight = new Set(batch.keys());
        await countBatch(batch);
        inFlight = new Set();
        const waiters = ended;
        ended = [];
        for (const w of waiters) w();
      }
    })().finally(() => {
      running = undefined;
      if (queue.size > 0) schedule();
    });
  }

  function schedule(): void {
    if (queue.size >= maxDocuments) start();
    else if (!running) timer ??= setTimeout(start, windowMs).unref();
  }

  return {
    submit(id, known) {
      const held = queue.get(id);
      queue.set(id, known && known.id === id && (!held || held.version <= known.version) ? known : held);
      schedule();
    },
    async drain() {
      const wanted = [...queue.keys(), ...inFlight];
      while (wanted.some((id) => queue.has(id) || inFlight.has(id))) {
        const end = new Promise<void>((resolve) => ended.push(resolve));
        start();
        await end;
      }
    },
  };
}

/**
 * The counters as this process reads them: a read first waits for the documents queued in `batcher` at that
 * moment, so a report read after a send or a reception includes it (read your own writes; another process's
 * queue may lag by a batch window).
 */
export function readingAfterBatch(counters: CounterRepository, batcher: CountBatcher): CounterRepository {
  const after =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await batcher.drain();
      return read(...args);
    };
  return {
    ...counters,
    get: after(counters.get),
    getMany: after(counters.getMany),
    getRollup: after(counters.getRollup),
    listRollups: after(counters.listRollups),
    getTrend: after(counters.getTrend),
    listTrends: after(counters.listTrends),
    listRange: after(counters.listRange),
    agenciesOf: after(counters.agenciesOf),
  };
}
