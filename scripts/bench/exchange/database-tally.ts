import type { DatabaseCommand } from '../../../server/compose/index.js';

interface Tally {
  count: number;
  millis: number;
}

/**
 * Database commands of the service, counted while `recording` is on: how many, and their summed latency,
 * by collection and by command. Latency, not CPU: commands in flight at the same time each count their wait.
 */
export function createDatabaseTally() {
  const byKey = new Map<string, Tally>();
  let recording = false;
  let total: Tally = { count: 0, millis: 0 };
  return {
    onCommand(c: DatabaseCommand): void {
      if (!recording) return;
      const key = `${c.name} ${c.collection || '(database)'}`;
      const t = byKey.get(key) ?? { count: 0, millis: 0 };
      t.count++;
      t.millis += c.millis;
      byKey.set(key, t);
      total = { count: total.count + 1, millis: total.millis + c.millis };
    },
    start(): void {
      recording = true;
    },
    stop(): void {
      recording = false;
    },
    /** Forgets what was counted. */
    reset(): void {
      byKey.clear();
      total = { count: 0, millis: 0 };
    },
    total: () => total,
    /** The `n` costliest (command, collection) pairs, per document. */
    top(n: number, perDocuments: number): { key: string; count: number; millis: number }[] {
      return [...byKey]
        .sort((a, b) => b[1].millis - a[1].millis)
        .slice(0, n)
        .map(([key, t]) => ({ key, count: t.count / perDocuments, millis: t.millis / perDocuments }));
    },
  };
}
