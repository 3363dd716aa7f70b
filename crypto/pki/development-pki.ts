import type { KeyObject } from 'node:crypto';
import { createKeySigner } from '../keys/key-signer.js';
import type { SigningIdentity } from '../keys/signer.js';
import { exportPkcs8, generateKey, type DevKeyType } from './generate-key.js';
import { issueCertificate, type RawExtension } from './issue-certificate.js';
import { issueCrl } from './issue-crl.js';

/** A development CA: its certificate, key (KeyObject and PKCS#8 DER). */
export interface DevCertificateAuthority {
  readonly certificate: Uint8Array;
  readonly privateKey: KeyObject;
  readonly privateKeyPkcs8: Uint8Array;
}

/** An end-entity of the development PKI: a signing identity and its exportable key. */
export interface DevIdentity {
  readonly identity: SigningIdentity;
  readonly privateKey: KeyObject;
  readonly privateKeyPkcs8: Uint8Array;
}

export interface DevAgency {
  readonly code: string;
  readonly name: string;
  readonly parentName?: string;
  /** The agency's seal certificate: CN = agency name, O = parent (or itself), organizationIdentifier = code. */
  readonly seal: DevIdentity;
  /** A person signing for the agency: CN, OU = agency name, emailAddress. */
  readonly person: DevIdentity;
}

export interface DevelopmentPki {
  readonly root: DevCertificateAuthority;
  readonly issuingCa: DevCertificateAuthority;
  /** Empty CRL of the issuing CA (covers the agency certificates). */
  readonly crl: Uint8Array;
  /** Empty CRL of the root (covers the issuing CA). */
  readonly rootCrl: Uint8Array;
  readonly agencies: readonly DevAgency[];
  /**
   * The development time-stamping authority (RFC 3161): issued by the issuing CA, extendedKeyUsage
   * id-kp-timeStamping only and critical (RFC 3161 §2.3). The axis serves it at POST /axis/v1/tsa.
   */
  readonly tsa: DevIdentity;
  /**
   * The development OCSP responder (RFC 6960 §4.2.2.2 delegated responder): issued by the issuing CA,
   * extendedKeyUsage id-kp-OCSPSigning and id-pkix-ocsp-nocheck. The axis serves it at POST /axis/v1/ocsp.
   */
  readonly ocsp: DevIdentity;
}

export interface CreateDevelopmentPkiOptions {
  /** Issuance time: CA certificates are valid from one day before, end-entity certificates from one hour before. */
  readonly now: Date;
  readonly agencies: readonly { readonly code: string; readonly name: string; readonly parentName?: string }[];
  /** Default rsa2048. */
  readonly keyType?: DevKeyType;
  /** CRL distribution point of end-entity certificates. Default `http://pki.lienthong.invalid/crl/issuing-ca.crl`. */
  readonly crlUrl?: string;
  /** When given, the issuing CA certificate carries this CRL distribution point (then `rootCrl` must be supplied to validators). */
  readonly rootCrlUrl?: string;
  /** When given, end-entity certificates carry this OCSP responder in authorityInfoAccess (RFC 5280 §4.2.2.1). */
  readonly ocspUrl?: string;
}

const HOUR = 3_600_000;
const KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): clients need not check the responder certificate's own status. */
const OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
const DAY = 24 * HOUR;

function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY);
}

