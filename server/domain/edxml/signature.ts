import { isCryptoError, signDetached, verifyDetached } from '../../../crypto/index.js';
import type { AlgorithmPolicy, SignatureReport, SigningIdentity, TrustAtNow, VerifyDetachedOptions } from '../../../crypto/index.js';
import { DomainError } from '../errors.js';
import { findXmlSignature, verifyPackageXml, verifyPackageXmlWith, type EnvelopedVerifier } from './xml-signature.js';

/**
 * The package signature: a detached CMS SignedData (RFC 5652 §5, CAdES-B-B, SHA-256) over the exact bytes
 * of the `.edxml` package, made with the sending agency's key and carried beside the package. The public
 * samples' enveloped rsa-sha1 XML signature is not produced here (SHA-1 is broken; DOMAIN.md).
 */

/**
 * Signs package bytes with the agency's identity. `signingTime` is the caller's clock (the core never
 * reads one) and becomes the CAdES signing-time attribute.
 * @returns DER CMS SignedData, content detached.
 */
export async function signPackage(bytes: Uint8Array, identity: SigningIdentity, signingTime: Date): Promise<Uint8Array> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('signPackage expects package bytes');
  if (!(signingTime instanceof Date) || Number.isNaN(signingTime.getTime())) throw new TypeError('signingTime must be a valid Date');
  return signDetached({ content: bytes }, { identity, signingTime, hash: 'SHA-256', includeChain: true });
}

export interface VerifyPackageSignatureOptions extends TrustAtNow {
  /** The axis's own record of when it accepted the package: a proof of existence (poe `axis-arrival`). */
  readonly arrivalTime?: Date;
  /** How far a claimed signing time may lie after the validation time (default: the core's 5 minutes). */
  readonly maxClockSkewMs?: number;
  /**
   * The certificates the registry binds to the sender's agency code (DER). The signer must be one of them:
   * certificates carry no agency code, so the registry is the binding (DOMAIN.md; X-Road's member check).
   */
  readonly expectedSigners?: readonly Uint8Array[];
  /** Default: SHA-1 refused, RSA under 2048 bits refused. */
  readonly policy?: AlgorithmPolicy;
  /** Where the XML-DSig work runs (a worker pool: crypto/pool PdfPool.verifyXmlSignature); default this thread. */
  readonly xmlVerifier?: EnvelopedVerifier;
}

/**
 * Verifies the package's signatures and returns one crypto-core {@link SignatureReport} (ETSI EN 319 102-1
 * indication, intact/valid/trusted, ordered checks, `signer-binding` when `expectedSigners` is given):
 * - the enveloped XML-DSig signature inside the package, when it carries one (what a real axis moves);
 * - the detached CMS, when given (lienthong nodes send both; a real axis drops it).
 * With no detached CMS the XML signature is required (a placeholder or an edXML-namespace `Signature` is a
 * FORMAT_FAILURE whose `xml-signature` check names the finding). With both, both must pass; the CMS report
 * is returned when they do. A bad signature is a result, not an exception.
 * @throws DomainError `ERR_PACKAGE_SIGNATURE_INVALID` only when a signature cannot be parsed at all.
 */
export async function verifyPackageSignature(bytes: Uint8Array, signature: Uint8Array | undefined, options: VerifyPackageSignatureOptions): Promise<SignatureReport> {
  if (!(bytes instanceof Uint8Array) || (signature !== undefined && !(signature instanceof Uint8Array))) throw new TypeError('expected Uint8Array bytes and signature');
  // The same trust, POE and policy as the CMS; an XML signature carries no claimed time for a skew to apply to.
  const { maxClockSkewMs: _skew, ...xmlOptions } = detachedOptions(options);
  const xmlReport = () => (options.xmlVerifier ? verifyPackageXmlWith(bytes, xmlOptions, options.xmlVerifier) : Promise.resolve(verifyPackageXml(bytes, xmlOptions)));
  if (signature === undefined || signature.byteLength === 0) return xmlReport();
  const cms = await verifyDetachedPackage(bytes, signature, options);
  if (cms.indication !== 'TOTAL_PASSED') return cms;
  let carriesXml: boolean;
  try {
    carriesXml = findXmlSignature(bytes).code === 'XMLDSIG_PRESENT';
  } catch {
    carriesXml = false; // unreadable as edXML: the package parser reports it where the package is read
  }
  if (!carriesXml) return cms;
  const xml = await xmlReport();
  return xml.indication === 'TOTAL_PASSED' ? cms : xml;
}

/** The crypto core's detached-CMS options from the package verifier's (same trust, POE and policy rules). */
export function detachedOptions(options: Omit<VerifyPackageSignatureOptions, 'xmlVerifier'>): VerifyDetachedOptions {
  return {
    trustAnchors: options.trustAnchors,
    now: options.now,
    ...(options.crls ? { crls: options.crls } : {}),
    ...(options.ocspResponses ? { ocspResponses: options.ocspResponses } : {}),
    ...(options.intermediates ? { intermediates: options.intermediates } : {}),
    ...(options.expectedSigners ? { expectedSigners: options.expectedSigners } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.arrivalTime ? { arrivalTime: options.arrivalTime } : {}),
    ...(options.maxClockSkewMs !== undefined ? { maxClockSkewMs: options.maxClockSkewMs } : {}),
  };
}

async function verifyDetachedPackage(bytes: Uint8Array, signature: Uint8Array, options: VerifyPackageSignatureOptions): Promise<SignatureReport> {
  try {
    return await verifyDetached(signature, { content: bytes }, detachedOptions(options));
  } catch (e) {
    if (isCryptoError(e)) {
      throw new DomainError('ERR_PACKAGE_SIGNATURE_INVALID', 'package signature cannot be parsed', {
        cause: e,
        details: { reason: e.code },
      });
    }
    throw e;
  }
}
