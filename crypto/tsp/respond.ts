import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { hashFromOid, hashLength, oidOfHash, signatureOidFor } from '../cms/algorithms.js';
import { oidBytes, tlv, unsignedInteger } from '../cms/der-write.js';
import { OID } from '../cms/oids.js';
import { signingCertificateV2 } from '../cms/signing-template.js';
import type { SigningIdentity } from '../keys/index.js';
import { parseTimestampRequest } from './request.js';

/** A time-stamping authority: its key and certificate (critical EKU id-kp-timeStamping, RFC 3161 §2.3). */
export interface TimestampAuthority {
  readonly identity: SigningIdentity;
  /** The TSA policy OID of every token (RFC 3161 §2.4.2 `policy`). */
  readonly policy: string;
}

/** PKIFailureInfo bits (RFC 3161 §2.4.2). */
const BAD_ALG = 0;
const BAD_DATA_FORMAT = 5;
const UNACCEPTED_POLICY = 15;

function der(block: { toSchema(): { toBER(sizeOnly?: boolean): ArrayBuffer } }): Uint8Array {
  return new Uint8Array(block.toSchema().toBER(false));
}

function rejection(bit: number, text: string): Uint8Array {
  const bits = new Uint8Array(Math.floor(bit / 8) + 1);
  bits[Math.floor(bit / 8)] = 0x80 >> (bit % 8);
  const unused = 7 - (bit % 8);
  const status = tlv(0x30, tlv(0x02, Uint8Array.from([2])), tlv(0x30, tlv(0x0c, new TextEncoder().encode(text))), tlv(0x03, Uint8Array.from([unused]), bits));
  return tlv(0x30, status);
}

function derSetOrder(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Answers an RFC 3161 TimeStampReq (§2.4.1) with a TimeStampResp (§2.4.2): a TSTInfo (version 1, the TSA's
 * policy, the request's messageImprint and nonce, `serialNumber`, genTime = `now` to the second, accuracy
 * 1 s) in a SignedData (version 3, eContentType id-ct-TSTInfo) signed by the TSA with signed attributes
 * content-type, message-digest and ESS signing-certificate-v2 (RFC 5816), carrying the TSA certificate and its chain
 * when certReq is set. An unknown hash or a wrong-length imprint is answered with a rejection (badAlg /
 * badDataFormat), an unknown requested policy with unacceptedPolicy. Throws ERR_TSP_MALFORMED for bytes that
 * are not a TimeStampReq at all.
 */
export async function respondToTimestampRequest(request: Uint8Array, options: { readonly tsa: TimestampAuthority; readonly now: Date; readonly serialNumber: Uint8Array }): Promise<Uint8Array> {
  const req = parseTimestampRequest(request);
  const hash = hashFromOid(req.hashOid);
  if (!hash || hash === 'SHA-1') return rejection(BAD_ALG, `unsupported hash algorithm ${req.hashOid}`);
  if (req.hashedMessage.length !== hashLength(hash)) return rejection(BAD_DATA_FORMAT, 'the messageImprint has the wrong length');
  if (req.reqPolicy && req.reqPolicy !== options.tsa.policy) return rejection(UNACCEPTED_POLICY, `policy ${req.reqPolicy} is not offered`);
  const { identity } = options.tsa;
  const genTime = new Date(Math.floor(options.now.getTime() / 1000) * 1000);
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: options.tsa.policy,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: req.hashOid }),
      hashedMessage: new asn1js.OctetString({ valueHex: req.hashedMessage }),
    }),
    serialNumber: asn1js.fromBER(unsignedInteger(options.serialNumber)).result as asn1js.Integer,
    genTime,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(req.nonce ? { nonce: new asn1js.Integer({ valueHex: req.nonce }) } : {}),
  });
  const eContent = der(tstInfo);
  const cert = pkijs.Certificate.fromBER(identity.certificate);
  const attrs = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.tstInfo })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(eContent).digest() })] }),
    signingCertificateV2(identity.certificate, cert),
  ]
    .map((a) => der(a))
    .sort(derSetOrder);
  const signedAttrs = tlv(0x31, ...attrs);
  const signature = await identity.signer.sign(signedAttrs, { hash: 'SHA-256', scheme: 'pkcs1' });
  const digestAlg = der(new pkijs.AlgorithmIdentifier({ algorithmId: oidOfHash('SHA-256') }));
  const sigAlg = der(new pkijs.AlgorithmIdentifier({ algorithmId: signatureOidFor(identity.signer.keyType, 'SHA-256', 'pkcs1') }));
  const sid = der(new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }));
  const signerInfo = tlv(0x30, tlv(0x02, Uint8Array.from([1])), sid, digestAlg, tlv(0xa0, ...attrs), sigAlg, tlv(0x04, signature));
  const signedData = tlv(
    0x30,
    tlv(0x02, Uint8Array.from([3])),
    tlv(0x31, digestAlg),
    tlv(0x30, oidBytes(OID.tstInfo), tlv(0xa0, tlv(0x04, eContent))),
    ...(req.certReq ? [tlv(0xa0, ...[identity.certificate, ...identity.chain].sort(derSetOrder))] : []),
    tlv(0x31, signerInfo),
  );
  const token = tlv(0x30, oidBytes(OID.signedData), tlv(0xa0, signedData));
  const granted = tlv(0x30, tlv(0x02, Uint8Array.from([0])));
  return tlv(0x30, granted, token);
}
