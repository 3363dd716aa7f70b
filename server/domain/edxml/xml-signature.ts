import { XMLDSIG_NAMESPACE, buildReport, isCryptoError, signEnveloped, verifyEnveloped } from '../../../crypto/index.js';
import type { AlgorithmPolicy, SignEnvelopedOptions, SignatureReport, SigningIdentity, TrustAtNow, ValidationTimeInputs, VerifyEnvelopedOptions } from '../../../crypto/index.js';
import { DomainError } from '../errors.js';
import { readEnvelope, resolveLimits } from './envelope.js';
import type { XmlElement } from './safe-xml.js';
import type { EdxmlLimits } from './types.js';
import { EDXML_NAMESPACE } from './types.js';

/**
 * The enveloped XML signature a real axis carries inside the package (QCVN 102:2016: `Signature` after
 * `edXML:TraceHeaderList` in `edXML:edXMLHeader`), and the precise finding about what a package carries in
 * its place: public samples write `Signature` in the edXML namespace with placeholder values (DOMAIN.md).
 */

/** What stands where the enveloped signature belongs. */
export type XmlSignatureFindingCode =
  /** One XML-DSig `Signature` (namespace http://www.w3.org/2000/09/xmldsig#) in `edXMLHeader`. */
  | 'XMLDSIG_PRESENT'
  /** No `Signature` element at all. */
  | 'XMLDSIG_ABSENT'
  /** A `Signature` element outside the XML-DSig namespace (the edXML namespace, or none). */
  | 'XMLDSIG_WRONG_NAMESPACE'
  /** An XML-DSig `Signature` with an empty, zero or non-base64 DigestValue, SignatureValue or certificate, or none. */
  | 'XMLDSIG_PLACEHOLDER'
  /** An XML-DSig `Signature` somewhere else than `edXMLHeader`, or more than one. */
  | 'XMLDSIG_MISPLACED';

export interface XmlSignatureFinding {
  readonly code: XmlSignatureFindingCode;
  readonly detail: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isBase64(text: string): boolean {
  const t = text.replace(/[\r\n\t ]+/g, '');
  return t.length > 0 && t.length % 4 === 0 && BASE64.test(t);
}

function descendants(el: XmlElement, local: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.local === local) out.push(c);
    // Attachments hold no markup worth descending into beyond their leaves.
    descendants(c, local, out);
  }
  return out;
}

function placeholderIn(signature: XmlElement): string | undefined {
  const values = [...descendants(signature, 'DigestValue'), ...descendants(signature, 'SignatureValue'), ...descendants(signature, 'X509Certificate')];
  const bad = values.find((v) => !isBase64(v.text));
  if (bad) return `${bad.local} is empty or not base64`;
  const zero = values.find((v) => Buffer.from(v.text.replace(/\s+/g, ''), 'base64').every((b) => b === 0));
  if (zero) return `${zero.local} is all zero bytes`;
  const certs = descendants(signature, 'X509Certificate');
  if (certs.length === 0) return 'KeyInfo carries no X509Certificate';
  const shortCert = certs.find((c) => c.text.replace(/\s+/g, '').length < 200);
  if (shortCert) return 'X509Certificate is too short to be a certificate';
  return undefined;
}

function findIn(root: XmlElement, header: XmlElement): XmlSignatureFinding {
  const all = descendants(root, 'Signature');
  const dsig = all.filter((s) => s.ns === XMLDSIG_NAMESPACE);
  if (dsig.length === 0) {
    const other = all[0];
    if (!other) return { code: 'XMLDSIG_ABSENT', detail: 'the package carries no Signature element' };
    return { code: 'XMLDSIG_WRONG_NAMESPACE', detail: `Signature is in ${other.ns === null ? 'no namespace' : other.ns === EDXML_NAMESPACE ? 'the edXML namespace' : other.ns}, not ${XMLDSIG_NAMESPACE}` };
  }
  if (dsig.length > 1) return { code: 'XMLDSIG_MISPLACED', detail: `${dsig.length} XML-DSig Signature elements (exactly one is accepted)` };
  const sig = dsig[0]!;
  if (!header.children.includes(sig)) return { code: 'XMLDSIG_MISPLACED', detail: 'the XML-DSig Signature is not a child of edXML:edXMLHeader' };
  const placeholder = placeholderIn(sig);
  if (placeholder) return { code: 'XMLDSIG_PLACEHOLDER', detail: placeholder };
  return { code: 'XMLDSIG_PRESENT', detail: 'one XML-DSig Signature in edXML:edXMLHeader' };
}

/**
 * Tells what a package carries where the enveloped signature belongs, after the same safe parsing as the
 * package parsers (no DTD, no entities, size and depth limits).
 * @throws DomainError the XML codes of parseXmlSafely, or `ERR_EDXML_INVALID` when it is no edXML package.
 */
export function findXmlSignature(bytes: Uint8Array, limits?: Partial<EdxmlLimits>): XmlSignatureFinding {
  const env = readEnvelope(bytes, resolveLimits(limits));
  return findIn(env.root, env.header);
}

export interface SignPackageXmlOptions {
  /** Also put the chain towards the root into X509Data. Default true. */
  readonly includeChain?: boolean;
  /** Default exclusive. */
  readonly canonicalization?: 'exclusive' | 'inclusive';
  /** Where {@link signEnveloped}'s work runs (crypto/pool: PdfPool.signXmlEnveloped, a worker); default this thread. */
  readonly signer?: EnvelopedSigner;
}

