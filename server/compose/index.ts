import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ensureIndexes, pingDatabase, type DatabaseCommand } from '../../storage/index.js';
import { createDeliveryRepository, createSubmissionRepository } from '../../storage/axis/index.js';
import { createDocumentRepository } from '../../storage/node/index.js';
import type { DeliveryQueue, PackageStore } from '../domain/ports/axis/index.js';
import type { DocumentRepository } from '../domain/ports/node/index.js';
import { checkServeConfig, type Config } from '../config/config.js';
import { parseAgencyCode } from '../domain/agency/index.js';
import { developmentAgencies } from '../domain/registry/index.js';
import { createApp, type AppDeps } from '../http/create-app.js';
import { startServer } from '../http/listen.js';
import type { OpenApiFragment } from '../http/openapi/document.js';
import type { Logger } from '../logger.js';
import { composeAxis, DEVELOPMENT_TSA_POLICY, developmentSeed } from './axis.js';
import { openDatabase } from './database.js';
import { developmentCrlSource, developmentOcspResponder, developmentOcspUrl, loadOrCreateDevelopmentPki } from './dev-pki.js';
import { readOrCreateSecret } from './dev-secrets.js';
import { readKeysDir } from './keys-dir.js';
import { composeNode, type NodeRole } from './node.js';
import { createWebAppRouter } from '../http/web-app.js';
import { createMetrics } from '../observability/metrics.js';
import { developmentAxisSecret, resolveServiceKeys } from './service-keys.js';
import { provisionHostedAgency } from '../node/provision.js';
import { loadConfiguredTrust } from '../trust/load-trust.js';
import { createCrlRefresher, fileCrlSource, urlCrlSource, type CrlSource } from '../trust/refresh-crls.js';
import { createOcspCache } from '../trust/ocsp-cache.js';

export interface RunningService {
  readonly url: string;
  readonly banner: readonly string[];
  /**
   * The repositories under the running service, for seeding history (the exchange benchmark stores 10,000
   * documents through them before it measures again); the service itself never uses this handle.
   */
  readonly history: HistoryRepositories;
  stop(): Promise<void>;
}

export interface HistoryRepositories {
  readonly documents: DocumentRepository;
  readonly submissions: PackageStore;
  readonly deliveries: DeliveryQueue;
}

/**
 * The composition root: checks every setting and reads every key and trust file (production), or creates
 * (or reloads) the development PKI and secrets (development), loads the revocation data and keeps it fresh,
 * then opens the database, wires storage into the roles asked for, mounts them on one HTTP app, seeds the
 * development registry and demo users (development only) or hosts the agencies of the keys folder, starts
 * the node's workers, and returns a handle that stops everything in reverse order.
 */
export type { DatabaseCommand };

/** Options of the whole service that are not configuration (diagnostics). */
export interface ServiceOptions {
  /** Told of every database command when it ends (the exchange benchmark uses it to show database time). */
  readonly onDatabaseCommand?: (command: DatabaseCommand) => void;
  /** Process metrics (CPU, memory, event loop, GC) on /metrics; default on (off for services started in tests). */
  readonly processMetrics?: boolean;
}

