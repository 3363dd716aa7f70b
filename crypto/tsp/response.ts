import * as pkijs from 'pkijs';
import { verifyTimestampToken, type TimestampVerification, type VerifyTimestampTokenOptions } from '../cms/index.js';
import { children, readRoot, tlvBytes } from '../cms/der.js';
import { CryptoError } from '../errors.js';
import type { TimestampRequest } from './request.js';

const STATUS_TEXT = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];

/** The token of a reply and its verification. */
export interface TimestampReply {
  /** DER ContentInfo (SignedData over TSTInfo): the value of the signature-time-stamp attribute. */
  readonly token: Uint8Array;
  readonly verification: Extract<TimestampVerification, { ok: true }>;
}

/**
 * Reads a TimeStampResp (RFC 3161 §2.4.2) answering `request`: status granted (or grantedWithMods), a token
 * that verifies over the time-stamped data (messageImprint), with the request's nonce, signed by a TSA whose
 * certificate chains to `options.trustAnchors` with critical id-kp-timeStamping. A reply that is not one
 * throws ERR_TSP_MALFORMED; a refusal or a token that does not verify throws ERR_TSP_REJECTED.
 */
export function readTimestampReply(der: Uint8Array, request: TimestampRequest, data: Uint8Array, options: Omit<VerifyTimestampTokenOptions, 'nonce'>): TimestampReply {
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(Uint8Array.from(der));
  } catch (e) {
    throw new CryptoError('ERR_TSP_MALFORMED', `not a TimeStampResp: ${(e as Error).message}`, { cause: e });
  }
  const status = resp.status.status;
  if (status !== 0 && status !== 1) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    throw new CryptoError('ERR_TSP_REJECTED', `the TSA answered ${STATUS_TEXT[status] ?? status}${text ? `: ${text}` : ''}`);
  }
  if (!resp.timeStampToken) throw new CryptoError('ERR_TSP_MALFORMED', 'a granted reply without a token');
  // The token's own bytes, as the TSA sent them (its signature covers them; no re-encoding).
  let token: Uint8Array;
  try {
    const parts = children(der, readRoot(der));
    token = new Uint8Array(tlvBytes(der, parts[1]!));
  } catch (e) {
    throw new CryptoError('ERR_TSP_MALFORMED', 'the token cannot be read', { cause: e });
  }
  const v = verifyTimestampToken(token, data, { ...options, nonce: request.nonce });
  if (!v.ok) throw new CryptoError('ERR_TSP_REJECTED', `the timestamp token does not verify: ${v.reason}`);
  if (v.info.hash !== request.hash) throw new CryptoError('ERR_TSP_REJECTED', `the token uses ${v.info.hash}, the request ${request.hash}`);
  return Object.freeze({ token, verification: v });
}