/** Ascii-only mailbox local part for an agency code (`000.00.18.G12` → `000-00-18-g12`). */
function mailbox(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/**
 * Creates a development PKI shaped like the Government CA (DOMAIN.md, "Government CA hierarchy (G2)"), every
 * name marked "(DEV)": root CA → issuing CA (pathLen 0) → per agency a seal certificate and a person
 * certificate, a time-stamping authority certificate (critical EKU id-kp-timeStamping) and an OCSP responder certificate (P-256 whatever `keyType`: one more key at little cost). Keys are fresh (`keyType`, default RSA-2048); nothing is read from the environment.
 */
export async function createDevelopmentPki(options: CreateDevelopmentPkiOptions): Promise<DevelopmentPki> {
  const { now } = options;
  const keyType = options.keyType ?? 'rsa2048';
  const crlUrl = options.crlUrl ?? 'http://pki.lienthong.invalid/crl/issuing-ca.crl';
  const start = new Date(now.getTime() - HOUR);
  const caStart = new Date(now.getTime() - DAY);

  const rootKey = await generateKey(keyType);
  const rootCert = issueCertificate({
    subject: { CN: 'RootCA chuyên dùng Chính phủ G2 (DEV)', O: 'Ban Cơ yếu Chính phủ (DEV)', C: 'VN' },
    publicKey: rootKey.publicKey,
    selfSignKey: rootKey.privateKey,
    notBefore: caStart,
    notAfter: addDays(now, 20 * 365),
    basicConstraints: { ca: true },
  });
  const root = { certificate: rootCert, privateKey: rootKey.privateKey, privateKeyPkcs8: exportPkcs8(rootKey.privateKey) };

  const caKey = await generateKey(keyType);
  const caCert = issueCertificate({
    subject: { CN: 'CA phục vụ các cơ quan Nhà nước G2 (DEV)', O: 'Ban Cơ yếu Chính phủ (DEV)', C: 'VN' },
    publicKey: caKey.publicKey,
    issuer: root,
    notBefore: caStart,
    notAfter: addDays(now, 10 * 365),
    basicConstraints: { ca: true, pathLength: 0 },
    ...(options.rootCrlUrl ? { crlDistributionPoint: options.rootCrlUrl } : {}),
  });
  const issuingCa = { certificate: caCert, privateKey: caKey.privateKey, privateKeyPkcs8: exportPkcs8(caKey.privateKey) };

  const endEntity = async (
    subject: Parameters<typeof issueCertificate>[0]['subject'],
    extra: { readonly extendedKeyUsage?: readonly string[]; readonly extraExtensions?: readonly RawExtension[]; readonly ocsp?: boolean; readonly keyType?: DevKeyType } = {},
  ): Promise<DevIdentity> => {
    const key = await generateKey(extra.keyType ?? keyType);
    const certificate = issueCertificate({
      subject,
      publicKey: key.publicKey,
      issuer: issuingCa,
      notBefore: start,
      notAfter: addDays(now, 2 * 365),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      crlDistributionPoint: crlUrl,
      ...(options.ocspUrl && extra.ocsp !== false ? { ocspUrl: options.ocspUrl } : {}),
      ...(extra.extraExtensions ? { extraExtensions: extra.extraExtensions } : {}),
      ...(extra.extendedKeyUsage ? { extendedKeyUsage: extra.extendedKeyUsage, extendedKeyUsageCritical: true } : {}),
    });
    return {
      identity: Object.freeze({ signer: createKeySigner(key.privateKey), certificate, chain: Object.freeze([caCert, rootCert]) }),
      privateKey: key.privateKey,
      privateKeyPkcs8: exportPkcs8(key.privateKey),
    };
  };

  const agencies: DevAgency[] = [];
  for (const a of options.agencies) {
    const seal = await endEntity({ CN: a.name, O: a.parentName ?? a.name, C: 'VN', organizationIdentifier: a.code });
    const person = await endEntity({
      CN: `Người ký thử nghiệm ${a.code} (DEV)`,
      OU: a.name,
      O: a.parentName ?? a.name,
      C: 'VN',
      emailAddress: `nguoiky.${mailbox(a.code)}@lienthong.invalid`,
    });
    agencies.push(Object.freeze({ code: a.code, name: a.name, ...(a.parentName ? { parentName: a.parentName } : {}), seal, person }));
  }
  const tsa = await endEntity({ CN: 'Dịch vụ cấp dấu thời gian (DEV TSA)', O: 'Ban Cơ yếu Chính phủ (DEV)', C: 'VN' }, { extendedKeyUsage: ['1.3.6.1.5.5.7.3.8'] });
  const ocsp = await endEntity(
    { CN: 'Dịch vụ trạng thái chứng thư số (DEV OCSP)', O: 'Ban Cơ yếu Chính phủ (DEV)', C: 'VN' },
    { extendedKeyUsage: [KP_OCSP_SIGNING], extraExtensions: [{ oid: OCSP_NOCHECK, critical: false, value: Uint8Array.from([0x05, 0x00]) }], ocsp: false, keyType: 'p256' },
  );
  const crl = issueCrl({ issuer: issuingCa, revoked: [], thisUpdate: start, nextUpdate: addDays(now, 30) });
  const rootCrl = issueCrl({ issuer: root, revoked: [], thisUpdate: start, nextUpdate: addDays(now, 365) });
  return Object.freeze({ root, issuingCa, crl, rootCrl, agencies: Object.freeze(agencies), tsa, ocsp });
}