/** Runs {@link signEnveloped} somewhere else (crypto/pool: PdfPool.signXmlEnveloped, a worker thread). */
export type EnvelopedSigner = (xml: Uint8Array, options: SignEnvelopedOptions) => Promise<Uint8Array>;

/**
 * Adds the enveloped XML-DSig signature to a package, or replaces the one it carries (also a placeholder
 * `Signature` in the edXML namespace): `Signature` right after `edXML:TraceHeaderList`, Reference `URI=""`,
 * enveloped-signature + Exclusive C14N, RSA/ECDSA with SHA-256 (XML-DSig 1.1; QCVN 102:2016 header layout).
 * @throws DomainError the safe-parser codes or `ERR_EDXML_INVALID` when the input is not an edXML package.
 */
export async function signPackageXml(bytes: Uint8Array, identity: SigningIdentity, options: SignPackageXmlOptions = {}): Promise<Uint8Array> {
  readEnvelope(bytes, resolveLimits(undefined)); // the safety gate and the shape check before any DOM is built
  try {
    return await (options.signer ?? signEnveloped)(bytes, {
      identity,
      hash: 'SHA-256',
      canonicalization: options.canonicalization ?? 'exclusive',
      includeChain: options.includeChain ?? true,
      placement: { parent: { ns: EDXML_NAMESPACE, local: 'edXMLHeader' }, after: { ns: EDXML_NAMESPACE, local: 'TraceHeaderList' } },
      remove: [
        { ns: EDXML_NAMESPACE, local: 'Signature' },
        { ns: null, local: 'Signature' },
      ],
    });
  } catch (e) {
    if (isCryptoError(e)) throw new DomainError('ERR_XML_MALFORMED', 'the package cannot be read for signing', { cause: e, details: { reason: e.code } });
    throw e;
  }
}

export interface VerifyPackageXmlOptions extends TrustAtNow, ValidationTimeInputs {
  readonly expectedSigners?: readonly Uint8Array[];
  readonly policy?: AlgorithmPolicy;
  readonly limits?: Partial<EdxmlLimits>;
}

/**
 * Verifies the package's enveloped XML signature and returns the crypto core's ETSI EN 319 102-1 report.
 * When no usable XML-DSig signature stands in the header, the report is TOTAL_FAILED/FORMAT_FAILURE with a
 * failed `xml-signature` check whose detail starts with the {@link XmlSignatureFindingCode}, so a
 * placeholder or an edXML-namespace `Signature` is reported precisely and never crashes the receiver.
 * @throws DomainError the safe-parser codes or `ERR_EDXML_INVALID` when the bytes are no edXML package.
 */
export function verifyPackageXml(bytes: Uint8Array, options: VerifyPackageXmlOptions): SignatureReport {
  const step = prepareXmlVerification(bytes, options);
  if ('report' in step) return step.report;
  try {
    return verifyEnveloped(bytes, step.options);
  } catch (e) {
    throw unreadable(e);
  }
}

/** Runs {@link verifyEnveloped}'s work somewhere else (crypto/pool: PdfPool.verifyXmlSignature, a worker). */
export type EnvelopedVerifier = (xml: Uint8Array, options: VerifyEnvelopedOptions) => Promise<SignatureReport>;

/**
 * {@link verifyPackageXml} with the canonicalization, digest and signature work handed to `verifier` (a worker
 * thread under a time limit), so an untrusted package never blocks the event loop. The safe parser's finding
 * (size, depth, DOCTYPE/entities refused, where the Signature stands) still runs here first: it is bounded.
 */
export async function verifyPackageXmlWith(bytes: Uint8Array, options: VerifyPackageXmlOptions, verifier: EnvelopedVerifier): Promise<SignatureReport> {
  const step = prepareXmlVerification(bytes, options);
  if ('report' in step) return step.report;
  try {
    return await verifier(bytes, step.options);
  } catch (e) {
    throw unreadable(e);
  }
}

function unreadable(e: unknown): unknown {
  return isCryptoError(e) ? new DomainError('ERR_PACKAGE_SIGNATURE_INVALID', 'the XML signature cannot be read', { cause: e, details: { reason: e.code } }) : e;
}

function prepareXmlVerification(bytes: Uint8Array, options: VerifyPackageXmlOptions): { report: SignatureReport } | { options: VerifyEnvelopedOptions } {
  const finding = findXmlSignature(bytes, options.limits);
  if (finding.code !== 'XMLDSIG_PRESENT') {
    return {
      report: buildReport({
        indication: 'TOTAL_FAILED',
        subIndication: 'FORMAT_FAILURE',
        intact: false,
        valid: false,
        trusted: false,
        validationTime: options.at ?? options.arrivalTime ?? options.now,
        poe: options.at ? 'caller' : options.arrivalTime ? 'axis-arrival' : 'none',
        checks: [{ name: 'xml-signature', passed: false, detail: `${finding.code}: ${finding.detail}` }],
        reason: `${finding.code}: ${finding.detail}`,
      }),
    };
  }
  return {
    options: {
      trustAnchors: options.trustAnchors,
      now: options.now,
      ...(options.at ? { at: options.at } : {}),
      ...(options.arrivalTime ? { arrivalTime: options.arrivalTime } : {}),
      ...(options.intermediates ? { intermediates: options.intermediates } : {}),
      ...(options.crls ? { crls: options.crls } : {}),
      ...(options.ocspResponses ? { ocspResponses: options.ocspResponses } : {}),
      ...(options.expectedSigners ? { expectedSigners: options.expectedSigners } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    },
  };
}
