import { randomUUID } from 'node:crypto';
import {
  AXIS_COLLECTIONS,
  createAgencyRepository,
  createDeliveryRepository,
  createSubmissionRepository,
  createTraceRepository,
  ensureAxisIndexes,
} from '../../storage/axis/index.js';
import { createGridFsBlobStore } from '../../storage/index.js';
import type { DevelopmentPki } from '../../crypto/index.js';
import { createAxisServices, type AxisServices, type RegistryDeps, type SeedAgency } from '../axis/index.js';
import { developmentAgencies } from '../domain/registry/index.js';
import type { Config } from '../config/config.js';
import type { BlobStore } from '../domain/ports/blob-store.js';
import { axisOpenApi } from '../http/openapi/axis.js';
import type { OpenApiFragment } from '../http/openapi/document.js';
import { createAxisRouter } from '../http/routes/axis/index.js';
import type { Logger } from '../logger.js';

/** mongoose's Connection, named without importing mongoose here (only storage/ imports it). */
type Connection = Parameters<typeof ensureAxisIndexes>[0];

export interface ComposeAxisOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly connection: Connection;
  /** The trust configuration for package signatures (the development PKI's root and CRLs in development). */
  readonly trustAnchors: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
  /** HMAC key for axis bearer tokens; defaults to config.tokenSecret. */
  readonly tokenSecret?: string;
  /** Package bytes; defaults to the GridFS bucket `axis_packages`. */
  readonly blobStore?: BlobStore;
  /** Injected clock (tests); defaults to the wall clock. */
  readonly now?: () => Date;
}

export interface AxisRole {
  readonly services: AxisServices;
  readonly router: ReturnType<typeof createAxisRouter>;
  readonly openapi: OpenApiFragment;
  /** Nothing runs in the background on the axis (receivers pull); kept for symmetry with the node. */
  stop(): Promise<void>;
}

const TOKEN_TTL_SECONDS = 3600;
const SIGNATURE_BYTES = 256 * 1024;

/**
 * Wires the axis role: its repositories on `connection` (indexes created now, idempotent), the package bytes
 * in GridFS, the use cases with the trust configuration, and the router for `/axis/v1`.
 */
export async function composeAxis(options: ComposeAxisOptions): Promise<AxisRole> {
  const tokenSecret = options.tokenSecret ?? options.config.tokenSecret;
  if (!tokenSecret) throw new TypeError('composeAxis needs a token secret (LIENTHONG_TOKEN_SECRET or options.tokenSecret)');
  await ensureAxisIndexes(options.connection);
  const services = createAxisServices({
    registry: createAgencyRepository(options.connection),
    packages: createSubmissionRepository(options.connection),
    deliveries: createDeliveryRepository(options.connection),
    trace: createTraceRepository(options.connection),
    blobs: options.blobStore ?? createGridFsBlobStore(options.connection, AXIS_COLLECTIONS.packagesBucket),
    now: options.now ?? (() => new Date()),
    newId: randomUUID,
    tokenSecret,
    tokenTtlSeconds: TOKEN_TTL_SECONDS,
    trustAnchors: options.trustAnchors,
    crls: options.crls,
    allowSha1: options.config.allowSha1,
    limits: { packageBytes: options.config.limits.packageBytes, signatureBytes: SIGNATURE_BYTES },
    logger: options.logger.child({ role: 'axis' }),
  });
  options.logger.info({ trustAnchors: options.trustAnchors.length, crls: options.crls.length }, 'axis role ready');
  return { services, router: createAxisRouter(services), openapi: axisOpenApi, stop: async () => undefined };
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
      code: a.code, name: a.name, parentCode: a.parentCode, certificates: keys ? [keys.seal.identity.certificate] : [],
      personCertificates: keys ? [keys.person.identity.certificate] : [], secret: secretFor(a.code),
    };
  });
}
