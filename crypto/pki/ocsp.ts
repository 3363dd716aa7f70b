import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CryptoError } from '../errors.js';
import { decodeSignatureAlgorithm, hashFromOid, type SignatureAlgorithm } from './algorithms.js';
import { parseCertificate, type ParsedCertificate } from './certificate.js';
import type { RevocationReason } from './crl.js';
import { REVOCATION_REASONS } from './crl.js';
import './engine.js';
import { sha256Hex, toArrayBuffer } from './fingerprint.js';
import { nameKey } from './names.js';
import { algorithmAllowed, type ChainPolicy, type RevocationStatus } from './policy.js';
import { verifySignedBy } from './signature-cache.js';

const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

interface SingleStatus {
  readonly hash: string;
  readonly issuerNameHash: string;
  readonly issuerKeyHash: string;
  readonly serialNumber: string;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revocationTime?: Date;
  readonly reason?: RevocationReason;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

/** A successful basic OCSP response, parsed once (cache keyed by SHA-256 of the DER). */
export interface ParsedOcspResponse {
  readonly sha256: string;
  readonly producedAt: Date;
  readonly responderKeyHash?: string;
  readonly responderNameKey?: string;
  readonly certificates: readonly ParsedCertificate[];
  readonly responses: readonly SingleStatus[];
  /** The extnValue of the nonce extension (RFC 8954), when the responder echoed one. */
  readonly nonce?: Uint8Array;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signatureValue: Uint8Array;
}

const cache = new Map<string, ParsedOcspResponse>();

function hex(v: Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
}

function serialHex(view: Uint8Array): string {
  let i = 0;
  while (i < view.length - 1 && view[i] === 0) i++;
  return hex(view.subarray(i));
}

function singleStatus(r: pkijs.SingleResponse): SingleStatus | undefined {
  const hash = hashFromOid(r.certID.hashAlgorithm.algorithmId);
  if (!hash) return undefined;
  const cs = r.certStatus as asn1js.BaseBlock;
  const tag = cs.idBlock.tagNumber;
  let status: SingleStatus['status'] = 'unknown';
  let revocationTime: Date | undefined;
  let reason: RevocationReason | undefined;
  if (tag === 0) status = 'good';
  else if (tag === 1) {
    status = 'revoked';
    const inner = (cs as asn1js.Constructed).valueBlock.value;
    const t = inner[0];
    if (t instanceof asn1js.GeneralizedTime) revocationTime = t.toDate();
    const r0 = inner[1] as asn1js.Constructed | undefined;
    const en = r0?.valueBlock?.value?.[0];
    if (en instanceof asn1js.Enumerated) reason = REVOCATION_REASONS[en.valueBlock.valueDec];
  }
  return {
    hash,
    issuerNameHash: hex(r.certID.issuerNameHash.valueBlock.valueHexView),
    issuerKeyHash: hex(r.certID.issuerKeyHash.valueBlock.valueHexView),
    serialNumber: serialHex(r.certID.serialNumber.valueBlock.valueHexView),
    status,
    ...(revocationTime ? { revocationTime } : {}),
    ...(reason ? { reason } : {}),
    thisUpdate: r.thisUpdate,
    ...(r.nextUpdate ? { nextUpdate: r.nextUpdate } : {}),
  };
}

/**
 * Parses a DER OCSPResponse (RFC 6960 §4.2.1) carrying a successful basic response. Throws ERR_DER_MALFORMED
 * when the bytes are not one.
 */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const fp = sha256Hex(der);
  const hit = cache.get(fp);
  if (hit) return hit;
  let basic: pkijs.BasicOCSPResponse;
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1) throw new Error(asn.result.error);
    const resp = new pkijs.OCSPResponse({ schema: asn.result });
    if (resp.responseStatus.valueBlock.valueDec !== 0 || !resp.responseBytes) throw new Error('OCSP response status is not successful');
    if (resp.responseBytes.responseType !== OCSP_BASIC) throw new Error('not a basic OCSP response');
    const inner = asn1js.fromBER(resp.responseBytes.response.valueBlock.valueHexView);
    if (inner.offset === -1) throw new Error(inner.result.error);
    basic = new pkijs.BasicOCSPResponse({ schema: inner.result });
  } catch (e) {
    throw new CryptoError('ERR_DER_MALFORMED', 'not a successful basic OCSP response', { cause: e });
  }
  const rd = basic.tbsResponseData;
  const rid: unknown = rd.responderID;
  const certificates: ParsedCertificate[] = [];
  for (const c of basic.certs ?? []) {
    try {
      certificates.push(parseCertificate(new Uint8Array(c.toSchema().toBER(false))));
    } catch {
      // an unparseable extra certificate cannot be a responder; ignore it
    }
  }
  const nonceExt = rd.responseExtensions?.find((e) => e.extnID === OCSP_NONCE);
  const parsed: ParsedOcspResponse = Object.freeze({
    sha256: fp,
    producedAt: rd.producedAt,
    ...(rid instanceof asn1js.OctetString ? { responderKeyHash: hex(rid.valueBlock.valueHexView) } : {}),
    ...(rid instanceof pkijs.RelativeDistinguishedNames ? { responderNameKey: nameKey(rid) } : {}),
    certificates,
    responses: rd.responses.map(singleStatus).filter((s): s is SingleStatus => s !== undefined),
    ...(nonceExt ? { nonce: new Uint8Array(nonceExt.extnValue.valueBlock.valueHexView) } : {}),
    tbs: rd.tbsView,
    signatureAlgorithm: decodeSignatureAlgorithm(basic.signatureAlgorithm),
    signatureValue: basic.signature.valueBlock.valueHexView,
  });
  if (cache.size > 2_000) cache.clear();
  cache.set(fp, parsed);
  return parsed;
}

