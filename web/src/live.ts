import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getFresh } from './api';

/** How often a screen asks again; the answer is a bodiless 304 while nothing changed. */
export const POLL_MS = 2000;

/**
 * Polls `path` with If-None-Match every {@link POLL_MS} while the tab is visible, and at once when it becomes
 * visible again or `bump()` is called (after the user's own change).
 */
export function useLive<T>(path: string | null): { data: T | null; error: ApiError | null; bump: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const tick = useRef<() => void>(() => undefined);
  useEffect(() => {
    if (!path) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setData(null);
    const run = async () => {
      clearTimeout(timer);
      try {
        const r = await getFresh<T>(path);
        if (!stopped && r.changed) setData(r.body);
        if (!stopped) setError(null);
      } catch (e) {
        if (!stopped) setError(e instanceof ApiError ? e : new ApiError('ERR_UNAVAILABLE', 0, String(e)));
      }
      if (!stopped) timer = setTimeout(() => (document.hidden ? undefined : void run()), POLL_MS);
    };
    const onVisible = () => !document.hidden && void run();
    tick.current = () => void run();
    document.addEventListener('visibilitychange', onVisible);
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [path]);
  return { data, error, bump: () => tick.current() };
}
