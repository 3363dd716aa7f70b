import { join, resolve } from 'node:path';
import { chooseBackend, connectDatabase, locateServer, postgresProblem, startEmbeddedServer, type DatabaseCommand, type DatabaseConnection, type EmbeddedServer } from '../../storage/index.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';

export interface OpenDatabase {
  readonly connection: DatabaseConnection;
  /** Where the database is, for the start banner (no credentials). */
  readonly description: string;
  close(): Promise<void>;
}

/** The tools folder (FerretDB binary) is kept outside the data folder so a wiped database keeps it. */
export function toolsDirOf(config: Config): string {
  return resolve(process.env.LIENTHONG_TOOLS_DIR ?? join(config.dataDir, 'tools'));
}

/** MONGODB_URI when set; otherwise the embedded server (mongod, or FerretDB on LIENTHONG_EMBEDDED_BACKEND) on `<dataDir>/db`. */
export async function openDatabase(config: Config, logger: Logger, onCommand?: (command: DatabaseCommand) => void): Promise<OpenDatabase> {
  let embedded: EmbeddedServer | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    embedded = await startEmbeddedServer({
      dataDir: join(config.dataDir, 'db'),
      toolsDir: toolsDirOf(config),
      ...(config.embeddedBackend ? { backend: config.embeddedBackend } : {}),
      log: (line) => logger.info(line),
    });
    uri = embedded.uri;
    logger.info({ kind: embedded.kind, backend: embedded.backend, uri }, 'embedded database started');
  }
  const connection = await connectDatabase({ uri, dbName: config.dbName, ...(onCommand ? { onCommand } : {}) }).catch(async (e) => {
    await embedded?.stop();
    throw e;
  });
  return {
    connection,
    description: embedded ? `embedded ${embedded.description} at ${embedded.uri} (data in ${resolve(config.dataDir, 'db')})` : 'MONGODB_URI',
    close: async () => {
      await connection.close().catch(() => undefined);
      await embedded?.stop();
    },
  };
}

/**
 * Makes sure a database server can be started without a manual step (CI runs this before the tests):
 * reports mongod or FerretDB and FerretDB's storage (PostgreSQL from the npm package, or SQLite), building
 * FerretDB 1.24 with Go when neither is there. No-op with MONGODB_URI.
 */
export async function prepareDatabaseServer(config: Config, log: (line: string) => void): Promise<string> {
  if (config.mongodbUri) return 'MONGODB_URI is set: nothing to install';
  const found = await locateServer(toolsDirOf(config), log);
  if (found.kind !== 'ferretdb') return `${found.kind} at ${found.path}`;
  const dbDir = resolve(config.dataDir, 'db');
  const backend = chooseBackend({ ...(config.embeddedBackend ? { backend: config.embeddedBackend } : {}), log }, dbDir);
  const problem = backend === 'postgresql' ? postgresProblem(join(dbDir, 'postgresql')) : undefined;
  if (problem) throw new Error(`FerretDB at ${found.path}, but its PostgreSQL cannot run here: ${problem}`);
  return `${found.kind} at ${found.path}, storage ${backend}`;
}
