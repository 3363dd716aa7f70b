import type { SignatureTimestamper } from '../../crypto/index.js';
import type { PdfLimits, PdfReport, SignatureReport, SignEnvelopedOptions, SignPdfOptions, SignPdfResult, VerifyEnvelopedOptions, VerifyPdfOptions } from '../../crypto/index.js';
import type { AgencyCode } from '../domain/agency/index.js';
import type { BlobStore } from '../domain/ports/blob-store.js';
import type { AxisGateway, CounterRepository, DocumentRepository, HostedAgencyRepository, IdempotencyRepository, KeyStore, NodeDocument, UserRepository } from '../domain/ports/node/index.js';
import type { NodeTokenKeys } from '../auth/token.js';
import type { Throttle } from '../auth/throttle.js';
import type { Logger } from '../logger.js';

/** Retry policy of the outbox: exponential backoff with full jitter inside a bounded number of attempts. */
export interface DispatchPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** After this many failed attempts the message is `failed` (visible, a clerk may retry it). */
  readonly maxAttempts: number;
  /** How long a worker holds a document while it sends its messages. */
  readonly leaseMs: number;
}

export const DEFAULT_DISPATCH_POLICY: DispatchPolicy = Object.freeze({ baseDelayMs: 1000, maxDelayMs: 5 * 60_000, maxAttempts: 12, leaseMs: 60_000 });

/**
 * Retry policy of the inbox for deliveries that failed in a way a later attempt may repair (anything but a
 * refusal, which is answered at once): backoff between attempts, counted by the axis's download count; after
 * `maxAttempts` the delivery is parked, answered `fail` with the reason, visible at the axis.
 */
export interface ReceivePolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_RECEIVE_POLICY: ReceivePolicy = Object.freeze({ baseDelayMs: 30_000, maxDelayMs: 30 * 60_000, maxAttempts: 8 });

/** Where verification starts from: the trusted roots and the revocation data the node knows. */
export interface TrustConfig {
  readonly trustAnchors: readonly Uint8Array[];
  readonly intermediates?: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
  /** OCSP responses the node holds (fetched and refreshed, server/trust/ocsp-cache.ts). */
  readonly ocspResponses?: readonly Uint8Array[];
}

export type { OcspEnsureResult, OcspFetcher } from '../trust/verify-fetching-ocsp.js';
import type { OcspFetcher } from '../trust/verify-fetching-ocsp.js';

/**
 * Where PAdES verification and signing of untrusted PDFs run: the composition root gives the worker pool
 * (crypto/pool createPdfPool), so a hostile file never blocks the event loop and is stopped at a time limit.
 */
export interface PdfWork {
  verifyPdf(pdf: Uint8Array, options: VerifyPdfOptions): Promise<PdfReport>;
  signPdf(pdf: Uint8Array, options: SignPdfOptions): Promise<SignPdfResult>;
  /** The enveloped XML signature of a received package, in the same pool under the same time limit (issue 14). */
  verifyXmlSignature(xml: Uint8Array, options: VerifyEnvelopedOptions): Promise<SignatureReport>;
  /** The enveloped XML signature of an outgoing package, in the same pool (issue 15: off the event loop); absent: on this thread. */
  signXmlEnveloped?(xml: Uint8Array, options: SignEnvelopedOptions): Promise<Uint8Array>;
}

/**
 * Gathers the documents that owe the monthly counters and counts them together (server/node/counting.ts
 * `countDocuments`): every contribution of a batch to one counter, roll-up or trend document is one write, so
 * the writes (each a record lock on FerretDB) no longer grow with the documents, and documents of one agency
 * stop queueing on the same locks. A document keeps `countPending` until its batch has recorded it, so one lost
 * with the process is counted by the reconciler.
 */
export interface CountBatcher {
  /** Queues a document (the caller's copy saves a read); returns at once. */
  submit(id: string, known?: NodeDocument): void;
  /** Counts the documents queued so far (and the batch under way) now, and waits for them. */
  drain(): Promise<void>;
}

/** What the node's use cases need: ports, the clock, ids, trust, policies. */
export interface NodeDeps {
  readonly users: UserRepository;
  readonly agencies: HostedAgencyRepository;
  readonly documents: DocumentRepository;
  readonly idempotency: IdempotencyRepository;
  readonly counters: CounterRepository;
  /** Counts documents in batches, off the request (server/node/count-batcher.ts); absent: each is counted where it is settled. */
  readonly countBatcher?: CountBatcher;
  readonly keys: KeyStore;
  readonly axis: AxisGateway;
  readonly blobs: BlobStore;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Random in [0, 1) for backoff jitter (injected so tests can pin it). */
  readonly random: () => number;
  /** HMAC keys of node bearer tokens (their own keys, nothing else uses them). */
  readonly tokenKeys: NodeTokenKeys;
  readonly tokenTtlSeconds: number;
  /** Counts failed logins per account and per address (429 with Retry-After when locked). */
  readonly throttle: Throttle;
  readonly trust: TrustConfig;
  /** A font with Vietnamese glyphs for the visible signatures. */
  readonly font?: Uint8Array;
  /** Its bold weight, for headings of the PDF reports (regular is used when absent). */
  readonly fontBold?: Uint8Array;
  readonly allowSha1: boolean;
  readonly dispatch: DispatchPolicy;
  readonly pollLeaseMs: number;
  readonly receive: ReceivePolicy;
  /** An unfinished request with an Idempotency-Key may be taken over by a retry after this long. */
  readonly requestLeaseMs: number;
  /** Identifies this process in leases. */
  readonly workerId: string;
  readonly logger: Logger;
  /** Largest PDF accepted, bytes. */
  readonly pdfBytes: number;
  /**
   * RFC 3161 client (LIENTHONG_TSA_URL): when set, every agency seal and package signature carries a
   * signature-time-stamp (PAdES/CAdES B-T), and nothing is sent without one.
   */
  readonly timestamper?: SignatureTimestamper;
  /**
   * OCSP as a revocation source (absent: CRLs only): the seal's B-LT step, and a verification that came back
   * TRY_LATER fetches for the certificates its report names, then verifies once more.
   */
  readonly ocsp?: OcspFetcher;
  /** Tolerance for a claimed signing time after the validation time (config LIENTHONG_CLOCK_SKEW_MS). */
  readonly clockSkewMs?: number;
  /** PDF verification and signing (off the event loop). */
  readonly pdf: PdfWork;
  /** Caps on revisions, xref entries and inflated bytes of every PDF verified. */
  readonly pdfLimits: PdfLimits;
}

/** The caller of the clerk API, from a node bearer token. */
export interface NodePrincipal {
  readonly userId: string;
  readonly agencyCode: AgencyCode;
  readonly roles: readonly string[];
}
