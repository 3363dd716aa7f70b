import type { AlgorithmPolicy } from '../cms/types.js';
import type { TrustAtNow, ValidationTimeInputs } from '../pki/trust-material.js';
import { createHash, timingSafeEqual, verify as verifySignatureValue } from 'node:crypto';
import { isCryptoError } from '../errors.js';
import { parseCertificate, summarizeParsedCertificate, validateChain, type ChainValidationResult, type ParsedCertificate } from '../pki/index.js';
import { buildReport, Checklist } from '../report/index.js';
import type { Indication, SignatureReport, SubIndication } from '../report/types.js';
import { C14N, DIGEST_METHODS, ENVELOPED_SIGNATURE, SIGNATURE_METHODS, XMLDSIG_NAMESPACE, isCanonicalizationUri, nodeHashOf, type CanonicalizationUri, type DigestName, type SignatureMethod } from './algorithms.js';
import type { DomDocument, DomElement } from './dom-types.js';
import { canonicalize, dsigChild, elementChildren, elementsByName, envelopedOctets, parseDom } from './dom.js';

export interface VerifyEnvelopedOptions extends TrustAtNow, ValidationTimeInputs {
  /** Certificates (DER or PEM) bound to the expected sender; the signer must be one of them. */
  readonly expectedSigners?: readonly Uint8Array[];
  /** Default: SHA-1 refused, RSA under 2048 bits refused. */
  readonly policy?: AlgorithmPolicy;
}

const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface Failure {
  readonly indication: Exclude<Indication, 'TOTAL_PASSED'>;
  readonly subIndication: SubIndication;
  readonly reason: string;
}

interface Parsed {
  readonly signature: DomElement;
  readonly signedInfo: DomElement;
  readonly c14n: CanonicalizationUri;
  readonly method: SignatureMethod;
  readonly referenceC14n: CanonicalizationUri;
  readonly referencePrefixes: readonly string[];
  readonly digest: DigestName;
  readonly digestValue: Buffer;
  readonly signatureValue: Buffer;
  readonly certificates: readonly DomElement[];
}

function algorithmOf(el: DomElement | undefined): string {
  return el?.getAttribute('Algorithm') ?? '';
}

