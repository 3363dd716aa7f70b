import { randomBytes } from 'node:crypto';
import { respondToTimestampRequest } from '../../crypto/index.js';
import { DomainError } from '../domain/errors.js';
import type { AxisDeps } from './deps.js';

/**
 * The axis's development time-stamping authority (RFC 3161 §2.4): answers a DER TimeStampReq with a
 * TimeStampResp signed by the TSA certificate of the development PKI, genTime from the axis clock, a random
 * 128-bit serial number. ERR_NOT_FOUND when the axis runs without a TSA; a request that is not a
 * TimeStampReq is ERR_TSP_MALFORMED (400); an unsupported one gets an RFC 3161 rejection reply.
 */
export async function issueTimestamp(deps: AxisDeps, input: { readonly request: Uint8Array }): Promise<Uint8Array> {
  if (!deps.tsa) throw new DomainError('ERR_NOT_FOUND', 'this axis runs no time-stamping authority');
  return respondToTimestampRequest(input.request, { tsa: deps.tsa, now: deps.now(), serialNumber: randomBytes(16) });
}
