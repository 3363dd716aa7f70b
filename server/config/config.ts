import { z } from 'zod';
import { DomainError } from '../domain/errors.js';

const MiB = 1024 * 1024;
const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** A comma-separated list (of file paths or URLs); blanks dropped. */
const list = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL');

/** Environment variables read at start. Validated once; the process refuses to start on a bad value. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  LIENTHONG_ROLE: z.enum(['all', 'axis', 'node']).default('all'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .optional(),
  LIENTHONG_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/)
    .default('lienthong'),
  LIENTHONG_DATA_DIR: z.string().min(1).default('.data'),
  LIENTHONG_EMBEDDED_BACKEND: z.enum(['postgresql', 'sqlite']).optional(),
  LIENTHONG_AXIS_URL: z.string().url().optional(),
  LIENTHONG_AXIS_DIALECT: z.enum(['lienthong', 'vdxp']).default('lienthong'),
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
  LIENTHONG_OCSP_URL: httpUrl.optional(),
  LIENTHONG_CLOCK_SKEW_MS: z.coerce.number().int().min(0).max(3_600_000).default(300_000),
  NODE_ENV: z.string().optional(),
  LIENTHONG_MODE: z.enum(['development', 'production']).optional(),
  LIENTHONG_TRUST_ANCHORS: list,
  LIENTHONG_INTERMEDIATES: list,
  LIENTHONG_CRL_FILES: list,
  LIENTHONG_CRL_URLS: list.pipe(z.array(httpUrl)),
  LIENTHONG_CRL_REFRESH_MS: int(3_600_000),
  LIENTHONG_NODE_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LIENTHONG_NODE_TOKEN_SECRET_FILE: z.string().min(1).optional(),
  LIENTHONG_AXIS_TOKEN_KEY_FILE: z.string().min(1).optional(),
  LIENTHONG_AXIS_TOKEN_PUBLIC_KEYS: list,
  LIENTHONG_AXIS_OPERATOR_SECRET: z.string().min(24, 'must be at least 24 characters').optional(),
  LIENTHONG_KEY_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LIENTHONG_KEY_ENCRYPTION_KEY_FILE: z.string().min(1).optional(),
  LIENTHONG_KEYS_DIR: z.string().min(1).optional(),
  LIENTHONG_TOKEN_TTL_SECONDS: int(3600),
  LIENTHONG_LOGIN_FREE_FAILURES: int(5),
  LIENTHONG_ADDRESS_FREE_FAILURES: int(50),
  LIENTHONG_LOCKOUT_MAX_SECONDS: int(900),
  LIENTHONG_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LIENTHONG_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

/** Every variable `loadConfig` reads (the README's configuration tables list them all; a test checks). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(EnvSchema.shape));

export type Mode = 'development' | 'production';

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
  /** FerretDB's storage when the embedded server is FerretDB (LIENTHONG_EMBEDDED_BACKEND); absent: the built-in default. */
  readonly embeddedBackend?: 'postgresql' | 'sqlite';
  /** Where the node reaches the axis. For role `all`, filled in once the server listens. */
  readonly axisUrl?: string;
  /** How the node talks to the axis: `/axis/v1` (lienthong) or the VDXP-compatible facade `/axis/vdxp` (vdxp). */
  readonly axisDialect: 'lienthong' | 'vdxp';
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
  /**
   * RFC 6960 OCSP responder asked about every certificate of a seal's paths, whatever its authorityInfoAccess
   * says (e.g. the axis's own `…/axis/v1/ocsp`). Unset: each certificate's AIA OCSP URL, when it has one.
   */
  readonly ocspUrl?: string;
  /** How far a signer's claimed signing time may lie after the validation time (ms, default 5 min). */
  readonly clockSkewMs: number;
  /** `production` (NODE_ENV=production or LIENTHONG_MODE=production): nothing of the development PKI, no demo users. */
  readonly mode: Mode;
  /** Where trust and revocation data come from (PEM/DER files, CRL URLs), and how often CRLs are fetched again. */
  readonly trust: {
    readonly anchorFiles: readonly string[];
    readonly intermediateFiles: readonly string[];
    readonly crlFiles: readonly string[];
    readonly crlUrls: readonly string[];
    readonly crlRefreshMs: number;
  };
  /** One key per purpose (issue 10 §5). Unset in development: generated into dataDir/secrets. */
  readonly keys: {
    readonly nodeTokenSecret?: string;
    readonly nodeTokenSecretFile?: string;
    readonly axisTokenKeyFile?: string;
    readonly axisTokenPublicKeyFiles: readonly string[];
    /** The axis operator's secret (national report); unset in development: generated into dataDir/secrets. */
    readonly axisOperatorSecret?: string;
    readonly keyEncryptionKey?: string;
    readonly keyEncryptionKeyFile?: string;
    /** Agencies' PKCS#12 files (`<code>.seal.p12`) and their passwords and axis secrets. */
    readonly keysDir?: string;
  };
  /** Bearer token lifetime, seconds (node and axis). */
  readonly tokenTtlSeconds: number;
  readonly throttle: { readonly accountFreeFailures: number; readonly addressFreeFailures: number; readonly maxLockSeconds: number };
  /** Bearer token of GET /metrics. Unset: /metrics is open in development and absent in production. */
  readonly metricsToken?: string;
  /** `auto`: human lines (pino-pretty) when stdout is a terminal, JSON otherwise. */
  readonly logFormat: 'auto' | 'json' | 'pretty';
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
    ...(e.LIENTHONG_EMBEDDED_BACKEND ? { embeddedBackend: e.LIENTHONG_EMBEDDED_BACKEND } : {}),
    ...(e.LIENTHONG_AXIS_URL ? { axisUrl: e.LIENTHONG_AXIS_URL.replace(/\/+$/, '') } : {}),
    axisDialect: e.LIENTHONG_AXIS_DIALECT,
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
    ...(e.LIENTHONG_OCSP_URL ? { ocspUrl: e.LIENTHONG_OCSP_URL } : {}),
    clockSkewMs: e.LIENTHONG_CLOCK_SKEW_MS,
    mode: e.LIENTHONG_MODE === 'production' || e.NODE_ENV === 'production' ? 'production' : 'development',
    trust: Object.freeze({
      anchorFiles: e.LIENTHONG_TRUST_ANCHORS,
      intermediateFiles: e.LIENTHONG_INTERMEDIATES,
      crlFiles: e.LIENTHONG_CRL_FILES,
      crlUrls: e.LIENTHONG_CRL_URLS,
      crlRefreshMs: e.LIENTHONG_CRL_REFRESH_MS,
    }),
    keys: Object.freeze({
      ...(e.LIENTHONG_NODE_TOKEN_SECRET ? { nodeTokenSecret: e.LIENTHONG_NODE_TOKEN_SECRET } : {}),
      ...(e.LIENTHONG_NODE_TOKEN_SECRET_FILE ? { nodeTokenSecretFile: e.LIENTHONG_NODE_TOKEN_SECRET_FILE } : {}),
      ...(e.LIENTHONG_AXIS_TOKEN_KEY_FILE ? { axisTokenKeyFile: e.LIENTHONG_AXIS_TOKEN_KEY_FILE } : {}),
      axisTokenPublicKeyFiles: e.LIENTHONG_AXIS_TOKEN_PUBLIC_KEYS,
      ...(e.LIENTHONG_AXIS_OPERATOR_SECRET ? { axisOperatorSecret: e.LIENTHONG_AXIS_OPERATOR_SECRET } : {}),
      ...(e.LIENTHONG_KEY_ENCRYPTION_KEY ? { keyEncryptionKey: e.LIENTHONG_KEY_ENCRYPTION_KEY } : {}),
      ...(e.LIENTHONG_KEY_ENCRYPTION_KEY_FILE ? { keyEncryptionKeyFile: e.LIENTHONG_KEY_ENCRYPTION_KEY_FILE } : {}),
      ...(e.LIENTHONG_KEYS_DIR ? { keysDir: e.LIENTHONG_KEYS_DIR } : {}),
    }),
    tokenTtlSeconds: e.LIENTHONG_TOKEN_TTL_SECONDS,
    throttle: Object.freeze({
      accountFreeFailures: e.LIENTHONG_LOGIN_FREE_FAILURES,
      addressFreeFailures: e.LIENTHONG_ADDRESS_FREE_FAILURES,
      maxLockSeconds: e.LIENTHONG_LOCKOUT_MAX_SECONDS,
    }),
    ...(e.LIENTHONG_METRICS_TOKEN ? { metricsToken: e.LIENTHONG_METRICS_TOKEN } : {}),
    logFormat: e.LIENTHONG_LOG_FORMAT,
  });
}

