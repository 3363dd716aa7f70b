import { z } from 'zod';
import { DomainError } from '../domain/errors.js';

const MiB = 1024 * 1024;
const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Environment variables read at start. Validated once; the process refuses to start on a bad value. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  LIENTHONG_ROLE: z.enum(['all', 'axis', 'node']).default('all'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI').optional(),
  LIENTHONG_DB_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/).default('lienthong'),
  LIENTHONG_DATA_DIR: z.string().min(1).default('.data'),
  LIENTHONG_AXIS_URL: z.string().url().optional(),
  LIENTHONG_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LIENTHONG_DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LIENTHONG_POLL_INTERVAL_MS: int(3000),
  LIENTHONG_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LIENTHONG_JSON_BODY_BYTES: int(1 * MiB),
  LIENTHONG_PACKAGE_BYTES: int(40 * MiB),
  LIENTHONG_PDF_BYTES: int(30 * MiB),
  LIENTHONG_PDF_MAX_REVISIONS: int(1000),
  LIENTHONG_PDF_MAX_XREF_ENTRIES: int(1_000_000),
  LIENTHONG_PDF_MAX_INFLATED_BYTES: int(128 * MiB),
  LIENTHONG_PDF_TIMEOUT_MS: int(15_000),
  LIENTHONG_PDF_WORKERS: z.coerce.number().int().positive().optional(),
  LIENTHONG_LEASE_MS: int(60_000),
  LIENTHONG_ALLOW_SHA1: z.enum(['0', '1', 'true', 'false']).default('0'),
  LIENTHONG_TSA_URL: z.string().url().optional(),
  LIENTHONG_CLOCK_SKEW_MS: z.coerce.number().int().min(0).max(3_600_000).default(300_000),
});

export type Role = 'all' | 'axis' | 'node';

export interface Limits {
  readonly jsonBodyBytes: number;
  readonly packageBytes: number;
  readonly pdfBytes: number;
  /** Caps on the work one PDF may cause (crypto/pdf PdfLimits). */
  readonly pdf: { readonly maxRevisions: number; readonly maxXrefEntries: number; readonly maxInflatedBytes: number };
  /** Longest one PDF verification or signing may run in its worker. */
  readonly pdfTimeoutMs: number;
  /** PDF worker threads; default half the cores, at least one. */
  readonly pdfWorkers?: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly role: Role;
  readonly mongodbUri?: string;
  readonly dbName: string;
  readonly dataDir: string;
  /** Where the node reaches the axis. For role `all`, filled in once the server listens. */
  readonly axisUrl?: string;
  /** HMAC key for bearer tokens. When absent, the serve command generates one and keeps it in dataDir. */
  readonly tokenSecret?: string;
  readonly demoPassword?: string;
  readonly pollIntervalMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly limits: Limits;
  /** Accept legacy SHA-1 packages on input (operator's explicit choice; off by default). */
  readonly allowSha1: boolean;
  /** How long a node process holds a work item (outbox document, agency poll, request) before another may take it over. */
  readonly leaseMs: number;
  /**
   * RFC 3161 time-stamping authority the node asks for a signature-time-stamp on every seal and package
   * signature (PAdES/CAdES B-T), e.g. the axis's own `…/axis/v1/tsa`. Unset: no timestamps (B-B).
   */
  readonly tsaUrl?: string;
  /** How far a signer's claimed signing time may lie after the validation time (ms, default 5 min). */
  readonly clockSkewMs: number;
}

/**
 * Reads and validates the configuration from the environment. Throws ERR_CONFIG_INVALID naming every bad
 * variable, so a misconfigured process fails at start, not at the first request.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new DomainError('ERR_CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    role: e.LIENTHONG_ROLE,
    ...(e.MONGODB_URI ? { mongodbUri: e.MONGODB_URI } : {}),
    dbName: e.LIENTHONG_DB_NAME,
    dataDir: e.LIENTHONG_DATA_DIR,
    ...(e.LIENTHONG_AXIS_URL ? { axisUrl: e.LIENTHONG_AXIS_URL.replace(/\/+$/, '') } : {}),
    ...(e.LIENTHONG_TOKEN_SECRET ? { tokenSecret: e.LIENTHONG_TOKEN_SECRET } : {}),
    ...(e.LIENTHONG_DEMO_PASSWORD ? { demoPassword: e.LIENTHONG_DEMO_PASSWORD } : {}),
    pollIntervalMs: e.LIENTHONG_POLL_INTERVAL_MS,
    logLevel: e.LIENTHONG_LOG_LEVEL,
    limits: Object.freeze({
      jsonBodyBytes: e.LIENTHONG_JSON_BODY_BYTES,
      packageBytes: e.LIENTHONG_PACKAGE_BYTES,
      pdfBytes: e.LIENTHONG_PDF_BYTES,
      pdf: Object.freeze({ maxRevisions: e.LIENTHONG_PDF_MAX_REVISIONS, maxXrefEntries: e.LIENTHONG_PDF_MAX_XREF_ENTRIES, maxInflatedBytes: e.LIENTHONG_PDF_MAX_INFLATED_BYTES }),
      pdfTimeoutMs: e.LIENTHONG_PDF_TIMEOUT_MS,
      ...(e.LIENTHONG_PDF_WORKERS !== undefined ? { pdfWorkers: e.LIENTHONG_PDF_WORKERS } : {}),
    }),
    allowSha1: e.LIENTHONG_ALLOW_SHA1 === '1' || e.LIENTHONG_ALLOW_SHA1 === 'true',
    leaseMs: e.LIENTHONG_LEASE_MS,
    ...(e.LIENTHONG_TSA_URL ? { tsaUrl: e.LIENTHONG_TSA_URL } : {}),
    clockSkewMs: e.LIENTHONG_CLOCK_SKEW_MS,
  });
}
