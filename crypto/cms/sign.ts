import { createHash } from 'node:crypto';
import { CryptoError } from '../errors.js';
import type { HashName, RsaScheme, SigningIdentity } from '../keys/signer.js';
import { hashLength, isSigningHash, nodeHash } from './algorithms.js';
import { buildSigningTemplate, type SigningTemplate, type TimeKind } from './signing-template.js';
import type { DetachedContent, SignDetachedOptions } from './types.js';

const MAX_TEMPLATES = 1000;
/** Fast path: the same certificate object signs again. */
const byCertificateObject = new WeakMap<Uint8Array, Map<string, { chain: readonly Uint8Array[]; template: SigningTemplate }>>();
/** Slow path: the same certificate arrives as new bytes (hash of certificate and chain). */
const byFingerprint = new Map<string, SigningTemplate>();

function sameChain(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !Buffer.from(a[i]!).equals(b[i]!)) return false;
  return true;
}

function resolveHash(input: DetachedContent, requested: unknown): HashName {
  const hash = requested ?? ('digest' in input ? input.hash : 'SHA-256');
  if (hash === 'SHA-1') throw new CryptoError('ERR_ALGORITHM_REFUSED', 'SHA-1 is refused for new signatures');
  if (!isSigningHash(hash)) throw new CryptoError('ERR_ALGORITHM_UNSUPPORTED', `unsupported hash ${String(hash)}`);
  return hash;
}

function timeKindOf(time: Date | undefined): TimeKind {
  if (time === undefined) return 'none';
  const y = time.getUTCFullYear();
  return y >= 1950 && y < 2050 ? 'utc' : 'generalized';
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** RFC 5652 §11.3 signing-time text: seconds precision, Zulu, no fraction. */
function timeText(t: Date, kind: TimeKind): string {
  const y = t.getUTCFullYear();
  const year = kind === 'utc' ? pad(y % 100, 2) : pad(y, 4);
  return `${year}${pad(t.getUTCMonth() + 1, 2)}${pad(t.getUTCDate(), 2)}${pad(t.getUTCHours(), 2)}${pad(t.getUTCMinutes(), 2)}${pad(t.getUTCSeconds(), 2)}Z`;
}

function templateFor(identity: SigningIdentity, hash: HashName, scheme: RsaScheme, includeChain: boolean, timeKind: TimeKind): SigningTemplate {
  const key = `${hash}|${scheme}|${includeChain ? 1 : 0}|${timeKind}`;
  let perCert = byCertificateObject.get(identity.certificate);
  const hit = perCert?.get(key);
  if (hit && sameChain(hit.chain, identity.chain) && hit.template.signerKeyId === identity.signer.keyId) return hit.template;

  const h = createHash('sha256').update(identity.certificate);
  for (const c of identity.chain) h.update(createHash('sha256').update(c).digest());
  const fpKey = `${h.digest('hex')}|${identity.signer.keyId}|${key}`;
  let template = byFingerprint.get(fpKey);
  if (!template) {
    try {
      template = buildSigningTemplate({ signer: identity.signer, certificate: identity.certificate, chain: identity.chain, includeChain, hash, scheme, timeKind });
    } catch (e) {
      if (e instanceof CryptoError) throw e;
      throw new CryptoError('ERR_CERT_MALFORMED', 'cannot build the SignedData for this identity (certificate not DER?)', { cause: e });
    }
    if (byFingerprint.size >= MAX_TEMPLATES) {
      const oldest = byFingerprint.keys().next().value;
      if (oldest !== undefined) byFingerprint.delete(oldest);
    }
    byFingerprint.set(fpKey, template);
  }
  if (!perCert) {
    perCert = new Map();
    byCertificateObject.set(identity.certificate, perCert);
  }
  perCert.set(key, { chain: identity.chain, template });
  return template;
}

function checkOptions(input: DetachedContent, options: SignDetachedOptions): void {
  if (typeof input !== 'object' || input === null) throw new TypeError('input must be { content } or { digest, hash }');
  if (!('content' in input) && !('digest' in input)) throw new TypeError('input must be { content } or { digest, hash }');
  if ('content' in input && !(input.content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  if ('digest' in input && !(input.digest instanceof Uint8Array)) throw new TypeError('digest must be a Uint8Array');
  const id = options?.identity;
  if (!id || typeof id.signer?.sign !== 'function' || !(id.certificate instanceof Uint8Array) || !Array.isArray(id.chain)) {
    throw new TypeError('options.identity must be a SigningIdentity');
  }
  if (options.signingTime !== undefined && (!(options.signingTime instanceof Date) || Number.isNaN(options.signingTime.getTime()))) {
    throw new TypeError('signingTime must be a valid Date');
  }
  if (options.scheme !== undefined && options.scheme !== 'pkcs1' && options.scheme !== 'pss') throw new TypeError('scheme must be pkcs1 or pss');
}

/**
 * Makes a detached CAdES baseline B-B signature (ETSI EN 319 122-1 §5.2; RFC 5652 §5): a DER ContentInfo with
 * SignedData whose eContent is absent, one SignerInfo identified by issuer and serial number, signed attributes
 * content-type, message-digest, ESS signing-certificate-v2 (RFC 5035) and — only when `signingTime` is given —
 * signing-time (PAdES B-B omits it: the PDF's /M carries the time), and the certificates of the chain.
 *
 * The SignedData is built with pkijs once per identity and options and reused: each signature copies it and
 * writes the digest, time and signature value in place, so signing costs about one raw private-key operation.
 *
 * Throws ERR_ALGORITHM_REFUSED for SHA-1 or an RSA key below 2048 bits, ERR_KEY_MISMATCH when the signer's key is
 * not the certificate's, ERR_CERT_MALFORMED for an unusable certificate.
 */
export async function signDetached(input: DetachedContent, options: SignDetachedOptions): Promise<Uint8Array> {
  checkOptions(input, options);
  const hash = resolveHash(input, options.hash);
  const { identity } = options;
  const signer = identity.signer;
  if (signer.keyType === 'RSA' && signer.keyBits < 2048) {
    throw new CryptoError('ERR_ALGORITHM_REFUSED', `RSA keys below 2048 bits are refused (${signer.keyBits})`);
  }
  const scheme: RsaScheme = signer.keyType === 'RSA' ? (options.scheme ?? 'pkcs1') : 'pkcs1';
  let digest: Uint8Array;
  if ('digest' in input) {
    if (input.hash !== hash) throw new TypeError(`the digest was made with ${input.hash}, the signature asks for ${hash}`);
    if (input.digest.length !== hashLength(hash)) throw new TypeError(`a ${hash} digest has ${hashLength(hash)} bytes`);
    digest = input.digest;
  } else {
    digest = createHash(nodeHash(hash)).update(input.content).digest();
  }
  const timeKind = timeKindOf(options.signingTime);
  const template = templateFor(identity, hash, scheme, options.includeChain !== false, timeKind);

  const attributes = Buffer.from(template.attributes);
  attributes.set(digest, template.digestOffset);
  if (options.signingTime !== undefined) attributes.write(timeText(options.signingTime, timeKind), template.timeOffset, 'latin1');
  const signature = await signer.sign(attributes, { hash, scheme });
  if (!(signature instanceof Uint8Array) || signature.length === 0) throw new TypeError('Signer.sign must return the signature bytes');

  const layout = template.layout(signature.length);
  const out = new Uint8Array(layout.bytes.length);
  out.set(layout.bytes);
  out.set(attributes.subarray(1), layout.attributesOffset + 1);
  out.set(signature, layout.signatureOffset);
  return out;
}
