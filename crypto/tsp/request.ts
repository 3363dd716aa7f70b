import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { oidOfHash, nodeHash } from '../cms/algorithms.js';
import { CryptoError } from '../errors.js';
import type { HashName } from '../keys/index.js';

/** A TimeStampReq (RFC 3161 §2.4.1) and what its reply must echo. */
export interface TimestampRequest {
  /** DER TimeStampReq, the body of `application/timestamp-query`. */
  readonly der: Uint8Array;
  readonly hash: HashName;
  readonly hashedMessage: Uint8Array;
  /** Hex of the nonce INTEGER's contents (leading zeros stripped). */
  readonly nonce: string;
}

function hexOfInteger(b: Uint8Array): string {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return Buffer.from(b.subarray(i)).toString('hex');
}

/**
 * Builds an RFC 3161 §2.4.1 TimeStampReq over `data` (for a signature-time-stamp: the signature value,
 * RFC 3161 Appendix A): version 1, messageImprint with `hash` (default SHA-256), a random 64-bit nonce, and
 * certReq TRUE so the token carries the TSA certificate the verifier needs (ESS signing-certificate).
 */
export function createTimestampRequest(data: Uint8Array, options: { readonly hash?: HashName } = {}): TimestampRequest {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  const hash = options.hash ?? 'SHA-256';
  const hashedMessage = new Uint8Array(createHash(nodeHash(hash)).update(data).digest());
  const nonceBytes = randomBytes(8);
  nonceBytes[0] = (nonceBytes[0]! & 0x7f) | 0x01; // positive, no leading zero: its hex is stable
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oidOfHash(hash) }),
      hashedMessage: new asn1js.OctetString({ valueHex: hashedMessage }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonceBytes }),
    certReq: true,
  });
  return Object.freeze({ der: new Uint8Array(req.toSchema().toBER(false)), hash, hashedMessage, nonce: hexOfInteger(nonceBytes) });
}

/** What a TSA needs from a TimeStampReq. */
export interface ParsedTimestampRequest {
  readonly hashOid: string;
  readonly hashedMessage: Uint8Array;
  readonly nonce?: Uint8Array;
  readonly certReq: boolean;
  readonly reqPolicy?: string;
}

/** Reads a DER TimeStampReq (RFC 3161 §2.4.1). Throws ERR_TSP_MALFORMED. */
export function parseTimestampRequest(der: Uint8Array): ParsedTimestampRequest {
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > 64 * 1024) throw new CryptoError('ERR_TSP_MALFORMED', 'a TimeStampReq is 1 byte to 64 KiB of DER');
  let req: pkijs.TimeStampReq;
  try {
    req = pkijs.TimeStampReq.fromBER(Uint8Array.from(der));
  } catch (e) {
    throw new CryptoError('ERR_TSP_MALFORMED', `not a TimeStampReq: ${(e as Error).message}`, { cause: e });
  }
  if (req.version !== 1) throw new CryptoError('ERR_TSP_MALFORMED', `TimeStampReq version ${req.version}`);
  return {
    hashOid: req.messageImprint.hashAlgorithm.algorithmId,
    hashedMessage: new Uint8Array(req.messageImprint.hashedMessage.valueBlock.valueHexView),
    ...(req.nonce ? { nonce: new Uint8Array(req.nonce.valueBlock.valueHexView) } : {}),
    certReq: req.certReq === true,
    ...(req.reqPolicy ? { reqPolicy: req.reqPolicy } : {}),
  };
}