export async function startService(config: Config, logger: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  checkServeConfig(config);
  const production = config.mode === 'production';
  const now = new Date();
  const keys = await resolveServiceKeys(config);
  const configured = loadConfiguredTrust(config);
  const hosted = config.role !== 'axis' && config.keys.keysDir ? readKeysDir(config.keys.keysDir) : [];
  const registry = developmentAgencies();
  // The development certificates name the axis's OCSP responder (AIA) when its URL is known now, so OCSP works without LIENTHONG_OCSP_URL.
  const devOcspUrl = production ? undefined : developmentOcspUrl(config);
  const pki = production
    ? undefined
    : await loadOrCreateDevelopmentPki({ dataDir: config.dataDir, secret: keys.keyEncryptionKey, agencies: registry.map((a) => ({ code: a.code, name: a.name })), now, logger, ...(devOcspUrl ? { ocspUrl: devOcspUrl } : {}) });
  const demoPassword = production ? undefined : (config.demoPassword ?? readOrCreateSecret(config.dataDir, 'demo-password', () => `demo-${randomBytes(6).toString('base64url')}`).value);
  const sources: CrlSource[] = [...(pki ? [developmentCrlSource(pki)] : []), ...config.trust.crlFiles.map((f) => fileCrlSource(f, async (path) => new Uint8Array(await readFile(path)))), ...config.trust.crlUrls.map((u) => urlCrlSource(u))];
  const revocation = createCrlRefresher({ sources, now: () => new Date(), logger: logger.child({ component: 'revocation' }), intervalMs: config.trust.crlRefreshMs });
  await revocation.start();
  const trust = {
    trustAnchors: [...(pki ? [pki.root.certificate] : []), ...configured.trustAnchors],
    intermediates: configured.intermediates,
    crls: () => revocation.current(),
  };
  const secretFor = (code: string) => developmentAxisSecret(config, code);

  const metrics = createMetrics({ now: () => new Date(), processMetrics: options.processMetrics ?? true });
  const onCommand = (command: DatabaseCommand) => {
    metrics.observeDbCommand(command.name, command.ok, command.millis / 1000);
    options.onDatabaseCommand?.(command);
  };
  const db = await openDatabase(config, logger, onCommand);
  // OCSP (RFC 6960): LIENTHONG_OCSP_URL, else each certificate's AIA; for the node's seals and, on TRY_LATER, for
  // what the node receives and the axis accepts (one cache per process, shared by its roles).
  const ocsp = createOcspCache({ ...(config.ocspUrl ? { url: config.ocspUrl } : {}), now: () => new Date(), logger: logger.child({ component: 'ocsp' }), allowSha1: config.allowSha1 });
  ocsp.start();
  const stops: Array<() => Promise<void>> = [() => db.close(), async () => revocation.stop(), async () => ocsp.stop()];
  try {
    const openapi: OpenApiFragment[] = [];
    let axisRouter: AppDeps['axisRouter'];
    let vdxpRouter: AppDeps['vdxpRouter'];
    let nodeRouter: AppDeps['nodeRouter'];
    let node: NodeRole | undefined;
    let axisUrl = config.axisUrl;

    // The axis operator's secret: configured, or in development generated once into <data dir>/secrets.
    const operatorSecret = config.keys.axisOperatorSecret ?? (production ? undefined : readOrCreateSecret(config.dataDir, 'axis-operator-secret').value);
    if (config.role !== 'node') {
      // role all: a delivery for an agency this process hosts is polled at once (the node is composed below)
      const axis = await composeAxis({
        config,
        logger,
        connection: db.connection,
        onDelivered: () => node?.wake('poller'),
        tokenKeys: keys.axisTokenKeys,
        keyEncryptionKey: keys.keyEncryptionKey,
        ...trust,
        ocsp,
        ...(operatorSecret ? { operatorSecret } : {}),
        ...(pki ? { tsa: { identity: pki.tsa.identity, policy: DEVELOPMENT_TSA_POLICY }, ocspResponder: developmentOcspResponder(pki) } : {}),
      });
      if (pki) await axis.services.seedDevelopmentRegistry({ agencies: developmentSeed(pki, secretFor) });
      axisRouter = axis.router;
      vdxpRouter = axis.vdxpRouter;
      openapi.push(axis.openapi, axis.vdxpOpenapi);
      stops.unshift(() => axis.stop());
    }
    if (config.role !== 'axis') {
      if (config.role === 'node' && !axisUrl) throw new TypeError('--role node needs LIENTHONG_AXIS_URL');
      node = await composeNode({ config, logger, connection: db.connection, tokenKeys: keys.nodeTokenKeys, keyEncryptionKey: keys.keyEncryptionKey, ...trust, ocsp, axisUrl: () => axisUrl ?? '', metrics });
      if (pki && demoPassword) {
        await node.seedDevelopment({
          agencies: pki.agencies.map((a) => ({ code: parseAgencyCode(a.code), name: a.name, seal: a.seal, person: a.person, axisSecret: secretFor(a.code) })),
          demoPassword,
        });
      }
      for (const a of hosted) await provisionHostedAgency(node.deps, { ...a, users: [] });
      nodeRouter = node.router;
      openapi.push(node.openapi);
      stops.unshift(() => node!.stop());
    }
    await ensureIndexes(db.connection);

    // Production serves metrics only to a scraper holding LIENTHONG_METRICS_TOKEN; development serves them to anyone.
    const metricsRoute = config.metricsToken ? { registry: metrics, token: config.metricsToken } : production ? undefined : { registry: metrics };
    const app = createApp({
      logger,
      jsonBodyBytes: config.limits.jsonBodyBytes,
      openapi,
      ...(metricsRoute ? { metrics: metricsRoute } : {}),
      ready: () => pingDatabase(db.connection),
      ...(axisRouter ? { axisRouter } : {}),
      ...(vdxpRouter ? { vdxpRouter } : {}),
      ...(nodeRouter ? { nodeRouter, webRouter: createWebAppRouter() } : {}),
    });
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
      ...(axisRouter
        ? [
            `  operator:  national report GET ${server.url}/axis/v1/reports/monthly (token: systemId "operator", ${config.keys.axisOperatorSecret ? 'LIENTHONG_AXIS_OPERATOR_SECRET' : operatorSecret ? `secret in ${config.dataDir}/secrets/axis-operator-secret` : 'no LIENTHONG_AXIS_OPERATOR_SECRET: disabled'})`,
          ]
        : []),
      `  metrics:   ${metricsRoute ? `${server.url}/metrics${metricsRoute.token ? ' (Bearer LIENTHONG_METRICS_TOKEN)' : ''}` : 'off (production without LIENTHONG_METRICS_TOKEN)'}`,
      `  mode:      ${config.mode}; keys ${keys.source}; trust anchors ${trust.trustAnchors.length}, CRLs ${revocation.current().length} (next refresh ${revocation.nextDueAt().toISOString()})`,
      ...(hosted.length ? [`  hosted from ${config.keys.keysDir}: ${hosted.map((a) => a.code).join(', ')}`] : []),
      ...(nodeRouter && demoPassword
        ? [
            `  demo logins (every development agency, e.g. 000.00.00.G22, 000.00.00.H27): users "vanthu" (clerk), "lanhdao" (leader),`,
            `  "quantri" (admin: users, certificates, subtree reports) and "kiemtoan" (auditor: read only, subtree reports),`,
            `  password ${config.demoPassword ? 'from LIENTHONG_DEMO_PASSWORD' : `"${demoPassword}" (set LIENTHONG_DEMO_PASSWORD to choose it)`}`,
          ]
        : []),
      ...(pki ? [`  development PKI root: ${config.dataDir}/pki (DEV keys; never trust in production; \`lienthong pki export\` writes it as PEM)`] : []),
    ];
    return {
      url: server.url,
      banner,
      history: { documents: createDocumentRepository(db.connection), submissions: createSubmissionRepository(db.connection), deliveries: createDeliveryRepository(db.connection) },
      stop: async () => {
        for (const stop of stops) await stop().catch((e) => logger.error({ err: e }, 'error while stopping'));
      },
    };
  } catch (e) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw e;
  }
}
