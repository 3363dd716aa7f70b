import type { Application } from 'express';
import { startServer } from '../../server/http/listen.js';

/** Mounts an app on a free loopback port for a test; `close()` stops it. */
export async function listen(app: Application): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const s = await startServer(app, 0);
  return { baseUrl: s.url, close: () => s.close(1000) };
}

/** The body of a response as loosely typed JSON, for assertions. */
export async function readJson(r: Response): Promise<any> {
  return r.json();
}
