import { createCounterRepository, createDocumentRepository, createHostedAgencyRepository, createSealedItemRepository, ensureNodeIndexes } from '../../storage/node/index.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { createDevelopmentKeyStore } from '../node/keys/development-key-store.js';
import type { NodeDeps } from '../node/deps.js';
import type { DatabaseConnection } from '../../storage/index.js';
import { readOrCreateSecret } from './dev-secrets.js';
import { loadFont, VIETNAMESE_BOLD_FONT_MODULE } from './node.js';

export type ReportingDeps = Pick<NodeDeps, 'counters' | 'agencies' | 'documents' | 'keys' | 'now' | 'logger' | 'font' | 'fontBold'>;

/**
 * What `lienthong report` needs from the node's database: counters, hosted agencies, documents (rebuild) and
 * the key store (to seal the PDF with the reporting agency's key), opened with the node's token secret.
 */
export async function composeReporting(config: Config, connection: DatabaseConnection, logger: Logger, now: () => Date = () => new Date()): Promise<ReportingDeps> {
  await ensureNodeIndexes(connection);
  const tokenSecret = config.tokenSecret ?? readOrCreateSecret(config.dataDir, 'token-secret').value;
  const font = loadFont(logger);
  const fontBold = loadFont(logger, VIETNAMESE_BOLD_FONT_MODULE);
  return {
    counters: createCounterRepository(connection),
    agencies: createHostedAgencyRepository(connection),
    documents: createDocumentRepository(connection),
    keys: createDevelopmentKeyStore(createSealedItemRepository(connection), tokenSecret, now),
    now,
    logger,
    ...(font ? { font } : {}),
    ...(fontBold ? { fontBold } : {}),
  };
}
