import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { createPdfPool, type PdfPool } from '../../crypto/index.js';
import { createGridFsBlobStore, withRecentBlobCache } from '../../storage/index.js';
import {
  NODE_COLLECTIONS,
  createCounterRepository,
  createDocumentRepository,
  createHostedAgencyRepository,
  createIdempotencyRepository,
  createNodeThrottleStore,
  createOutboxFiguresReader,
  createSealedItemRepository,
  createUserRepository,
  ensureNodeIndexes,
} from '../../storage/node/index.js';
import { createThrottle, type Throttle } from '../auth/throttle.js';
import type { NodeTokenKeys } from '../auth/token.js';
import type { Config } from '../config/config.js';
import type { BlobStore } from '../domain/ports/blob-store.js';
import type { AxisGateway } from '../domain/ports/node/index.js';
import type { OpenApiFragment } from '../http/openapi/document.js';
import { nodeOpenApi } from '../http/openapi/node.js';
import { createNodeRouter } from '../http/routes/node/index.js';
import type { Logger } from '../logger.js';
import { createHttpTimestamper } from '../node/tsa/http-timestamper.js';
import { createHttpAxisGateway } from '../node/axis-client/http-axis-gateway.js';
import { createVdxpAxisGateway } from '../node/axis-client/vdxp-axis-gateway.js';
import { DEFAULT_DISPATCH_POLICY, DEFAULT_RECEIVE_POLICY, type DispatchPolicy, type NodeDeps, type OcspFetcher, type ReceivePolicy } from '../node/deps.js';
import { createCountBatcher, readingAfterBatch, type CountBatcherOptions } from '../node/count-batcher.js';
import { createDevelopmentKeyStore } from '../node/keys/development-key-store.js';
import { seedDevelopmentNode } from '../node/provision.js';
import { wakeOnDue } from '../node/wake-on-due.js';
import { startNodeWorkers, type NodeWorkers } from '../node/workers.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { measureAxisGateway, measureKeyStore, measurePdfWork } from '../observability/instrument.js';
import { currentRequestId, requestIdHeaders, runWithRequestContext } from '../observability/request-context.js';
import { keysFromTokenSecret } from './service-keys.js';
import { throttlePolicies } from './throttle.js';

const VIETNAMESE_FONT_MODULE = '@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf';
export const VIETNAMESE_BOLD_FONT_MODULE = '@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf';

/** The font with Vietnamese glyphs for visible signatures and reports, from node_modules (never downloaded). */
export function loadFont(logger: Logger, module = VIETNAMESE_FONT_MODULE): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(createRequire(import.meta.url).resolve(module)));
  } catch (e) {
    logger.warn({ err: e }, 'Vietnamese font not found: signature appearances fall back to Latin-1 text');
    return undefined;
  }
}

export interface ComposeNodeOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The database connection (storage/connect.ts). */
  readonly connection: Parameters<typeof createDocumentRepository>[0];
  /** Trusted roots and CRLs for verifying incoming documents (the development PKI's in development). */
  readonly trustAnchors: readonly Uint8Array[];
  /** The CRLs, or a function giving the current ones (refreshed in the background). */
  readonly crls: readonly Uint8Array[] | (() => readonly Uint8Array[]);
  readonly intermediates?: readonly Uint8Array[];
  /** The OCSP responses held (a function: refreshed in the background), and what fetches them for the seal's B-LT step. */
  readonly ocsp?: OcspFetcher & { current(): readonly Uint8Array[] };
  /** HMAC keys of node tokens (server/compose/service-keys.ts). */
  readonly tokenKeys?: NodeTokenKeys;
  /** The key-encryption key sealing the key store (private keys, axis secrets). */
  readonly keyEncryptionKey?: string;
  /** Development and tests: derive the keys absent above from this secret (or config.tokenSecret). */
  readonly tokenSecret?: string;
  /** Failed logins; defaults to one in this process's memory. */
  readonly throttle?: Throttle;
  /** Where the axis is; defaults to config.axisUrl (a function: for role `all`, known once listening). */
  readonly axisUrl?: string | (() => string);
  /** Replaces the HTTP axis client (tests of failure modes). */
  readonly axis?: AxisGateway;
  readonly blobStore?: BlobStore;
  readonly now?: () => Date;
  readonly workerId?: string;
  readonly dispatch?: Partial<DispatchPolicy>;
  /** How often the dispatcher looks for due messages. Default 1000 ms. */
  readonly dispatchIntervalMs?: number;
  /** How the monthly counts are batched (server/node/count-batcher.ts; defaults there). */
  readonly countBatch?: CountBatcherOptions;
  /** Inbox retry policy for transient failures (DEFAULT_RECEIVE_POLICY). */
  readonly receive?: Partial<ReceivePolicy>;
  /** Poll lease length. Default 60 s. */
  readonly pollLeaseMs?: number;
  /** RFC 3161 TSA for seals and package signatures; defaults to config.tsaUrl (unset: no timestamps). */
  readonly tsaUrl?: string;
  /** The PDF worker pool; default one made here from the config (closed by stop()). */
  readonly pdfPool?: PdfPool;
  /** Signing, verification, poll and outbox metrics (GET /metrics); absent: none. */
  readonly metrics?: ServiceMetrics;
}

