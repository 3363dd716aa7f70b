import { ensureIndexes, pingDatabase } from '../../storage/index.js';
import type { Config } from '../config/config.js';
import { createApp } from '../http/create-app.js';
import { startServer } from '../http/listen.js';
import type { OpenApiFragment } from '../http/openapi/document.js';
import type { Logger } from '../logger.js';
import { openDatabase } from './database.js';

export interface RunningService {
  readonly url: string;
  readonly banner: readonly string[];
  stop(): Promise<void>;
}

/**
 * The composition root: opens the database, wires storage into the ports of the roles asked for, mounts
 * them on one HTTP app, starts the workers, and returns a handle that stops everything in reverse order.
 */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const db = await openDatabase(config, logger);
  const stops: Array<() => Promise<void>> = [() => db.close()];
  try {
    const openapi: OpenApiFragment[] = [];
    await ensureIndexes(db.connection);
    const app = createApp({
      logger,
      jsonBodyBytes: config.limits.jsonBodyBytes,
      openapi,
      ready: () => pingDatabase(db.connection),
    });
    const server = await startServer(app, config.port, config.host);
    stops.unshift(() => server.close());
    const banner = [`lienthong (${config.role}) listening on ${server.url}`, `database: ${db.description}`];
    return {
      url: server.url,
      banner,
      stop: async () => {
        for (const stop of stops) await stop().catch((e) => logger.error({ err: e }, 'error while stopping'));
      },
    };
  } catch (e) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw e;
  }
}
