import { isCryptoError } from '../../../crypto/index.js';
import { isDomainError } from '../../domain/errors.js';

/**
 * What the inbox does with a delivery whose handling threw:
 * - `stop`: the axis or the database is away; the poll ends and the delivery waits (no attempt spent on it);
 * - `refuse`: the same package will fail the same way on every retry (unreadable, unknown target, invalid
 *   transition, not ours): answered at once, transport `fail` with the reason;
 * - `wait`: this node cannot judge the package yet (its own revocation data is not fresh, its PDF workers are
 *   busy): tried again with backoff, never parked, since the fault is not the package's;
 * - `retry`: anything else (an unexpected error, a full disk): tried again with backoff, then parked.
 */
export type FailureKind = 'stop' | 'refuse' | 'wait' | 'retry';

const STOPS = new Set<string>(['ERR_AXIS_UNAVAILABLE', 'ERR_DATABASE_UNAVAILABLE', 'ERR_STORAGE_UNAVAILABLE']);

/** This node's own want (ETSI EN 319 102-1 §5.2.6 TRY_LATER; a busy or closing worker pool). */
const WAITS = new Set<string>(['ERR_REVOCATION_UNAVAILABLE', 'ERR_POOL_BUSY', 'ERR_POOL_CLOSED']);

/** Codes that describe the package or its relation to this agency's documents, never the moment. */
const REFUSALS = new Set<string>([
  'ERR_VALIDATION',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_AGENCY_CODE_INVALID',
  'ERR_AGENCY_UNKNOWN',
  'ERR_CERT_NOT_BOUND',
  'ERR_FORBIDDEN',
  'ERR_XML_MALFORMED',
  'ERR_XML_FORBIDDEN_CONSTRUCT',
  'ERR_XML_TOO_LARGE',
  'ERR_XML_TOO_DEEP',
  'ERR_EDXML_INVALID',
  'ERR_ATTACHMENT_INVALID',
  'ERR_ATTACHMENT_TOO_LARGE',
  'ERR_PACKAGE_SIGNATURE_INVALID',
  'ERR_SENDER_MISMATCH',
  'ERR_REFERENCE_UNKNOWN',
  'ERR_NOT_FOUND',
  'ERR_STATUS_TRANSITION',
  'ERR_SIGNATURE_INVALID',
]);

export function classifyReceiveFailure(e: unknown): FailureKind {
  if (isDomainError(e) && STOPS.has(e.code)) return 'stop';
  if (isDomainError(e) && REFUSALS.has(e.code)) return 'refuse';
  if ((isDomainError(e) || isCryptoError(e)) && WAITS.has(e.code)) return 'wait'; // stale CRLs (domain) or the pool (crypto)
  return 'retry';
}