function base64Of(el: DomElement | undefined): Buffer | undefined {
  const t = (el?.textContent ?? '').replace(/[\r\n\t ]+/g, '');
  if (t.length === 0 || t.length % 4 !== 0 || !BASE64.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

function inclusivePrefixes(transform: DomElement): string[] {
  const incl = elementChildren(transform).find((c) => c.localName === 'InclusiveNamespaces' && c.namespaceURI === EXC_C14N_NS);
  return (incl?.getAttribute('PrefixList') ?? '')
    .split(/\s+/)
    .filter((p) => p !== '')
    .map((p) => (p === '#default' ? '' : p));
}

/** Structure and allow-lists (XML-DSig 1.1 §4): one enveloped same-document Reference, known algorithms only. */
function readSignature(doc: DomDocument): Parsed | Failure {
  const format = (reason: string): Failure => ({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', reason });
  const all = elementsByName(doc, XMLDSIG_NAMESPACE, 'Signature');
  if (all.length === 0) return format('no XML-DSig Signature element');
  if (all.length > 1) return format(`${all.length} XML-DSig Signature elements (exactly one is accepted)`);
  const signature = all[0]!;
  if (signature === doc.documentElement) return format('the Signature is the document element, not enveloped');
  const signedInfo = dsigChild(signature, 'SignedInfo');
  if (!signedInfo) return format('no SignedInfo');
  const c14n = algorithmOf(dsigChild(signedInfo, 'CanonicalizationMethod'));
  if (!isCanonicalizationUri(c14n)) return format(`CanonicalizationMethod ${c14n || '(none)'} is not allowed`);
  if (elementChildren(dsigChild(signedInfo, 'CanonicalizationMethod')!).length > 0 && c14n !== C14N.exclusive && c14n !== C14N.exclusiveWithComments) {
    return format('CanonicalizationMethod carries parameters');
  }
  const methodUri = algorithmOf(dsigChild(signedInfo, 'SignatureMethod'));
  const method = SIGNATURE_METHODS[methodUri];
  if (!method) return format(`SignatureMethod ${methodUri || '(none)'} is not allowed`);
  if (elementChildren(dsigChild(signedInfo, 'SignatureMethod')!).length > 0) return format('SignatureMethod carries parameters (HMACOutputLength and the like are refused)');
  const references = elementChildren(signedInfo).filter((c) => c.localName === 'Reference' && c.namespaceURI === XMLDSIG_NAMESPACE);
  if (references.length !== 1) return format(`${references.length} References (exactly one, URI="", is accepted)`);
  const reference = references[0]!;
  if (reference.getAttribute('URI') !== '' || !reference.hasAttribute('URI')) return format('the Reference is not URI="" (the whole document)');
  const transformsEl = dsigChild(reference, 'Transforms');
  const transforms = transformsEl ? elementChildren(transformsEl) : [];
  if (transforms.some((t) => t.localName !== 'Transform' || t.namespaceURI !== XMLDSIG_NAMESPACE)) return format('unexpected element in Transforms');
  if (algorithmOf(transforms[0]) !== ENVELOPED_SIGNATURE) return format('the first transform is not enveloped-signature');
  if (elementChildren(transforms[0]!).length > 0) return format('the enveloped-signature transform carries parameters');
  let referenceC14n: CanonicalizationUri = C14N.inclusive;
  let referencePrefixes: string[] = [];
  if (transforms.length > 2) return format('more transforms than enveloped-signature and one canonicalization');
  if (transforms.length === 2) {
    const t = algorithmOf(transforms[1]);
    if (!isCanonicalizationUri(t)) return format(`transform ${t || '(none)'} is not allowed`);
    referenceC14n = t;
    referencePrefixes = inclusivePrefixes(transforms[1]!);
  }
  const digestUri = algorithmOf(dsigChild(reference, 'DigestMethod'));
  const digest = DIGEST_METHODS[digestUri];
  if (!digest) return format(`DigestMethod ${digestUri || '(none)'} is not allowed`);
  const digestValue = base64Of(dsigChild(reference, 'DigestValue'));
  if (!digestValue) return format('DigestValue is empty or not base64');
  const signatureValue = base64Of(dsigChild(signature, 'SignatureValue'));
  if (!signatureValue) return format('SignatureValue is empty or not base64');
  const keyInfo = dsigChild(signature, 'KeyInfo');
  const certificates = keyInfo
    ? elementChildren(keyInfo)
        .filter((c) => c.localName === 'X509Data' && c.namespaceURI === XMLDSIG_NAMESPACE)
        .flatMap((d) => elementChildren(d).filter((c) => c.localName === 'X509Certificate' && c.namespaceURI === XMLDSIG_NAMESPACE))
    : [];
  return { signature, signedInfo, c14n, method, referenceC14n, referencePrefixes, digest, digestValue, signatureValue, certificates };
}

/** The leaf among the KeyInfo certificates: the one that issued none of the others. */
function pickSigner(certs: readonly ParsedCertificate[]): ParsedCertificate | undefined {
  return certs.find((c) => !certs.some((o) => o !== c && o.issuerKey === c.subjectKey && !o.selfIssued)) ?? certs[0];
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const fingerprintSets = new WeakMap<readonly Uint8Array[], ReadonlySet<string>>();

function fingerprints(list: readonly Uint8Array[]): ReadonlySet<string> {
  let set = fingerprintSets.get(list);
  if (!set) {
    const fps = new Set<string>();
    for (const der of list) {
      try {
        fps.add(parseCertificate(der).sha256);
      } catch {
        fps.add(createHash('sha256').update(der).digest('hex'));
      }
    }
    set = fps;
    fingerprintSets.set(list, set);
  }
  return set;
}

/**
 * Verifies the enveloped XML signature of a document (XML-DSig 1.1 §3.2 core validation) and returns the same
 * frozen ETSI EN 319 102-1 report as the CMS and PDF verifiers. It does not throw for a bad signature, only
 * for XML it cannot read (`ERR_XMLDSIG_MALFORMED`) or misuse (TypeError).
 *
 * Steps, in order, each recorded in `checks`: `format` (exactly one Signature, one `URI=""` Reference,
 * enveloped-signature then C14N 1.0 or Exclusive C14N, allow-listed algorithms) → `signer-certificate`
 * (KeyInfo/X509Data) → `reference-digest` (intact) → `signature-value` (valid) → `algorithm-policy` (SHA-1
 * refused unless allowed, RSA ≥ 2048) → `signer-binding` (with `expectedSigners`) → `chain:*` at `at` or
 * `now` with revocation (trusted) → `key-usage`.
 */
export function verifyEnveloped(bytes: Uint8Array, options: VerifyEnvelopedOptions): SignatureReport {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('verifyEnveloped expects XML bytes');
  if (!options || !Array.isArray(options.trustAnchors)) throw new TypeError('options.trustAnchors must be an array');
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) throw new TypeError('options.now must be a valid Date');
  const validationTime = options.at ?? options.arrivalTime ?? options.now;
  const poe = options.at ? 'caller' : options.arrivalTime ? 'axis-arrival' : 'none';
  const checks = new Checklist();
  let intact = false;
  let valid = false;
  let trusted = false;
  let signer: ParsedCertificate | undefined;
  let parsed: Parsed | undefined;

  let revocationWanted: ChainValidationResult['revocationWanted'];
  const finish = (failure?: Failure): SignatureReport =>
    buildReport({
      indication: failure ? failure.indication : 'TOTAL_PASSED',
      ...(failure ? { subIndication: failure.subIndication, reason: failure.reason } : {}),
      intact,
      valid,
      trusted,
      ...(signer ? { signer: summarizeParsedCertificate(signer), signerCertificate: signer.der } : {}),
      ...(parsed ? { digestAlgorithm: parsed.digest, signatureAlgorithm: parsed.method.name } : {}),
      validationTime,
      poe,
      checks: checks.checks,
      ...(revocationWanted ? { revocationWanted } : {}),
    });
  const fail = (name: string, failure: Failure): SignatureReport => {
    checks.fail(name, failure.reason);
    return finish(failure);
  };

  const doc = parseDom(bytes);
  const read = readSignature(doc);
  if ('indication' in read) return fail('format', read);
  parsed = read;
  checks.pass('format', `${read.method.name}, ${read.referenceC14n === C14N.exclusive ? 'exc-c14n' : 'c14n'}`);

  const certs: ParsedCertificate[] = [];
  for (const el of read.certificates) {
    const der = base64Of(el);
    if (!der) return fail('signer-certificate', { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', reason: 'X509Certificate is not base64' });
    try {
      certs.push(parseCertificate(new Uint8Array(der)));
    } catch (e) {
      if (!isCryptoError(e)) throw e;
      return fail('signer-certificate', { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', reason: `X509Certificate cannot be read (${e.code})` });
    }
  }
  signer = pickSigner(certs);
  if (!signer) return fail('signer-certificate', { indication: 'INDETERMINATE', subIndication: 'NO_SIGNING_CERTIFICATE_FOUND', reason: 'KeyInfo carries no X509Certificate' });
  if (signer.keyType !== read.method.keyType || !signer.publicKey) {
    return fail('signer-certificate', { indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE', reason: `${read.method.name} does not fit the certificate's ${signer.keyType} key` });
  }
  checks.pass('signer-certificate', signer.subject);

  const digest = createHash(nodeHashOf(read.digest))
    .update(envelopedOctets(doc, read.signature, read.referenceC14n, read.referencePrefixes))
    .digest();
  if (!sameBytes(digest, read.digestValue)) {
    return fail('reference-digest', { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', reason: 'the document changed after signing (Reference digest mismatch)' });
  }
  intact = true;
  checks.pass('reference-digest', read.digest);

  const signedInfoOctets = canonicalize(read.signedInfo, read.c14n, read.c14n === C14N.exclusive || read.c14n === C14N.exclusiveWithComments ? inclusivePrefixes(dsigChild(read.signedInfo, 'CanonicalizationMethod')!) : []);
  let ok: boolean;
  try {
    ok = verifySignatureValue(nodeHashOf(read.method.hash), signedInfoOctets, read.method.keyType === 'ECDSA' ? { key: signer.publicKey, dsaEncoding: 'ieee-p1363' } : signer.publicKey, read.signatureValue);
  } catch {
    ok = false;
  }
  if (!ok) return fail('signature-value', { indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE', reason: 'SignatureValue does not verify over SignedInfo' });
  valid = true;
  checks.pass('signature-value');

  const policy = options.policy ?? {};
  const minRsa = policy.minRsaBits ?? 2048;
  if (policy.allowSha1 !== true && (read.digest === 'SHA-1' || read.method.hash === 'SHA-1')) {
    return fail('algorithm-policy', { indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', reason: 'SHA-1 is refused by the algorithm policy' });
  }
  if (signer.keyType === 'RSA' && signer.keyBits < minRsa) {
    return fail('algorithm-policy', { indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', reason: `RSA-${signer.keyBits} is below the policy minimum of ${minRsa} bits` });
  }
  checks.pass('algorithm-policy', `${read.digest}, ${signer.keyType}-${signer.keyBits}`);

  if (options.expectedSigners !== undefined) {
    if (!fingerprints(options.expectedSigners).has(signer.sha256)) {
      return fail('signer-binding', { indication: 'INDETERMINATE', subIndication: 'SIG_CONSTRAINTS_FAILURE', reason: 'the signer certificate is not one bound to the expected sender' });
    }
    checks.pass('signer-binding');
  }

  const anchors = fingerprints(options.trustAnchors);
  const result = validateChain({
    leaf: signer.der,
    intermediates: [...certs.filter((c) => c !== signer && !anchors.has(c.sha256)).map((c) => c.der), ...(options.intermediates ?? [])],
    trustAnchors: options.trustAnchors,
    ...(options.crls ? { crls: options.crls } : {}),
    ...(options.ocspResponses ? { ocspResponses: options.ocspResponses } : {}),
    at: validationTime,
    policy,
    purpose: 'signature',
  });
  for (const c of result.checks) {
    if (c.passed) checks.pass(c.name, c.detail);
    else checks.fail(c.name, c.detail ?? 'failed');
  }
  if (!result.ok) {
    revocationWanted = result.revocationWanted;
    return finish({
      indication: result.indication === 'TOTAL_FAILED' ? 'TOTAL_FAILED' : 'INDETERMINATE',
      subIndication: result.subIndication ?? 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
      reason: result.reason ?? 'chain validation failed',
    });
  }
  trusted = true;

  let problem: string | undefined;
  if (signer.isCa) problem = 'the signing certificate is a CA certificate';
  else if (!signer.keyUsage) problem = 'the signing certificate has no keyUsage extension';
  else if (!signer.keyUsage.has('digitalSignature') && !signer.keyUsage.has('nonRepudiation')) problem = 'keyUsage has neither digitalSignature nor nonRepudiation';
  if (problem) {
    trusted = false;
    return fail('key-usage', { indication: 'INDETERMINATE', subIndication: 'SIG_CONSTRAINTS_FAILURE', reason: problem });
  }
  checks.pass('key-usage', [...signer.keyUsage!].join(', '));
  return finish();
}
