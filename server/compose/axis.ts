import { randomUUID } from 'node:crypto';
import { AXIS_COLLECTIONS, createAgencyRepository, createAxisThrottleStore, createDeliveryRepository, createSubmissionRepository, createSeenRequestRepository, createTraceRepository, ensureAxisIndexes } from '../../storage/axis/index.js';
import { createGridFsBlobStore, withRecentBlobCache } from '../../storage/index.js';
import { createPdfPool, isCryptoError, type DevelopmentPki, type OcspResponder, type PdfPool, type TimestampAuthority } from '../../crypto/index.js';
import type { EnvelopedVerifier } from '../domain/edxml/index.js';
import { DomainError } from '../domain/errors.js';
import { createThrottle, type Throttle } from '../auth/throttle.js';
import type { AxisTokenKeys } from '../auth/token.js';
import { keysFromTokenSecret } from './service-keys.js';
import { throttlePolicies } from './throttle.js';
import { createAxisServices, createRequestKeyBox, type AxisServices, type RegistryDeps, type SeedAgency } from '../axis/index.js';
import { developmentAgencies } from '../domain/registry/index.js';
import type { Config } from '../config/config.js';
import type { BlobStore } from '../domain/ports/blob-store.js';
import type { DeliveryQueue } from '../domain/ports/axis/index.js';
import { axisOpenApi } from '../http/openapi/axis.js';
import type { OpenApiFragment } from '../http/openapi/document.js';
import { createAxisRouter } from '../http/routes/axis/index.js';
import { vdxpOpenApi } from '../http/openapi/vdxp.js';
import { createVdxpRouter } from '../http/routes/axis/vdxp-router.js';
import type { Logger } from '../logger.js';
import type { OcspFetcher } from '../trust/verify-fetching-ocsp.js';

/** mongoose's Connection, named without importing mongoose here (only storage/ imports it). */
type Connection = Parameters<typeof ensureAxisIndexes>[0];

export interface ComposeAxisOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly connection: Connection;
  /** The trust configuration for package signatures (the development PKI's root and CRLs in development). */
  readonly trustAnchors: readonly Uint8Array[];
  /** The CRLs, or a function giving the current ones (refreshed in the background). */
  readonly crls: readonly Uint8Array[] | (() => readonly Uint8Array[]);
  readonly intermediates?: readonly Uint8Array[];
  /** ES256 keys of axis tokens (server/compose/service-keys.ts). */
  readonly tokenKeys?: AxisTokenKeys;
  /** Seals system secrets for the VDXP facade (server/compose/service-keys.ts); derived from the token secret when absent. */
  readonly keyEncryptionKey?: string;
  /** Development and tests: derive the token keys from this secret (or config.tokenSecret) when tokenKeys is absent. */
  readonly tokenSecret?: string;
  /** Failed token requests; defaults to one in this process's memory. */
  readonly throttle?: Throttle;
  /** Package bytes; defaults to the GridFS bucket `axis_packages`. */
  readonly blobStore?: BlobStore;
  /** Injected clock (tests); defaults to the wall clock. */
  readonly now?: () => Date;
  /** The axis operator's secret (national report); defaults to config.keys.axisOperatorSecret; absent: no operator. */
  readonly operatorSecret?: string;
  /** The development TSA served at POST /axis/v1/tsa (the development PKI's `tsa`); absent: none. */
  readonly tsa?: TimestampAuthority;
  /** The development OCSP responder served at POST /axis/v1/ocsp; absent: none. */
  readonly ocspResponder?: OcspResponder;
  /** The OCSP responses held (refreshed in the background) and what fetches them when a package signature says TRY_LATER; absent: CRLs only. */
  readonly ocsp?: OcspFetcher & { current(): readonly Uint8Array[] };
  /** Where submitted packages' XML signatures are checked; default a pool of the axis's own, started at the first package (closed by stop()). */
  readonly pdfPool?: PdfPool;
  /** Called once new deliveries are stored (role `all`: the node in this process polls at once instead of at its next tick). */
  readonly onDelivered?: () => void;
}

export interface AxisRole {
  readonly services: AxisServices;
  readonly router: ReturnType<typeof createAxisRouter>;
  readonly openapi: OpenApiFragment;
  /** The VDXP-compatible facade, mounted at `/axis/vdxp` (issue 14 §4). */
  readonly vdxpRouter: ReturnType<typeof createVdxpRouter>;
  readonly vdxpOpenapi: OpenApiFragment;
  /** Closes what the axis started (its XML-signature pool); receivers pull, so nothing else runs in the background. */
  stop(): Promise<void>;
}

/** The delivery queue, calling `onDelivered` once new deliveries are stored (a node in this process polls at once). */
function notifyingDeliveries(deliveries: DeliveryQueue, onDelivered?: () => void): DeliveryQueue {
  if (!onDelivered) return deliveries;
  return {
    ...deliveries,
    async ensure(list) {
      await deliveries.ensure(list);
      onDelivered();
    },
  };
}

/** The TSA policy OID of the development TSA's tokens (a private arc: development only, not registered). */
export const DEVELOPMENT_TSA_POLICY = '1.3.6.1.4.1.59999.3161.1';
const SIGNATURE_BYTES = 256 * 1024;

/**
 * Wires the axis role: its repositories on `connection` (indexes created now, idempotent), the package bytes
 * in GridFS, the use cases with the trust configuration, and the router for `/axis/v1`.
 */
