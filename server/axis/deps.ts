import type { OcspResponder, TimestampAuthority } from '../../crypto/index.js';
import type { AgencyCode } from '../domain/agency/index.js';
import type { BlobStore } from '../domain/ports/blob-store.js';
import type { AxisTokenKeys } from '../auth/token.js';
import type { Throttle } from '../auth/throttle.js';
import type { Logger } from '../logger.js';
import type { AgencyRegistry, DeliveryQueue, PackageStore, SeenRequests, TraceLog } from '../domain/ports/axis/index.js';
import type { RequestKeyBox } from './vdxp/request-keys.js';
import type { EnvelopedVerifier } from '../domain/edxml/index.js';
import type { OcspFetcher } from '../trust/verify-fetching-ocsp.js';

/** The caller of the axis API: the agency a bearer token was issued to. */
export interface AxisPrincipal {
  readonly agencyCode: AgencyCode;
}

export interface AxisLimits {
  /** Largest package accepted, bytes. */
  readonly packageBytes: number;
  /** Largest detached signature accepted, bytes. */
  readonly signatureBytes: number;
}

/** What the axis use cases need: ports, the clock, the trust configuration. */
export interface AxisDeps {
  readonly registry: AgencyRegistry;
  readonly packages: PackageStore;
  readonly deliveries: DeliveryQueue;
  readonly trace: TraceLog;
  readonly blobs: BlobStore;
  readonly now: () => Date;
  /** Random UUIDs for docIds (injected so tests could fix them). */
  readonly newId: () => string;
  /** ES256 keys of axis bearer tokens (server/auth/token.ts): the private key signs, the public ones verify. */
  readonly tokenKeys: AxisTokenKeys;
  readonly tokenTtlSeconds: number;
  /** Counts failed token requests per system and per address (429 with Retry-After when locked). */
  readonly throttle: Throttle;
  /** Roots the package signatures must chain to, and the CRLs to check (DER or PEM). */
  readonly trustAnchors: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
  /** OCSP responses the axis holds (server/trust/ocsp-cache.ts), read at each verification. */
  readonly ocspResponses?: readonly Uint8Array[];
  /**
   * OCSP as a revocation source (absent: CRLs only): a package signature that comes back TRY_LATER fetches
   * for the certificates its report names, then is verified once more.
   */
  readonly ocsp?: OcspFetcher;
  /** Operator's explicit choice to accept SHA-1 signatures (off by default). */
  readonly allowSha1: boolean;
  readonly limits: AxisLimits;
  /** The development time-stamping authority served at POST /axis/v1/tsa (absent: no TSA). */
  readonly tsa?: TimestampAuthority;
  /** The development OCSP responder served at POST /axis/v1/ocsp (absent: none). */
  readonly ocspResponder?: OcspResponder;
  /** Seals system secrets for the VDXP facade's HMAC request signatures (absent: the facade refuses every request). */
  readonly requestKeys?: RequestKeyBox;
  /** The VDXP facade's replay guard: accepted request HMACs until their window ends (absent: the facade refuses every request). */
  readonly seenRequests?: SeenRequests;
  /** Allowed distance of a VDXP request's signed timestamp from the axis clock, seconds (default 900). */
  readonly timestampSkewSeconds?: number;
  /** The axis operator's secret (LIENTHONG_AXIS_OPERATOR_SECRET): absent, nobody signs in as the operator. */
  readonly operatorSecret?: string;
  /** Security-relevant events (accepted and refused sends), never bodies or secrets. */
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
  /**
   * Where a submitted package's XML-DSig work runs (a worker pool under a time limit, as on the node); absent:
   * on this thread. Untrusted canonicalization and digests then never block the axis's event loop.
   */
  readonly xmlVerifier?: EnvelopedVerifier;
}

/** A page request as the use cases take it (1-based page). */
export interface PageRequest {
  readonly page: number;
  readonly pageSize: number;
}

export const MAX_PAGE_SIZE = 100;

export function toSkipLimit(p: PageRequest): { skip: number; limit: number } {
  if (!Number.isInteger(p.page) || p.page < 1) throw new TypeError('page must be an integer ≥ 1');
  if (!Number.isInteger(p.pageSize) || p.pageSize < 1 || p.pageSize > MAX_PAGE_SIZE) throw new TypeError(`pageSize must be 1…${MAX_PAGE_SIZE}`);
  return { skip: (p.page - 1) * p.pageSize, limit: p.pageSize };
}