export interface NodeRole {
  readonly deps: NodeDeps;
  readonly router: ReturnType<typeof createNodeRouter>;
  readonly openapi: OpenApiFragment;
  /** Starts the outbox dispatcher and inbox poller (idempotent). */
  startWorkers(): NodeWorkers;
  /** Runs a worker's pass now (once started): the poller when the axis in this process queued a delivery. */
  wake(worker: 'dispatcher' | 'poller'): void;
  /** Hosts the development agencies with demo users (issue 5 §3). */
  seedDevelopment(input: Parameters<typeof seedDevelopmentNode>[1]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wires the node role: repositories on `connection` (indexes created now), files in GridFS, the development
 * key store sealed with the token secret, the HTTP axis client, the use cases and the router for `/api/v1`.
 */
export async function composeNode(options: ComposeNodeOptions): Promise<NodeRole> {
  const { config, logger, connection } = options;
  const tokenSecret = options.tokenSecret ?? config.tokenSecret;
  const derived = tokenSecret && (!options.tokenKeys || !options.keyEncryptionKey) ? await keysFromTokenSecret(tokenSecret) : undefined;
  const tokenKeys = options.tokenKeys ?? derived?.nodeTokenKeys;
  const keyEncryptionKey = options.keyEncryptionKey ?? derived?.keyEncryptionKey;
  if (!tokenKeys || !keyEncryptionKey) throw new TypeError('composeNode needs its token keys and key-encryption key (options, or a development token secret)');
  const crlsOf =
    typeof options.crls === 'function'
      ? options.crls
      : (
          (c) => () =>
            c
        )(options.crls);
  const axisUrl = options.axisUrl ?? config.axisUrl;
  if (!axisUrl && !options.axis) throw new TypeError('composeNode needs the axis URL (LIENTHONG_AXIS_URL or options.axisUrl)');
  await ensureNodeIndexes(connection);
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics;
  const storedKeys = createDevelopmentKeyStore(createSealedItemRepository(connection), keyEncryptionKey, now);
  const keys = metrics ? measureKeyStore(storedKeys, metrics) : storedKeys;
  const secretOf = (code: string) => keys.getSecret(`axis-secret:${code}`);
  const lienthongAxis = () => createHttpAxisGateway({ baseUrl: axisUrl!, secretOf, now, headers: requestIdHeaders });
  const httpAxis = options.axis ?? (config.axisDialect === 'vdxp' ? createVdxpAxisGateway({ baseUrl: axisUrl!, secretOf, now, registry: lienthongAxis() }) : lienthongAxis());
  const axis = metrics ? measureAxisGateway(httpAxis, metrics, now) : httpAxis;
  if (metrics) {
    const outbox = createOutboxFiguresReader(connection);
    metrics.watchOutbox(() => outbox.read());
  }
  const font = loadFont(logger);
  const tsaUrl = options.tsaUrl ?? config.tsaUrl;
  const timestamper = tsaUrl ? createHttpTimestamper({ url: tsaUrl, trustAnchors: options.trustAnchors, crls: options.crls, now }) : undefined;
  const fontBold = loadFont(logger, VIETNAMESE_BOLD_FONT_MODULE);
  // Untrusted PDFs are verified (and PDFs signed) in worker threads under a time limit (issue 11 §2).
  const ownPool = options.pdfPool ? undefined : createPdfPool({ timeoutMs: config.limits.pdfTimeoutMs, ...(config.limits.pdfWorkers ? { size: config.limits.pdfWorkers } : {}) });
  const pdfPool = options.pdfPool ?? ownPool!;
  const pdf = metrics ? measurePdfWork(pdfPool, metrics) : pdfPool;
  // a write that leaves a document due wakes the dispatcher at once (its tick stays the fallback)
  const documents = wakeOnDue(createDocumentRepository(connection), () => workers?.wake('dispatcher'), now);
  const counters = createCounterRepository(connection);
  // Monthly counts in batches off the request (issue 15): reads of this process wait for what it has queued.
  const countBatcher = createCountBatcher({ documents, counters, now, logger: logger.child({ role: 'node' }) }, options.countBatch);
  const deps: NodeDeps = {
    users: createUserRepository(connection),
    agencies: createHostedAgencyRepository(connection),
    documents,
    idempotency: createIdempotencyRepository(connection),
    counters: readingAfterBatch(counters, countBatcher),
    countBatcher,
    keys,
    axis,
    blobs: options.blobStore ?? withRecentBlobCache(createGridFsBlobStore(connection, NODE_COLLECTIONS.filesBucket)),
    now,
    newId: randomUUID,
    random: Math.random,
    tokenKeys,
    tokenTtlSeconds: config.tokenTtlSeconds,
    throttle: options.throttle ?? createThrottle(createNodeThrottleStore(connection), now, throttlePolicies(config)),
    trust: {
      trustAnchors: options.trustAnchors,
      ...(options.intermediates?.length ? { intermediates: options.intermediates } : {}),
      get crls() {
        return crlsOf();
      },
      get ocspResponses() {
        return options.ocsp?.current() ?? [];
      },
    },
    ...(font ? { font } : {}),
    ...(fontBold ? { fontBold } : {}),
    allowSha1: config.allowSha1,
    dispatch: { ...DEFAULT_DISPATCH_POLICY, leaseMs: config.leaseMs, ...options.dispatch },
    pollLeaseMs: options.pollLeaseMs ?? config.leaseMs,
    receive: { ...DEFAULT_RECEIVE_POLICY, ...options.receive },
    requestLeaseMs: config.leaseMs,
    workerId: options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    logger: logger.child({ role: 'node' }),
    pdfBytes: config.limits.pdfBytes,
    ...(timestamper ? { timestamper } : {}),
    ...(options.ocsp ? { ocsp: options.ocsp } : {}),
    clockSkewMs: config.clockSkewMs,
    pdf,
    pdfLimits: config.limits.pdf,
  };
  let workers: NodeWorkers | undefined;
  const router = createNodeRouter({ deps, onQueued: () => workers?.kick() });
  return {
    deps,
    router,
    openapi: nodeOpenApi,
    startWorkers() {
      workers ??= startNodeWorkers(deps, {
        pollIntervalMs: config.pollIntervalMs,
        dispatchIntervalMs: options.dispatchIntervalMs ?? 1000,
        // A count left pending longer than a lease was interrupted: settle it (idempotent, so racing a live request is harmless).
        countIntervalMs: Math.min(30_000, config.leaseMs),
        countGraceMs: config.leaseMs,
        // Each pass logs and calls the axis under one id: the kicking request's, or its own.
        runPass: (worker, pass) => runWithRequestContext({ requestId: currentRequestId() ?? `${worker}-${randomUUID()}` }, pass),
      });
      return workers;
    },
    wake: (worker) => workers?.wake(worker),
    seedDevelopment: (input) => seedDevelopmentNode(deps, input),
    async stop() {
      await workers?.stop();
      await countBatcher.drain();
      await ownPool?.close();
    },
  };
}
