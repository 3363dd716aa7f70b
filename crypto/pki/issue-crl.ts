import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificate } from './certificate.js';
import { REVOCATION_REASONS, type RevocationReason } from './crl.js';
import './engine.js';
import { serialInteger, signatureAlgorithmFor, signTbs, x509Time, type IssuerKeyPair, type IssueSignatureOptions } from './issue-certificate.js';

export interface IssueCrlOptions {
  readonly issuer: IssuerKeyPair;
  readonly revoked: readonly { readonly serialNumber: string; readonly revocationDate: Date; readonly reason?: RevocationReason }[];
  readonly thisUpdate: Date;
  /** Omit only to make a defective CRL for tests. */
  readonly nextUpdate?: Date;
  /** CRL number (hex); default derived from thisUpdate (monotonic for a CA that issues at most once a second). */
  readonly crlNumber?: string;
  readonly signature?: IssueSignatureOptions;
}

/**
 * Issues a complete X.509 v2 CRL (RFC 5280 §5) signed by `issuer`, with AKI and CRL number extensions and a
 * reasonCode entry extension when a reason is given. Returns DER.
 */
export function issueCrl(options: IssueCrlOptions): Uint8Array {
  const issuer = parseCertificate(options.issuer.certificate);
  const hash = options.signature?.hash ?? 'sha256';
  const scheme = options.signature?.rsaScheme ?? 'pkcs1';
  const sigAlg = signatureAlgorithmFor(options.issuer.privateKey, hash, scheme);
  const aki = issuer.subjectKeyIdentifier
    ? Buffer.from(issuer.subjectKeyIdentifier, 'hex')
    : createHash('sha1').update(issuer.certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  const number = options.crlNumber ?? Math.floor(options.thisUpdate.getTime() / 1000).toString(16).padStart(12, '0');
  const revoked = options.revoked.map((r) => {
    const code = r.reason ? REVOCATION_REASONS.indexOf(r.reason) : -1;
    return new pkijs.RevokedCertificate({
      userCertificate: serialInteger(new Uint8Array(Buffer.from(r.serialNumber, 'hex'))),
      revocationDate: x509Time(r.revocationDate),
      ...(code >= 0
        ? {
            crlEntryExtensions: new pkijs.Extensions({
              extensions: [new pkijs.Extension({ extnID: '2.5.29.21', critical: false, extnValue: new asn1js.Enumerated({ value: code }).toBER(false) })],
            }),
          }
        : {}),
    });
  });
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    signature: sigAlg,
    issuer: issuer.certificate.subject,
    thisUpdate: x509Time(options.thisUpdate),
    ...(options.nextUpdate ? { nextUpdate: x509Time(options.nextUpdate) } : {}),
    ...(revoked.length > 0 ? { revokedCertificates: revoked } : {}),
    crlExtensions: new pkijs.Extensions({
      extensions: [
        new pkijs.Extension({
          extnID: '2.5.29.35',
          critical: false,
          extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: aki }) }).toSchema().toBER(false),
        }),
        new pkijs.Extension({ extnID: '2.5.29.20', critical: false, extnValue: serialInteger(new Uint8Array(Buffer.from(number.length % 2 ? `0${number}` : number, 'hex'))).toBER(false) }),
      ],
    }),
  });
  const full = crl.toSchema(true) as asn1js.Sequence;
  const tbsSchema = full.valueBlock.value[0] as asn1js.Sequence;
  const tbs = new Uint8Array(tbsSchema.toBER(false));
  const signature = signTbs(options.issuer.privateKey, hash, scheme, tbs);
  return new Uint8Array(new asn1js.Sequence({ value: [tbsSchema, sigAlg.toSchema(), new asn1js.BitString({ valueHex: signature })] }).toBER(false));
}
