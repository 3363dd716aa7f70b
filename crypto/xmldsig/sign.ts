import { createHash } from 'node:crypto';
import type { HashName, SigningIdentity } from '../keys/index.js';
import { C14N, ENVELOPED_SIGNATURE, XMLDSIG_NAMESPACE, digestMethodUri, nodeHashOf, signatureMethodUri } from './algorithms.js';
import type { DomElement } from './dom-types.js';
import { canonicalize, dsigChild, elementChildren, elementsByName, envelopedOctets, parseDom, parseFragment, serializeDom } from './dom.js';
import { ecdsaDerToRaw } from './ecdsa-value.js';

/** An element name: namespace URI (null for none) and local name. */
export interface XmlName {
  readonly ns: string | null;
  readonly local: string;
}

export interface SignEnvelopedOptions {
  readonly identity: SigningIdentity;
  /** Default SHA-256; SHA-1 is never offered. */
  readonly hash?: HashName;
  /** Default exclusive (Exclusive XML Canonicalization 1.0); inclusive is C14N 1.0. */
  readonly canonicalization?: 'exclusive' | 'inclusive';
  /** Put the chain (the identity's `chain`) into X509Data after the signer's certificate. Default false. */
  readonly includeChain?: boolean;
  /**
   * Where the Signature goes: as a child of the first `parent` element, right after its last `after` child
   * (or as its last child). Default: the last child of the document element.
   */
  readonly placement?: { readonly parent: XmlName; readonly after?: XmlName };
  /** Elements removed before signing (every XML-DSig `Signature` is always removed: signing replaces). */
  readonly remove?: readonly XmlName[];
}

function base64Lines(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function template(c14n: string, signatureMethod: string, digestMethod: string, certificates: readonly Uint8Array[]): string {
  const certs = certificates.map((c) => `<X509Certificate>${base64Lines(c)}</X509Certificate>`).join('');
  return (
    `<Signature xmlns="${XMLDSIG_NAMESPACE}"><SignedInfo><CanonicalizationMethod Algorithm="${c14n}"/>` +
    `<SignatureMethod Algorithm="${signatureMethod}"/><Reference URI=""><Transforms><Transform Algorithm="${ENVELOPED_SIGNATURE}"/>` +
    `<Transform Algorithm="${c14n}"/></Transforms><DigestMethod Algorithm="${digestMethod}"/><DigestValue/></Reference></SignedInfo>` +
    `<SignatureValue/><KeyInfo><X509Data>${certs}</X509Data></KeyInfo></Signature>`
  );
}

function setText(el: DomElement, text: string): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  el.appendChild(el.ownerDocument.createTextNode(text));
}

/**
 * Adds (or replaces) an enveloped XML signature (XML-DSig 1.1 §2, §6.6.4): one Reference `URI=""` over the
 * whole document with the enveloped-signature transform and C14N, RSA PKCS#1 v1.5 or ECDSA with SHA-256 or
 * stronger, the signer's certificate (and chain on request) in `KeyInfo/X509Data`. The signing key is only
 * used through the {@link SigningIdentity}'s Signer, so an HSM works the same way.
 * @returns the signed document, UTF-8.
 * @throws CryptoError `ERR_XMLDSIG_MALFORMED` when the input is not XML this module reads.
 */
export async function signEnveloped(bytes: Uint8Array, options: SignEnvelopedOptions): Promise<Uint8Array> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('signEnveloped expects XML bytes');
  const { identity } = options;
  if (!identity || !identity.signer || !(identity.certificate instanceof Uint8Array)) throw new TypeError('options.identity must be a SigningIdentity');
  const hash = options.hash ?? 'SHA-256';
  const keyType = identity.signer.keyType;
  const c14n = options.canonicalization === 'inclusive' ? C14N.inclusive : C14N.exclusive;
  const doc = parseDom(bytes);

  for (const name of [{ ns: XMLDSIG_NAMESPACE, local: 'Signature' }, ...(options.remove ?? [])]) {
    for (const el of elementsByName(doc, name.ns, name.local)) el.parentNode?.removeChild(el);
  }
  const placement = options.placement;
  const parent = placement ? elementsByName(doc, placement.parent.ns, placement.parent.local)[0] : doc.documentElement;
  if (!parent) throw new TypeError(`no ${placement?.parent.local} element to put the signature in`);
  const after = placement?.after
    ? elementChildren(parent)
        .filter((c) => c.localName === placement.after!.local && (c.namespaceURI ?? null) === placement.after!.ns)
        .pop()
    : undefined;

  const certificates = [identity.certificate, ...(options.includeChain ? identity.chain : [])];
  const fragment = parseFragment(template(c14n, signatureMethodUri(keyType, hash), digestMethodUri(hash), certificates));
  const signature = doc.importNode(fragment, true) as DomElement;
  parent.insertBefore(signature, after ? after.nextSibling : null);

  const signedInfo = dsigChild(signature, 'SignedInfo')!;
  const reference = dsigChild(signedInfo, 'Reference')!;
  const digest = createHash(nodeHashOf(hash))
    .update(envelopedOctets(doc, signature, c14n))
    .digest();
  setText(dsigChild(reference, 'DigestValue')!, digest.toString('base64'));

  const raw = await identity.signer.sign(canonicalize(signedInfo, c14n), { hash, scheme: 'pkcs1' });
  const value = keyType === 'ECDSA' ? ecdsaDerToRaw(raw, identity.signer.keyBits) : raw;
  setText(dsigChild(signature, 'SignatureValue')!, base64Lines(value));
  return serializeDom(doc);
}