export async function composeAxis(options: ComposeAxisOptions): Promise<AxisRole> {
  const tokenSecret = options.tokenSecret ?? options.config.tokenSecret;
  const derived = tokenSecret && (!options.tokenKeys || !options.keyEncryptionKey) ? await keysFromTokenSecret(tokenSecret) : undefined;
  const tokenKeys = options.tokenKeys ?? derived?.axisTokenKeys;
  const keyEncryptionKey = options.keyEncryptionKey ?? derived?.keyEncryptionKey;
  if (!tokenKeys) throw new TypeError('composeAxis needs its token keys (options.tokenKeys, or a development token secret)');
  const now = options.now ?? (() => new Date());
  const crlsOf =
    typeof options.crls === 'function'
      ? options.crls
      : (
          (c) => () =>
            c
        )(options.crls);
  await ensureAxisIndexes(options.connection);
  const xml = poolVerifier(options);
  const services = createAxisServices({
    registry: createAgencyRepository(options.connection),
    packages: createSubmissionRepository(options.connection),
    deliveries: notifyingDeliveries(createDeliveryRepository(options.connection), options.onDelivered),
    trace: createTraceRepository(options.connection),
    seenRequests: createSeenRequestRepository(options.connection),
    blobs: options.blobStore ?? withRecentBlobCache(createGridFsBlobStore(options.connection, AXIS_COLLECTIONS.packagesBucket)),
    now,
    newId: randomUUID,
    tokenKeys,
    tokenTtlSeconds: options.config.tokenTtlSeconds,
    throttle: options.throttle ?? createThrottle(createAxisThrottleStore(options.connection), now, throttlePolicies(options.config)),
    trustAnchors: options.trustAnchors,
    get crls() {
      return crlsOf();
    },
    get ocspResponses() {
      return options.ocsp?.current() ?? [];
    },
    ...(options.ocsp ? { ocsp: options.ocsp } : {}),
    allowSha1: options.config.allowSha1,
    limits: { packageBytes: options.config.limits.packageBytes, signatureBytes: SIGNATURE_BYTES },
    logger: options.logger.child({ role: 'axis' }),
    ...(options.tsa ? { tsa: options.tsa } : {}),
    ...(options.ocspResponder ? { ocspResponder: options.ocspResponder } : {}),
    xmlVerifier: xml.verify,
    ...(keyEncryptionKey ? { requestKeys: createRequestKeyBox(keyEncryptionKey) } : {}),
    ...((options.operatorSecret ?? options.config.keys.axisOperatorSecret) ? { operatorSecret: (options.operatorSecret ?? options.config.keys.axisOperatorSecret)! } : {}),
  });
  options.logger.info({ trustAnchors: options.trustAnchors.length, crls: crlsOf().length }, 'axis role ready');
  return {
    services,
    router: createAxisRouter(services),
    openapi: axisOpenApi,
    vdxpRouter: createVdxpRouter(services, options.logger.child({ role: 'axis', api: 'vdxp' })),
    vdxpOpenapi: vdxpOpenApi,
    stop: xml.close,
  };
}

/**
 * The XML-DSig verifier of submitted packages in a worker pool (the node's limits: LIENTHONG_PDF_TIMEOUT_MS,
 * LIENTHONG_PDF_WORKERS), started at the first package so a process that never receives one starts no worker.
 * A full or closing pool is the axis being busy (ERR_AXIS_UNAVAILABLE, 503: the sender retries), never a refusal
 * of the package; a package over the pool's time limit is refused as unreadable.
 */
function poolVerifier(options: ComposeAxisOptions): { verify: EnvelopedVerifier; close: () => Promise<void> } {
  let own: PdfPool | undefined;
  const pool = () => options.pdfPool ?? (own ??= createPdfPool({ timeoutMs: options.config.limits.pdfTimeoutMs, ...(options.config.limits.pdfWorkers ? { size: options.config.limits.pdfWorkers } : {}) }));
  return {
    verify: async (bytes, verifyOptions) => {
      try {
        return await pool().verifyXmlSignature(bytes, verifyOptions);
      } catch (e) {
        if (isCryptoError(e, 'ERR_POOL_BUSY') || isCryptoError(e, 'ERR_POOL_CLOSED')) throw new DomainError('ERR_AXIS_UNAVAILABLE', 'the axis is busy checking signatures; try again', { cause: e });
        throw e;
      }
    },
    close: async () => {
      await own?.close();
    },
  };
}

/** The registry use cases alone, for the admin CLI (no token secret, no trust configuration needed). */
export async function composeAxisRegistry(connection: Connection, now: () => Date = () => new Date()): Promise<RegistryDeps> {
  await ensureAxisIndexes(connection);
  return { registry: createAgencyRepository(connection), now };
}

/**
 * The seed input for `services.seedDevelopmentRegistry` from the development registry (server/domain/registry)
 * and a development PKI made for those agencies: each agency gets its seal certificate bound, its demo
 * leader's personal certificate bound in the role `person`, and the secret
 * `secretFor(code)`. Agencies the PKI has no keys for are registered without certificates.
 */
export function developmentSeed(pki: DevelopmentPki, secretFor: (code: string) => string): SeedAgency[] {
  return developmentAgencies().map((a) => {
    const keys = pki.agencies.find((k) => k.code === a.code);
    return {
      code: a.code,
      name: a.name,
      parentCode: a.parentCode,
      certificates: keys ? [keys.seal.identity.certificate] : [],
      personCertificates: keys ? [keys.person.identity.certificate] : [],
      secret: secretFor(a.code),
    };
  });
}
