import * as pkijs from 'pkijs';
import type { ParsedCertificate } from '../pki/index.js';
import { hashFromOid, type AnyHashName } from './algorithms.js';
import { DerError } from './der.js';
import { OID } from './oids.js';

/** What a timestamp token's TSTInfo says (RFC 3161 §2.4.2). */
export interface TstInfoFacts {
  readonly policy: string;
  /** undefined when the hash algorithm is not one we know. */
  readonly hash?: AnyHashName;
  readonly hashOid: string;
  readonly hashedMessage: Uint8Array;
  /** Hex, as ParsedCertificate.serialNumber. */
  readonly serialNumber: string;
  readonly genTime: Date;
  /** Hex of the nonce INTEGER's contents, when present. */
  readonly nonce?: string;
}

function hexOf(bytes: ArrayBuffer): string {
  const b = Buffer.from(bytes);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i).toString('hex');
}

/** Reads the TSTInfo of a token's encapsulated content (RFC 3161 §2.4.2). Throws DerError when it is not one. */
export function readTstInfo(eContent: Uint8Array): TstInfoFacts {
  let info: pkijs.TSTInfo;
  try {
    info = pkijs.TSTInfo.fromBER(Uint8Array.from(eContent));
  } catch (e) {
    throw new DerError(`not a TSTInfo: ${(e as Error).message}`);
  }
  if (info.version !== 1) throw new DerError(`TSTInfo version ${info.version} (RFC 3161 §2.4.2: 1)`);
  const genTime = info.genTime;
  if (!(genTime instanceof Date) || Number.isNaN(genTime.getTime())) throw new DerError('TSTInfo genTime is not a time');
  const hashOid = info.messageImprint.hashAlgorithm.algorithmId;
  const hash = hashFromOid(hashOid);
  return {
    policy: info.policy,
    ...(hash ? { hash } : {}),
    hashOid,
    hashedMessage: new Uint8Array(info.messageImprint.hashedMessage.valueBlock.valueHexView),
    serialNumber: hexOf(info.serialNumber.valueBlock.valueHexView.slice().buffer),
    genTime,
    ...(info.nonce ? { nonce: hexOf(info.nonce.valueBlock.valueHexView.slice().buffer) } : {}),
  };
}

/**
 * RFC 3161 §2.3: the TSA certificate has exactly one extendedKeyUsage, id-kp-timeStamping, and the extension
 * is critical. Returns the problem, or undefined.
 */
export function tsaCertificateProblem(cert: ParsedCertificate): string | undefined {
  const ext = (cert.certificate.extensions ?? []).find((e) => e.extnID === '2.5.29.37');
  if (!ext) return `${cert.subject} has no extendedKeyUsage (RFC 3161 §2.3 requires id-kp-timeStamping)`;
  if (!ext.critical) return `${cert.subject}: extendedKeyUsage is not critical (RFC 3161 §2.3)`;
  const purposes = cert.extendedKeyUsage ?? [];
  if (purposes.length !== 1 || purposes[0] !== OID.timeStamping) return `${cert.subject}: extendedKeyUsage must be id-kp-timeStamping only (RFC 3161 §2.3)`;
  return undefined;
}