/**
 * What `serve` needs beyond well-formed values. In production: trust anchors and a revocation source always;
 * the axis's token signing key on an axis; the node token key, the key-encryption key and the agencies' keys
 * folder on a node; and neither the all-purpose LIENTHONG_TOKEN_SECRET nor a demo password. Throws one
 * ERR_CONFIG_INVALID naming everything missing, before anything is opened.
 */
export function checkServeConfig(config: Config): void {
  if (config.mode !== 'production') return;
  const missing: string[] = [];
  const refused: string[] = [];
  if (config.trust.anchorFiles.length === 0) missing.push('LIENTHONG_TRUST_ANCHORS (PEM files of the trusted root certificates)');
  if (config.trust.crlFiles.length === 0 && config.trust.crlUrls.length === 0 && !config.ocspUrl) missing.push('LIENTHONG_CRL_FILES, LIENTHONG_CRL_URLS or LIENTHONG_OCSP_URL (revocation sources)');
  if (config.role !== 'node' && !config.keys.axisTokenKeyFile) missing.push('LIENTHONG_AXIS_TOKEN_KEY_FILE (EC P-256 private key signing axis tokens)');
  if (config.role !== 'axis') {
    if (!config.keys.nodeTokenSecret && !config.keys.nodeTokenSecretFile) missing.push('LIENTHONG_NODE_TOKEN_SECRET or LIENTHONG_NODE_TOKEN_SECRET_FILE (node token key)');
    if (!config.keys.keyEncryptionKey && !config.keys.keyEncryptionKeyFile) missing.push('LIENTHONG_KEY_ENCRYPTION_KEY or LIENTHONG_KEY_ENCRYPTION_KEY_FILE (key-encryption key)');
    if (!config.keys.keysDir) missing.push("LIENTHONG_KEYS_DIR (the agencies' PKCS#12 files)");
  }
  if (config.tokenSecret) refused.push('LIENTHONG_TOKEN_SECRET (one secret for every purpose: set the per-purpose keys instead)');
  if (config.demoPassword) refused.push('LIENTHONG_DEMO_PASSWORD (no demo users in production)');
  if (missing.length === 0 && refused.length === 0) return;
  const problems = [...(missing.length ? [`production mode needs ${missing.join(', ')}`] : []), ...(refused.length ? [`production mode refuses ${refused.join(', ')}`] : [])];
  throw new DomainError('ERR_CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, { details: { problems } });
}
