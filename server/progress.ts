/**
 * Runs `work` and, while it lasts, says every `everyMs` (10 s) that it is still going and for how long, then
 * how long it took (only when it took longer than one beat), so a long first start or CLI command never looks hung.
 */
export async function withHeartbeat<T>(say: (line: string) => void, label: string, work: () => Promise<T>, everyMs = 10_000): Promise<T> {
  const started = performance.now();
  const elapsed = () => `${Math.round((performance.now() - started) / 1000)} s`;
  const timer = setInterval(() => say(`… still ${label}: ${elapsed()} elapsed`), everyMs);
  try {
    const result = await work();
    if (performance.now() - started >= everyMs) say(`${label}: done in ${elapsed()}`);
    return result;
  } finally {
    clearInterval(timer);
  }
}

/** A progress line on stderr (CLI commands: stdout is for their result). */
export const sayOnStderr = (line: string): void => void process.stderr.write(`${line}\n`);
