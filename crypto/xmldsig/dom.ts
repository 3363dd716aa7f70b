import { createRequire } from 'node:module';
import { CryptoError } from '../errors.js';
import { C14N, XMLDSIG_NAMESPACE, type CanonicalizationUri } from './algorithms.js';
import type { DomDocument, DomElement, DomNode } from './dom-types.js';

type Canonicalizer = new () => { process(node: DomNode, options: object): string };
interface XmldomModule {
  DOMParser: new (options?: object) => { parseFromString(text: string, mime: string): DomDocument };
  XMLSerializer: new () => { serializeToString(node: DomNode): string };
}
interface XmlCryptoModule {
  C14nCanonicalization: Canonicalizer;
  C14nCanonicalizationWithComments: Canonicalizer;
  ExclusiveCanonicalization: Canonicalizer;
  ExclusiveCanonicalizationWithComments: Canonicalizer;
}
const require = createRequire(import.meta.url);
// Canonicalization: xml-crypto 6 (node-saml, maintained); DOM: @xmldom/xmldom, the DOM xml-crypto is built on.
const { DOMParser, XMLSerializer } = require('@xmldom/xmldom') as XmldomModule;
const { C14nCanonicalization, C14nCanonicalizationWithComments, ExclusiveCanonicalization, ExclusiveCanonicalizationWithComments } = require('xml-crypto') as XmlCryptoModule;

/**
 * The DOM side of XML-DSig: a parser that refuses what a signed document has no business carrying (DTDs,
 * entity declarations, processing instructions), element lookups by namespace, and canonicalization through
 * xml-crypto's C14N 1.0 / Exclusive C14N 1.0 implementations.
 */

function malformed(reason: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_XMLDSIG_MALFORMED', `XML cannot be read for its signature: ${reason}`, { cause });
}

const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const PROCESSING_INSTRUCTION = /<\?(?!xml[\s?])/;

/** Parses UTF-8 XML bytes into a DOM, refusing declarations, processing instructions and any parser complaint. */
export function parseDom(bytes: Uint8Array): DomDocument {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw malformed('not UTF-8', e);
  }
  if (DECLARATION.test(text)) throw malformed('markup declarations (DTD, entities) are refused');
  if (PROCESSING_INSTRUCTION.test(text)) throw malformed('processing instructions are refused');
  const complain = (msg: string): never => {
    throw malformed(msg);
  };
  let doc: DomDocument;
  try {
    doc = new DOMParser({ errorHandler: { warning: complain, error: complain, fatalError: complain } }).parseFromString(text, 'text/xml');
  } catch (e) {
    if (e instanceof CryptoError) throw e;
    throw malformed('not well-formed', e);
  }
  if (!doc || !doc.documentElement) throw malformed('no root element');
  return doc;
}

/** Parses a trusted fragment this module wrote itself (the signature template). */
export function parseFragment(text: string): DomElement {
  const root = new DOMParser().parseFromString(text, 'text/xml').documentElement;
  if (!root) throw new TypeError('fragment has no root');
  return root;
}

export function serializeDom(doc: DomDocument): Uint8Array {
  return new TextEncoder().encode(new XMLSerializer().serializeToString(doc));
}

/** Every element of the document in namespace `ns` with local name `local`, in document order. */
export function elementsByName(root: DomNode, ns: string | null, local: string): DomElement[] {
  const out: DomElement[] = [];
  const walk = (n: DomNode): void => {
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType === 1) {
        const el = c as DomElement;
        if (el.localName === local && (el.namespaceURI ?? null) === ns) out.push(el);
        walk(el);
      }
    }
  };
  walk(root);
  return out;
}

/** Element children of `el`, skipping white space, comments and text. */
export function elementChildren(el: DomElement): DomElement[] {
  const out: DomElement[] = [];
  for (let c = el.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === 1) out.push(c as DomElement);
  return out;
}

/** The single XML-DSig child `local` of `el`, or undefined. */
export function dsigChild(el: DomElement, local: string): DomElement | undefined {
  return elementChildren(el).find((c) => c.localName === local && c.namespaceURI === XMLDSIG_NAMESPACE);
}

/** The namespace declarations in scope at `el` from its ancestors (nearest wins), for inclusive C14N of a subset. */
function ancestorNamespaces(el: DomElement): { prefix: string; namespaceURI: string }[] {
  const seen = new Map<string, string>();
  for (let p = el.parentNode; p !== null && p.nodeType === 1; p = p.parentNode) {
    const attrs = (p as DomElement).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs.item(i)!;
      const prefix = a.name === 'xmlns' ? '' : a.name.startsWith('xmlns:') ? a.name.slice(6) : null;
      if (prefix !== null && !seen.has(prefix)) seen.set(prefix, a.value);
    }
  }
  // An unprefixed element renders its default namespace itself; listing it again would write it twice.
  const unprefixed = !(el as DomElement & { prefix?: string | null }).prefix;
  return [...seen].filter(([prefix, uri]) => uri !== '' && !(prefix === '' && unprefixed)).map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
}

const CANONICALIZERS: Readonly<Record<CanonicalizationUri, Canonicalizer>> = {
  [C14N.inclusive]: C14nCanonicalization,
  [C14N.inclusiveWithComments]: C14nCanonicalizationWithComments,
  [C14N.exclusive]: ExclusiveCanonicalization,
  [C14N.exclusiveWithComments]: ExclusiveCanonicalizationWithComments,
};

/**
 * Canonical form of the subtree at `el` (C14N 1.0 §2.4 document subsets: inclusive C14N carries the
 * namespaces in scope from the ancestors; Exclusive C14N only those visibly used). UTF-8 bytes.
 */
export function canonicalize(el: DomElement, method: CanonicalizationUri, inclusivePrefixes: readonly string[] = []): Uint8Array {
  const Canon = CANONICALIZERS[method];
  const exclusive = method === C14N.exclusive || method === C14N.exclusiveWithComments;
  const options = exclusive ? { inclusiveNamespacesPrefixList: [...inclusivePrefixes] } : { ancestorNamespaces: ancestorNamespaces(el) };
  return new TextEncoder().encode(new Canon().process(el, options));
}

/**
 * The octets a same-document `URI=""` Reference digests after the enveloped-signature transform and a
 * canonicalization (XML-DSig §4.4.3.2, §6.6.4): the whole document without the signature element and
 * without comments (a `URI=""` node-set never holds comments, whatever the canonicalization says).
 */
export function envelopedOctets(doc: DomDocument, signature: DomElement, method: CanonicalizationUri, inclusivePrefixes: readonly string[] = []): Uint8Array {
  const parent = signature.parentNode;
  const next = signature.nextSibling;
  if (!parent) throw new TypeError('signature element is detached');
  parent.removeChild(signature);
  try {
    const noComments = method === C14N.exclusive || method === C14N.exclusiveWithComments ? C14N.exclusive : C14N.inclusive;
    return canonicalize(doc.documentElement!, noComments, inclusivePrefixes);
  } finally {
    parent.insertBefore(signature, next);
  }
}
