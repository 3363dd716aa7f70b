import { signatureOidFor } from '../cms/algorithms.js';
import { oidBytes, tlv } from '../cms/der-write.js';
import type { SigningIdentity } from '../keys/index.js';
import { parseCertificate, type ParsedCertificate } from '../pki/certificate.js';
import { REVOCATION_REASONS, type RevocationReason } from '../pki/crl.js';
import { keyHash, nameHash } from '../pki/ocsp.js';
import { isCryptoError } from '../errors.js';
import { OCSP_NONCE_OID, parseOcspRequest, type RequestedCertId } from './request.js';

const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

/** What a responder says of one certificate (RFC 6960 §2.2). */
export type OcspCertStatus = { readonly status: 'good' } | { readonly status: 'revoked'; readonly revocationTime: Date; readonly reason?: RevocationReason } | { readonly status: 'unknown' };

/**
 * An OCSP responder: the key and certificate that sign its responses (a delegated responder certificate with
 * id-kp-OCSPSigning, issued by the CA it answers for, RFC 6960 §4.2.2.2; or that CA itself), the CA
 * certificates it answers for, and where the status of a serial number comes from.
 */
export interface OcspResponder {
  readonly identity: SigningIdentity;
  /** DER certificates of the CAs whose certificates this responder answers for. */
  readonly issuers: readonly Uint8Array[];
  /** The status of the certificate with this serial number (hex, no leading zeros) issued by `issuer`. */
  statusOf(serialNumber: string, issuer: ParsedCertificate): OcspCertStatus;
  /** nextUpdate − thisUpdate, ms. Default one day. */
  readonly validityMs?: number;
  /** Answer SHA-1 CertIDs (RFC 6960's historical default). Default false: malformedRequest. */
  readonly allowSha1CertId?: boolean;
}

/** OCSPResponseStatus (RFC 6960 §4.2.1). */
const MALFORMED_REQUEST = 1;
const UNAUTHORIZED = 6;

function errorResponse(status: number): Uint8Array {
  return tlv(0x30, tlv(0x0a, Uint8Array.from([status])));
}

function generalizedTime(d: Date): Uint8Array {
  const s = d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return tlv(0x18, new TextEncoder().encode(s));
}

function certStatus(s: OcspCertStatus): Uint8Array {
  if (s.status === 'good') return Uint8Array.from([0x80, 0x00]);
  if (s.status === 'unknown') return Uint8Array.from([0x82, 0x00]);
  const code = s.reason ? REVOCATION_REASONS.indexOf(s.reason) : -1;
  return tlv(0xa1, generalizedTime(s.revocationTime), ...(code >= 0 ? [tlv(0xa0, tlv(0x0a, Uint8Array.from([code])))] : []));
}

/**
 * Answers an OCSPRequest (RFC 6960 §4.1.1) with a signed basic OCSPResponse (§4.2.1): ResponderID byKey,
 * producedAt and thisUpdate = `now` to the second, nextUpdate = thisUpdate + `validityMs`, one SingleResponse
 * per requested CertID with the status `statusOf` gives (unknown for a CertID of a CA it does not answer
 * for), the request's nonce echoed (RFC 8954), signed with SHA-256 and carrying the responder certificate and
 * its chain. Bytes that are not an OCSPRequest, or a SHA-1 CertID when not allowed, get a malformedRequest
 * response; a request naming only CAs it does not serve, unauthorized (§2.3).
 */
export async function respondToOcspRequest(request: Uint8Array, options: { readonly responder: OcspResponder; readonly now: Date }): Promise<Uint8Array> {
  let req;
  try {
    req = parseOcspRequest(request);
  } catch (e) {
    if (isCryptoError(e, 'ERR_OCSP_MALFORMED')) return errorResponse(MALFORMED_REQUEST);
    throw e;
  }
  const { responder } = options;
  if (req.certIds.some((id) => id.hash === undefined || (id.hash === 'sha1' && responder.allowSha1CertId !== true))) return errorResponse(MALFORMED_REQUEST);
  const issuers = responder.issuers.map((der) => parseCertificate(der));
  const issuerOf = (id: RequestedCertId) => issuers.find((ca) => keyHash(ca, id.hash!) === id.issuerKeyHash && nameHash(ca, id.hash!) === id.issuerNameHash);
  if (req.certIds.every((id) => issuerOf(id) === undefined)) return errorResponse(UNAUTHORIZED);

  const thisUpdate = new Date(Math.floor(options.now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + (responder.validityMs ?? 86_400_000));
  const singles = req.certIds.map((id) => {
    const issuer = issuerOf(id);
    const status: OcspCertStatus = issuer ? responder.statusOf(id.serialNumber, issuer) : { status: 'unknown' };
    return tlv(0x30, id.der, certStatus(status), generalizedTime(thisUpdate), tlv(0xa0, generalizedTime(nextUpdate)));
  });
  const self = parseCertificate(responder.identity.certificate);
  const responderId = tlv(0xa2, tlv(0x04, new Uint8Array(Buffer.from(keyHash(self, 'sha1'), 'hex'))));
  const extensions = req.nonce ? [tlv(0xa1, tlv(0x30, tlv(0x30, oidBytes(OCSP_NONCE_OID), tlv(0x04, req.nonce))))] : [];
  const tbs = tlv(0x30, responderId, generalizedTime(thisUpdate), tlv(0x30, ...singles), ...extensions);
  const { signer } = responder.identity;
  const signature = await signer.sign(tbs, { hash: 'SHA-256', scheme: 'pkcs1' });
  const sigAlg = tlv(0x30, oidBytes(signatureOidFor(signer.keyType, 'SHA-256', 'pkcs1')), ...(signer.keyType === 'ECDSA' ? [] : [Uint8Array.from([0x05, 0x00])]));
  const certs = [responder.identity.certificate, ...responder.identity.chain.filter((c) => !parseCertificate(c).selfIssued)];
  const basic = tlv(0x30, tbs, sigAlg, tlv(0x03, Uint8Array.from([0]), signature), tlv(0xa0, tlv(0x30, ...certs)));
  return tlv(0x30, tlv(0x0a, Uint8Array.from([0])), tlv(0xa0, tlv(0x30, oidBytes(OCSP_BASIC), tlv(0x04, basic))));
}
