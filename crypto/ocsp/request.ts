import { createHash, randomBytes } from 'node:crypto';
import * as pkijs from 'pkijs';
import { hashFromOid, nodeHash, oidOfHash } from '../cms/algorithms.js';
import { oidBytes, tlv, unsignedInteger } from '../cms/der-write.js';
import { CryptoError } from '../errors.js';
import type { HashName } from '../keys/index.js';
import { parseCertificate } from '../pki/certificate.js';
import '../pki/engine.js';

/** id-pkix-ocsp-nonce (RFC 6960 §4.4.1, RFC 8954). */
export const OCSP_NONCE_OID = '1.3.6.1.5.5.7.48.1.2';

/** An OCSPRequest (RFC 6960 §4.1.1) for one certificate and what its reply must echo. */
export interface OcspRequest {
  /** DER OCSPRequest, the body of `application/ocsp-request`. */
  readonly der: Uint8Array;
  /** The extnValue of the nonce extension, which the response must carry unchanged. */
  readonly nonce: Uint8Array;
  /** The certificate asked about and its issuer (DER). */
  readonly certificate: Uint8Array;
  readonly issuer: Uint8Array;
}

/** The CertID of a certificate (RFC 6960 §4.1.1): hashes of the issuer's name and key, and the serial number. */
export function certIdDer(certificate: Uint8Array, issuer: Uint8Array, hash: HashName | 'SHA-1'): Uint8Array {
  const cert = parseCertificate(certificate);
  const ca = parseCertificate(issuer);
  const h = nodeHash(hash);
  const nameHash = createHash(h).update(new Uint8Array(ca.certificate.subject.valueBeforeDecode)).digest();
  const keyHash = createHash(h).update(ca.certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  return tlv(
    0x30,
    tlv(0x30, oidBytes(oidOfHash(hash)), Uint8Array.from([0x05, 0x00])),
    tlv(0x04, nameHash),
    tlv(0x04, keyHash),
    unsignedInteger(new Uint8Array(Buffer.from(cert.serialNumber.length % 2 ? `0${cert.serialNumber}` : cert.serialNumber, 'hex'))),
  );
}

/**
 * Builds an unsigned OCSPRequest (RFC 6960 §4.1.1) for `certificate` issued by `issuer`: one Request whose
 * CertID is hashed with `hash` (default SHA-256; SHA-1, the RFC's historical default, is never used), and a
 * random 32-byte nonce extension (RFC 8954 §2.1: 1 to 32 octets) so a replayed response is refused.
 */
export function createOcspRequest(certificate: Uint8Array, issuer: Uint8Array, options: { readonly hash?: HashName } = {}): OcspRequest {
  if (!(certificate instanceof Uint8Array) || !(issuer instanceof Uint8Array)) throw new TypeError('certificate and issuer must be DER Uint8Arrays');
  const nonce = tlv(0x04, randomBytes(32));
  const extension = tlv(0x30, oidBytes(OCSP_NONCE_OID), tlv(0x04, nonce));
  const request = tlv(0x30, certIdDer(certificate, issuer, options.hash ?? 'SHA-256'));
  const tbs = tlv(0x30, tlv(0x30, request), tlv(0xa2, tlv(0x30, extension)));
  return Object.freeze({ der: tlv(0x30, tbs), nonce, certificate, issuer });
}

/** One certificate asked about in an OCSPRequest. */
export interface RequestedCertId {
  /** The CertID as DER, echoed in the response. */
  readonly der: Uint8Array;
  /** node:crypto name of the CertID hash; undefined when unknown. */
  readonly hash?: string;
  readonly issuerNameHash: string;
  readonly issuerKeyHash: string;
  /** Hex, without leading zero bytes. */
  readonly serialNumber: string;
}

/** What a responder needs from an OCSPRequest. */
export interface ParsedOcspRequest {
  readonly certIds: readonly RequestedCertId[];
  /** extnValue of the nonce extension, when present. */
  readonly nonce?: Uint8Array;
}

const hex = (v: Uint8Array) => Buffer.from(v).toString('hex');

/** Reads a DER OCSPRequest (RFC 6960 §4.1.1), at most 64 KiB and 32 requests. Throws ERR_OCSP_MALFORMED. */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  if (!(der instanceof Uint8Array) || der.length === 0 || der.length > 64 * 1024) throw new CryptoError('ERR_OCSP_MALFORMED', 'an OCSPRequest is 1 byte to 64 KiB of DER');
  let req: pkijs.OCSPRequest;
  try {
    req = pkijs.OCSPRequest.fromBER(Uint8Array.from(der));
  } catch (e) {
    throw new CryptoError('ERR_OCSP_MALFORMED', `not an OCSPRequest: ${(e as Error).message}`, { cause: e });
  }
  const list = req.tbsRequest.requestList;
  if (list.length === 0 || list.length > 32) throw new CryptoError('ERR_OCSP_MALFORMED', `an OCSPRequest asks about 1 to 32 certificates, not ${list.length}`);
  const certIds = list.map((r) => {
    const id = r.reqCert;
    let i = 0;
    const serial = id.serialNumber.valueBlock.valueHexView;
    while (i < serial.length - 1 && serial[i] === 0) i++;
    const hash = hashFromOid(id.hashAlgorithm.algorithmId);
    return {
      der: new Uint8Array(id.toSchema().toBER(false)),
      ...(hash ? { hash: nodeHash(hash) } : {}),
      issuerNameHash: hex(id.issuerNameHash.valueBlock.valueHexView),
      issuerKeyHash: hex(id.issuerKeyHash.valueBlock.valueHexView),
      serialNumber: hex(serial.subarray(i)),
    };
  });
  const nonce = req.tbsRequest.requestExtensions?.find((e) => e.extnID === OCSP_NONCE_OID);
  return { certIds, ...(nonce ? { nonce: new Uint8Array(nonce.extnValue.valueBlock.valueHexView) } : {}) };
}
