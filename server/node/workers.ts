import { AsyncResource } from 'node:async_hooks';
import type { NodeDeps } from './deps.js';
import { settlePendingCounts } from './counting.js';
import { dispatchQueueOnce } from './dispatch-queue.js';
import { pollInboxOnce } from './receive/poll-inbox.js';

export interface NodeWorkers {
  /** Runs a pass now instead of waiting for the timer (after a send, in tests). */
  kick(): void;
  /** Runs a pass of one worker now (the dispatcher when something became due, the poller when a delivery arrived). */
  wake(worker: 'dispatcher' | 'poller'): void;
  /** Stops the timers and waits for the pass in progress. */
  stop(): Promise<void>;
}

/** Wraps each pass, e.g. to give it a request context (its own id, or the id of the request that kicked it). */
export type RunPass = (worker: string, pass: () => Promise<unknown>) => Promise<unknown>;

/**
 * A loop that runs `pass` every `intervalMs`, never two passes at once, errors logged and survived. Timer
 * passes run in the loop's own async context, so a request that kicked one pass does not lend its context
 * (request id) to every later one.
 */
function loop(name: string, intervalMs: number, pass: () => Promise<unknown>, deps: Pick<NodeDeps, 'logger'>, runPass: RunPass = (_w, p) => p()) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let again = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = runPass(name, pass)
      .then(
        () => undefined,
        (e) => deps.logger.error({ err: e, worker: name }, 'worker pass failed'),
      )
      .finally(() => {
        running = undefined;
        if (stopped) return;
        if (again) {
          again = false;
          setImmediate(detached);
        } else timer = setTimeout(detached, intervalMs);
      });
  };
  const detached = AsyncResource.bind(run);
  timer = setTimeout(detached, Math.min(intervalMs, 50));
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Starts the outbox dispatcher and the inbox poller of a node process. */
export function startNodeWorkers(deps: NodeDeps, options: { pollIntervalMs: number; dispatchIntervalMs: number; countIntervalMs?: number; countGraceMs?: number; runPass?: RunPass }): NodeWorkers {
  const dispatcher = loop('dispatcher', options.dispatchIntervalMs, () => dispatchQueueOnce(deps), deps, options.runPass);
  const poller = loop('inbox-poller', options.pollIntervalMs, () => pollInboxOnce(deps), deps, options.runPass);
  // Counts a crash left unsettled; harmless when several processes run it (each contribution applies once).
  const counts = loop('count-reconciler', options.countIntervalMs ?? 30_000, () => settlePendingCounts(deps, options.countGraceMs ?? 60_000), deps, options.runPass);
  return {
    kick() {
      dispatcher.kick();
      poller.kick();
    },
    wake(worker) {
      (worker === 'dispatcher' ? dispatcher : poller).kick();
    },
    async stop() {
      await Promise.all([dispatcher.stop(), poller.stop(), counts.stop()]);
    },
  };
}
