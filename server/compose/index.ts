import { createHmac, randomBytes } from 'node:crypto';
import { ensureIndexes, pingDatabase, type DatabaseCommand } from '../../storage/index.js';
import type { Config } from '../config/config.js';
import { parseAgencyCode } from '../domain/agency/index.js';
import { developmentAgencies } from '../domain/registry/index.js';
import { createApp, type AppDeps } from '../http/create-app.js';
import { startServer } from '../http/listen.js';
import type { OpenApiFragment } from '../http/openapi/document.js';
import type { Logger } from '../logger.js';
import { composeAxis, developmentSeed } from './axis.js';
import { openDatabase } from './database.js';
import { loadOrCreateDevelopmentPki } from './dev-pki.js';
import { readOrCreateSecret } from './dev-secrets.js';
import { composeNode, type NodeRole } from './node.js';
import { createWebAppRouter } from '../http/web-app.js';

export interface RunningService {
  readonly url: string;
  readonly banner: readonly string[];
  stop(): Promise<void>;
}

/** A development agency's axis secret, derived from the token secret so nothing more needs storing. */
function developmentAxisSecret(tokenSecret: string, code: string): string {
  return createHmac('sha256', tokenSecret).update(`axis-secret:${code}`).digest('base64url');
}

/**
 * The composition root: opens the database, creates (or reloads) the development PKI and secrets, wires
 * storage into the roles asked for, mounts them on one HTTP app, seeds the development registry and the demo
 * users, starts the node's workers, and returns a handle that stops everything in reverse order.
 */
export type { DatabaseCommand };

/** Options of the whole service that are not configuration (diagnostics). */
export interface ServiceOptions {
  /** Told of every database command when it ends (the exchange benchmark uses it to show database time). */
  readonly onDatabaseCommand?: (command: DatabaseCommand) => void;
}

export async function startService(config: Config, logger: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  const now = new Date();
  const tokenSecret = config.tokenSecret ?? readOrCreateSecret(config.dataDir, 'token-secret').value;
  const demoPassword =
    config.demoPassword ?? readOrCreateSecret(config.dataDir, 'demo-password', () => `demo-${randomBytes(6).toString('base64url')}`).value;
  const registry = developmentAgencies();
  const pki = await loadOrCreateDevelopmentPki({ dataDir: config.dataDir, secret: tokenSecret, agencies: registry.map((a) => ({ code: a.code, name: a.name })), now, logger });
  const trust = { trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl] };
  const secretFor = (code: string) => developmentAxisSecret(tokenSecret, code);

  const db = await openDatabase(config, logger, options.onDatabaseCommand);
  const stops: Array<() => Promise<void>> = [() => db.close()];
  try {
    const openapi: OpenApiFragment[] = [];
    let axisRouter: AppDeps['axisRouter'];
    let nodeRouter: AppDeps['nodeRouter'];
    let node: NodeRole | undefined;
    let axisUrl = config.axisUrl;

    if (config.role !== 'node') {
      const axis = await composeAxis({ config, logger, connection: db.connection, tokenSecret, ...trust });
      await axis.services.seedDevelopmentRegistry({ agencies: developmentSeed(pki, secretFor) });
      axisRouter = axis.router;
      openapi.push(axis.openapi);
      stops.unshift(() => axis.stop());
    }
    if (config.role !== 'axis') {
      if (config.role === 'node' && !axisUrl) throw new TypeError('--role node needs LIENTHONG_AXIS_URL');
      node = await composeNode({ config, logger, connection: db.connection, tokenSecret, ...trust, axisUrl: () => axisUrl ?? '' });
      await node.seedDevelopment({
        agencies: pki.agencies.map((a) => ({ code: parseAgencyCode(a.code), name: a.name, seal: a.seal, person: a.person, axisSecret: secretFor(a.code) })),
        demoPassword,
      });
      nodeRouter = node.router;
      openapi.push(node.openapi);
      stops.unshift(() => node!.stop());
    }
    await ensureIndexes(db.connection);

    const app = createApp({ logger, jsonBodyBytes: config.limits.jsonBodyBytes, openapi, ready: () => pingDatabase(db.connection), ...(axisRouter ? { axisRouter } : {}), ...(nodeRouter ? { nodeRouter, webRouter: createWebAppRouter() } : {}) });
    const server = await startServer(app, config.port, config.host);
    // Stop order: the node's workers (they call the axis over HTTP), then the HTTP server, then the rest.
    stops.splice(node ? 1 : 0, 0, () => server.close());
    axisUrl ??= server.url;
    node?.startWorkers();

    const banner = [
      `lienthong (role ${config.role}) listening on ${server.url}`,
      `  database:  ${db.description}`,
      ...(axisRouter ? [`  axis API:  ${server.url}/axis/v1   (agencies: ${server.url}/axis/v1/agencies)`] : []),
      ...(nodeRouter ? [`  web app:   ${server.url}/   (the clerks' app; same logins)`, `  clerk API: ${server.url}/api/v1   (login: POST ${server.url}/api/v1/auth/login)`, `  axis used: ${axisUrl}`] : []),
      `  OpenAPI:   ${server.url}/openapi.json`,
      ...(nodeRouter
        ? [
            `  demo logins (every development agency, e.g. 000.00.00.G22, 000.00.00.H27): users "vanthu" (clerk) and "lanhdao" (leader),`,
            `  password ${config.demoPassword ? 'from LIENTHONG_DEMO_PASSWORD' : `"${demoPassword}" (set LIENTHONG_DEMO_PASSWORD to choose it)`}`,
          ]
        : []),
      `  development PKI root: ${config.dataDir}/pki (DEV keys; never trust in production)`,
    ];
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
