import * as pkijs from 'pkijs';
import type { ParsedCertificate } from '../pki/index.js';
import type { Checklist } from '../report/index.js';
import type { Indication, PoeSource, RevocationSubject, SubIndication, TimestampSummary } from '../report/types.js';
import type { AnyHashName, SignerSignatureAlgorithm } from './algorithms.js';
import { children, DerError, readRoot, tlvBytes } from './der.js';
import type { ParsedAttribute, ParsedSignedData, ParsedSignerInfo } from './parse-signed-data.js';
import type { DetachedContent, VerifyDetachedOptions } from './types.js';

/** What the verification steps learn, filled in order. */
export interface VerifyState {
  readonly parsed: ParsedSignedData;
  readonly input: DetachedContent;
  readonly options: VerifyDetachedOptions;
  readonly checks: Checklist;
  signerInfo?: ParsedSignerInfo;
  messageDigest?: Uint8Array;
  claimedSigningTime?: Date;
  signer?: ParsedCertificate;
  embedded?: ParsedCertificate[];
  digestHash?: AnyHashName;
  signatureAlgorithm?: SignerSignatureAlgorithm;
  intact: boolean;
  valid: boolean;
  trusted: boolean;
  validationTime?: Date;
  /** Where validationTime came from (ETSI EN 319 102-1 §5.5: proof of existence). */
  poe?: PoeSource;
  /** The earliest verified signature timestamp. */
  timestamp?: { readonly genTime: Date; readonly summary: TimestampSummary };
  /** A timestamp token's own verification: no timestamps of timestamps, no POE other than `at`. */
  nested?: boolean;
  /** Certificates no revocation data answered for (the signer's path on TRY_LATER, ignored timestamps' TSA paths). */
  revocationWanted?: RevocationSubject[];
  /** adbe.pkcs7.sha1 style: the encapsulated content is the SHA-1 of the document. */
  contentIsSha1Digest?: boolean;
}

/** A failed step ends verification with its indication. */
export interface StepFailure {
  readonly indication: Exclude<Indication, 'TOTAL_PASSED'>;
  readonly subIndication: SubIndication;
  readonly reason: string;
}

export type Step = (s: VerifyState) => StepFailure | undefined;

/** Records a failed check and returns the step failure. */
export function fail(s: VerifyState, check: string, indication: StepFailure['indication'], subIndication: SubIndication, reason: string): StepFailure {
  s.checks.fail(check, reason);
  return { indication, subIndication, reason };
}

/** The single value of a signed attribute (RFC 5652 §11: exactly one value), undefined when absent. */
export function single(attrs: readonly ParsedAttribute[], oid: string, what: string): Uint8Array | undefined {
  const found = attrs.filter((a) => a.oid === oid);
  if (found.length === 0) return undefined;
  if (found.length > 1 || found[0]!.values.length !== 1) throw new DerError(`${what} must occur once with one value (RFC 5652 §11)`);
  return found[0]!.values[0];
}

const issuerOfCert = new WeakMap<ParsedCertificate, Uint8Array>();

/** The DER issuer Name of a certificate (TBSCertificate field 4, RFC 5280 §4.1). */
export function issuerDer(cert: ParsedCertificate): Uint8Array {
  let hit = issuerOfCert.get(cert);
  if (!hit) {
    const der = cert.der;
    const tbs = children(der, children(der, readRoot(der))[0]!);
    const offset = tbs[0]?.tag === 0xa0 ? 1 : 0;
    hit = tlvBytes(der, tbs[offset + 2]!);
    issuerOfCert.set(cert, hit);
  }
  return hit;
}

/** Hex of an INTEGER's contents without leading zero bytes (as ParsedCertificate.serialNumber). */
export function hexOfInteger(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + i, bytes.length - i).toString('hex');
}

/** Byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** Name comparison when the encodings differ (RFC 5280 §7.1: compare the attribute values, not the bytes). */
export function sameName(cert: ParsedCertificate, nameDer: Uint8Array): boolean {
  try {
    return cert.certificate.issuer.isEqual(pkijs.RelativeDistinguishedNames.fromBER(nameDer));
  } catch {
    return false;
  }
}
