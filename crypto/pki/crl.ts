import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CryptoError } from '../errors.js';
import { decodeSignatureAlgorithm, type SignatureAlgorithm } from './algorithms.js';
import './engine.js';
import { toArrayBuffer } from './fingerprint.js';
import { formatName, nameKey } from './names.js';
import { decodePem, isPem } from './pem.js';
import { hexOf as hex, serialHex } from './bytes.js';
import { createParseCache } from './parse-cache.js';

/** RFC 5280 §5.3.1 CRLReason names. */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

export const REVOCATION_REASONS: readonly (RevocationReason | undefined)[] = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined,
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

export interface RevokedEntry {
  readonly serialNumber: string;
  readonly revocationDate: Date;
  readonly reason?: RevocationReason;
}

/** A CRL parsed once (cache keyed by SHA-256 of the DER). */
export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly sha256: string;
  readonly issuer: string;
  readonly issuerKey: string;
  readonly authorityKeyIdentifier?: string;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly crlNumber?: string;
  /** Revoked entries by hex serial number (no leading zero bytes). */
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
  /** Delta CRL, indirect CRL or issuing distribution point with scope limits: not supported, never used. */
  readonly unsupported?: string;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signatureValue: Uint8Array;
}





function build(der: Uint8Array, sha256: string): ParsedCrl {
  let crl: pkijs.CertificateRevocationList;
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1 || asn.offset !== der.byteLength) throw new Error(asn.result.error || 'trailing bytes after CRL');
    crl = new pkijs.CertificateRevocationList({ schema: asn.result });
  } catch (e) {
    throw new CryptoError('ERR_CRL_MALFORMED', 'CRL is not valid DER', { cause: e });
  }
  let aki: string | undefined;
  let crlNumber: string | undefined;
  let unsupported: string | undefined;
  for (const ext of crl.crlExtensions?.extensions ?? []) {
    const pv: unknown = ext.parsedValue;
    if (ext.extnID === '2.5.29.35' && pv instanceof pkijs.AuthorityKeyIdentifier && pv.keyIdentifier) {
      aki = hex(pv.keyIdentifier.valueBlock.valueHexView);
    } else if (ext.extnID === '2.5.29.20' && pv instanceof asn1js.Integer) {
      crlNumber = serialHex(pv.valueBlock.valueHexView);
    } else if (ext.extnID === '2.5.29.27') {
      unsupported = 'delta CRL';
    } else if (ext.extnID === '2.5.29.28') {
      unsupported = 'issuing distribution point';
    } else if (ext.critical) {
      unsupported = `critical CRL extension ${ext.extnID}`;
    }
  }
  const revoked = new Map<string, RevokedEntry>();
  for (const rc of crl.revokedCertificates ?? []) {
    let reason: RevocationReason | undefined;
    for (const ext of rc.crlEntryExtensions?.extensions ?? []) {
      if (ext.extnID === '2.5.29.21') {
        const pv: unknown = ext.parsedValue;
        const code = pv instanceof asn1js.Enumerated ? pv.valueBlock.valueDec : undefined;
        reason = code === undefined ? undefined : REVOCATION_REASONS[code];
      } else if (ext.extnID === '2.5.29.29') {
        unsupported = 'indirect CRL (certificate issuer entry extension)';
      } else if (ext.critical) {
        unsupported = `critical CRL entry extension ${ext.extnID}`;
      }
    }
    const serialNumber = serialHex(rc.userCertificate.valueBlock.valueHexView);
    revoked.set(serialNumber, { serialNumber, revocationDate: rc.revocationDate.value, ...(reason ? { reason } : {}) });
  }
  return Object.freeze({
    der,
    sha256,
    issuer: formatName(crl.issuer),
    issuerKey: nameKey(crl.issuer),
    ...(aki !== undefined ? { authorityKeyIdentifier: aki } : {}),
    thisUpdate: crl.thisUpdate.value,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value } : {}),
    ...(crlNumber !== undefined ? { crlNumber } : {}),
    revoked,
    ...(unsupported !== undefined ? { unsupported } : {}),
    tbs: crl.tbsView,
    signatureAlgorithm: decodeSignatureAlgorithm(crl.signature),
    signatureValue: crl.signatureValue.valueBlock.valueHexView,
  });
}

const cache = createParseCache<ParsedCrl>({ pemLabels: ['X509 CRL'], maxEntries: 2_000, build });

/**
 * Parses a CRL (DER, or the first X509 CRL block of PEM) through a cache keyed by the SHA-256 of the DER.
 * Throws ERR_CRL_MALFORMED / ERR_PEM_MALFORMED.
 */
export function parseCrl(bytes: Uint8Array): ParsedCrl {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('CRL must be a Uint8Array');
  return cache.parse(bytes);
}

/** Decodes all CRLs of a PEM text (every X509 CRL block) or one DER CRL. Throws ERR_CRL_MALFORMED / ERR_PEM_MALFORMED. */
export function decodeCrls(bytes: Uint8Array): Uint8Array[] {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (bytes.length === 0) throw new CryptoError('ERR_CRL_MALFORMED', 'empty input');
  if (isPem(bytes)) {
    const blocks = decodePem(bytes).filter((b) => b.label === 'X509 CRL');
    if (blocks.length === 0) throw new CryptoError('ERR_PEM_MALFORMED', 'no X509 CRL block');
    for (const b of blocks) parseCrl(b.der);
    return blocks.map((b) => b.der);
  }
  parseCrl(bytes);
  return [new Uint8Array(bytes)];
}