/** Hex hash of the certificate's subjectPublicKey bits (RFC 6960 §4.1.1 issuerKeyHash, §4.2.1 ResponderID byKey). */
export function keyHash(cert: ParsedCertificate, hash: string): string {
  return createHash(hash).update(cert.certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest('hex');
}

/** Hex hash of the certificate's DER subject name (RFC 6960 §4.1.1 issuerNameHash). */
export function nameHash(cert: ParsedCertificate, hash: string): string {
  return createHash(hash).update(new Uint8Array(cert.certificate.subject.valueBeforeDecode)).digest('hex');
}

function responderMatches(resp: ParsedOcspResponse, cert: ParsedCertificate): boolean {
  if (resp.responderKeyHash !== undefined) return keyHash(cert, 'sha1') === resp.responderKeyHash;
  return resp.responderNameKey === cert.subjectKey;
}

/**
 * The certificate that signed the response: the issuer itself, or a delegated responder it issued with
 * id-kp-OCSPSigning, valid at producedAt (RFC 6960 §4.2.2.2). A delegated responder without
 * id-pkix-ocsp-nocheck (§4.2.2.2.1) is refused when `responderRevoked` says a CRL of the issuer lists it.
 */
function responderOf(resp: ParsedOcspResponse, issuer: ParsedCertificate, responderRevoked?: (responder: ParsedCertificate, at: Date) => boolean): ParsedCertificate | undefined {
  if (responderMatches(resp, issuer)) return issuer;
  for (const c of resp.certificates) {
    if (!responderMatches(resp, c)) continue;
    if (c.issuerKey !== issuer.subjectKey || !verifySignedBy(c, issuer, 'cert')) continue;
    if (!c.extendedKeyUsage?.includes(KP_OCSP_SIGNING)) continue;
    if (c.notBefore.getTime() > resp.producedAt.getTime() || c.notAfter.getTime() < resp.producedAt.getTime()) continue;
    if (!c.ocspNoCheck && responderRevoked?.(c, resp.producedAt)) continue;
    return c;
  }
  return undefined;
}

/**
 * Finds the status of `cert` in the supplied OCSP responses: a response answering for the certificate's
 * CertID (SHA-1 CertIDs only when the policy allows SHA-1), signed by the issuer or its delegated responder
 * with an accepted algorithm, and current at `at` (`at` ≤ nextUpdate, or thisUpdate ≥ `at` when there is no
 * nextUpdate; a response issued after `at` knows at least as much about `at`, as for CRLs).
 */
export function findOcspStatus(options: {
  readonly cert: ParsedCertificate;
  readonly issuer: ParsedCertificate;
  readonly responses: readonly ParsedOcspResponse[];
  readonly at: Date;
  readonly policy: ChainPolicy;
  /** Whether a delegated responder without id-pkix-ocsp-nocheck is revoked (from the issuer's CRLs). */
  readonly responderRevoked?: (responder: ParsedCertificate, at: Date) => boolean;
}): RevocationStatus {
  const { cert, issuer, responses, at, policy } = options;
  let reason = 'no OCSP response for the certificate';
  for (const resp of responses) {
    for (const single of resp.responses) {
      if (single.serialNumber !== cert.serialNumber) continue;
      if (single.issuerKeyHash !== keyHash(issuer, single.hash) || single.issuerNameHash !== nameHash(issuer, single.hash)) continue;
      if (single.hash === 'sha1' && policy.allowSha1 !== true) {
        reason = 'OCSP CertID hashed with SHA-1 refused';
        continue;
      }
      const responder = responderOf(resp, issuer, options.responderRevoked);
      if (!responder) {
        reason = 'OCSP responder not authorized by the issuer';
        continue;
      }
      if (!algorithmAllowed(resp.signatureAlgorithm, policy)) {
        reason = `OCSP signature algorithm ${resp.signatureAlgorithm.name} refused`;
        continue;
      }
      if (!verifySignedBy(resp, responder, 'ocsp')) {
        reason = 'OCSP response signature does not verify';
        continue;
      }
      const current = single.nextUpdate ? at.getTime() <= single.nextUpdate.getTime() : single.thisUpdate.getTime() >= at.getTime();
      if (!current) {
        reason = 'OCSP response not current at the validation time';
        continue;
      }
      const source = `OCSP response produced ${resp.producedAt.toISOString()}`;
      if (single.status === 'good') return { status: 'good', source };
      if (single.status === 'revoked') {
        const revocationDate = single.revocationTime ?? single.thisUpdate;
        const entry = { serialNumber: cert.serialNumber, revocationDate, ...(single.reason ? { reason: single.reason } : {}) };
        return revocationDate.getTime() <= at.getTime() ? { status: 'revoked', source, entry } : { status: 'revoked-after', source, entry };
      }
      reason = 'OCSP responder does not know the certificate';
    }
  }
  return { status: 'unknown', reason };
}
