import type { NodeDeps } from './deps.js';
import { settlePendingCounts } from './counting.js';
import { dispatchOutboxOnce } from './dispatch-outbox.js';
import { pollInboxOnce } from './receive/poll-inbox.js';

export interface NodeWorkers {
  /** Runs a pass now instead of waiting for the timer (after a send, in tests). */
  kick(): void;
  /** Stops the timers and waits for the pass in progress. */
  stop(): Promise<void>;
}

/** A loop that runs `pass` every `intervalMs`, never two passes at once, errors logged and survived. */
function loop(name: string, intervalMs: number, pass: () => Promise<unknown>, deps: Pick<NodeDeps, 'logger'>) {
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
    running = pass()
      .then(() => undefined, (e) => deps.logger.error({ err: e, worker: name }, 'worker pass failed'))
      .finally(() => {
        running = undefined;
        if (stopped) return;
        if (again) {
          again = false;
          setImmediate(run);
        } else timer = setTimeout(run, intervalMs);
      });
  };
  timer = setTimeout(run, Math.min(intervalMs, 50));
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
export function startNodeWorkers(deps: NodeDeps, options: { pollIntervalMs: number; dispatchIntervalMs: number; countIntervalMs?: number; countGraceMs?: number }): NodeWorkers {
  const dispatcher = loop('outbox-dispatcher', options.dispatchIntervalMs, () => dispatchOutboxOnce(deps), deps);
  const poller = loop('inbox-poller', options.pollIntervalMs, () => pollInboxOnce(deps), deps);
  // Counts a crash left unsettled; harmless when several processes run it (each contribution applies once).
  const counts = loop('count-reconciler', options.countIntervalMs ?? 30_000, () => settlePendingCounts(deps, options.countGraceMs ?? 60_000), deps);
  return {
    kick() {
      dispatcher.kick();
      poller.kick();
    },
    async stop() {
      await Promise.all([dispatcher.stop(), poller.stop(), counts.stop()]);
    },
  };
}
