import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomainError } from '../errors.js';

/**
 * A hardened XML reader for untrusted packages. In order: byte size, strict UTF-8, a refusal of every
 * markup declaration (`<!DOCTYPE`, `<!ENTITY`, ...: no DTD means no XXE and no entity expansion such as the
 * billion laughs), a scan bounding nesting depth and element count, a well-formedness check, then parsing
 * with entity processing off — only the five predefined entities and character references are decoded, by
 * us. Namespaces are resolved (XML Namespaces 1.0 §6): unbound prefixes are malformed.
 */

export interface XmlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxElements: number;
}

/** An element with resolved namespace. `text` joins the direct text and CDATA children. */
export interface XmlElement {
  readonly name: string;
  readonly local: string;
  readonly ns: string | null;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

function malformed(reason: string, cause?: unknown): DomainError {
  return new DomainError('ERR_XML_MALFORMED', `malformed XML: ${reason}`, { details: { reason }, cause });
}

function forbidden(construct: string): DomainError {
  return new DomainError('ERR_XML_FORBIDDEN_CONSTRUCT', `forbidden XML construct: ${construct}`, {
    details: { construct },
  });
}

const MARKUP_DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const XML_DECLARATION = /^<\?xml\s+version\s*=\s*["']1\.[0-9]["'](\s+encoding\s*=\s*["']([A-Za-z0-9._-]+)["'])?(\s+standalone\s*=\s*["'](yes|no)["'])?\s*\?>/;

function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (e) {
    throw malformed('not UTF-8', e);
  }
  return text;
}

/** Text runs at least this long made only of base64 characters are set aside before parsing (see below). */
const BULK_TEXT_MIN = 64 * 1024;
const BULK_TEXT = /^[A-Za-z0-9+/=\s]*$/;
/** U+FFFE may not appear in an XML document (XML 1.0 §2.2), so it cannot collide with real text. */
const HOLE = '\uFFFE';

/**
 * Bounds depth and element count, refuses declarations and processing instructions, without building a tree.
 * Returns the [start, end) spans of long base64 text runs (attachments), so they can bypass the parser,
 * which is slow on multi-megabyte text nodes.
 */
function scan(text: string, limits: XmlLimits): { bulk: [number, number][]; maxDepth: number; elements: number } {
  if (text.includes(HOLE) || text.includes('\uFFFF')) throw malformed('non-character U+FFFE/U+FFFF');
  const bulk: [number, number][] = [];
  let textStart = 0;
  const m = MARKUP_DECLARATION.exec(text);
  if (m) throw forbidden((m[1] ?? '').toUpperCase());
  if (text.startsWith('<?xml')) {
    const decl = XML_DECLARATION.exec(text);
    if (!decl) throw malformed('bad XML declaration');
    const enc = decl[2];
    if (enc !== undefined && !/^utf-?8$/i.test(enc)) throw malformed(`unsupported encoding ${enc}`);
  }
  let depth = 0;
  let maxDepth = 0;
  let elements = 0;
  let i = 0;
  const n = text.length;
  while ((i = text.indexOf('<', i)) !== -1) {
    if (i - textStart >= BULK_TEXT_MIN && BULK_TEXT.test(text.slice(textStart, i))) bulk.push([textStart, i]);
    if (text.startsWith('<!--', i)) {
      const e = text.indexOf('-->', i + 4);
      if (e < 0) throw malformed('unterminated comment');
      i = textStart = e + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      const e = text.indexOf(']]>', i + 9);
      if (e < 0) throw malformed('unterminated CDATA');
      i = textStart = e + 3;
      continue;
    }
    if (text.startsWith('<?', i)) {
      if (i === 0 && text.startsWith('<?xml')) {
        i = textStart = text.indexOf('?>') + 2;
        continue;
      }
      throw forbidden('PROCESSING_INSTRUCTION');
    }
    if (text.startsWith('<!', i)) throw forbidden('MARKUP_DECLARATION');
    if (text[i + 1] === '/') {
      depth--;
      const e = text.indexOf('>', i);
      if (e < 0) throw malformed('unterminated end tag');
      i = textStart = e + 1;
      continue;
    }
    let j = i + 1;
    let quote: string | null = null;
    for (; j < n; j++) {
      const c = text[j];
      if (quote !== null) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    if (j >= n) throw malformed('unterminated start tag');
    elements++;
    if (elements > limits.maxElements) {
      throw new DomainError('ERR_XML_TOO_LARGE', 'too many XML elements', {
        details: { limit: 'maxElements', max: limits.maxElements },
      });
    }
    if (text[j - 1] !== '/') {
      depth++;
      if (depth > maxDepth) maxDepth = depth;
      if (depth > limits.maxDepth) {
        throw new DomainError('ERR_XML_TOO_DEEP', 'XML nested too deeply', { details: { max: limits.maxDepth } });
      }
    }
    i = textStart = j + 1;
  }
  return { bulk, maxDepth, elements };
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; anything else is malformed. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]{0,16});?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw malformed('bare ampersand');
    const named = PREDEFINED[body];
    if (named !== undefined) return named;
    const num = /^#x([0-9A-Fa-f]{1,6})$/.exec(body) ?? /^#([0-9]{1,7})$/.exec(body);
    if (num) {
      const cp = parseInt(num[1] ?? '', body.startsWith('#x') ? 16 : 10);
      const legal = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      if (!legal) throw malformed('illegal character reference');
      return String.fromCodePoint(cp);
    }
    throw malformed(`undeclared entity &${body};`);
  });
}

type OrderedNode = Record<string, unknown>;

function fillHoles(s: string, holes: readonly string[]): string {
  if (!s.includes(HOLE)) return s;
  return s.replace(/\uFFFE([0-9]+)\uFFFE/g, (_, n: string) => {
    const h = holes[Number(n)];
    if (h === undefined) throw malformed('internal: unknown text hole');
    return h;
  });
}

function punchHoles(text: string, spans: readonly [number, number][]): { text: string; holes: string[] } {
  if (spans.length === 0) return { text, holes: [] };
  const parts: string[] = [];
  const holes: string[] = [];
  let pos = 0;
  for (const [start, end] of spans) {
    parts.push(text.slice(pos, start), `${HOLE}${holes.length}${HOLE}`);
    holes.push(text.slice(start, end));
    pos = end;
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), holes };
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  commentPropName: false,
});

function toElement(node: OrderedNode, scope: ReadonlyMap<string, string>, holes: readonly string[]): XmlElement {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined) throw malformed('empty node');
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  let bindings: Map<string, string> | null = null;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    const value = decodeEntities(String(v));
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      bindings ??= new Map(scope);
      bindings.set(k === 'xmlns' ? '' : k.slice(6), value);
    } else {
      attrs[k] = value;
    }
  }
  const ns = bindings ?? scope;
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const local = colon < 0 ? name : name.slice(colon + 1);
  if (local.length === 0 || local.includes(':')) throw malformed(`bad element name ${name}`);
  const uri = ns.get(prefix);
  if (prefix !== '' && uri === undefined) throw malformed(`unbound namespace prefix ${prefix}`);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] ?? []) as OrderedNode[]) {
    if ('#text' in child) text += fillHoles(decodeEntities(String(child['#text'])), holes);
    else if ('#cdata' in child) {
      for (const c of child['#cdata'] as OrderedNode[]) text += String(c['#text'] ?? '');
    } else children.push(toElement(child, ns, holes));
  }
  return Object.freeze({
    name,
    local,
    ns: uri === undefined || uri === '' ? null : uri,
    attrs: Object.freeze(attrs),
    children: Object.freeze(children),
    text,
  });
}

/**
 * Parses untrusted XML bytes into an element tree.
 *
 * @throws DomainError `ERR_XML_TOO_LARGE` (bytes or element count), `ERR_XML_FORBIDDEN_CONSTRUCT`
 *   (DOCTYPE, ENTITY or any markup declaration, processing instructions), `ERR_XML_TOO_DEEP`,
 *   `ERR_XML_MALFORMED` (not UTF-8, not well-formed, undeclared entity, unbound prefix).
 */
export function parseXmlSafely(bytes: Uint8Array, limits: XmlLimits): XmlElement {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseXmlSafely expects a Uint8Array');
  if (bytes.byteLength > limits.maxBytes) {
    throw new DomainError('ERR_XML_TOO_LARGE', 'XML document too large', {
      details: { limit: 'maxBytes', max: limits.maxBytes, size: bytes.byteLength },
    });
  }
  const earlier = parsedOnce.get(bytes);
  if (earlier && earlier.maxDepth <= limits.maxDepth && earlier.elements <= limits.maxElements && digestOf(bytes).equals(earlier.digest)) return earlier.root;
  let text = decodeUtf8(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const scanned = scan(text, limits);
  const punched = punchHoles(text, scanned.bulk);
  text = punched.text;
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) throw malformed(valid.err.code, valid.err);
  let ordered: OrderedNode[];
  try {
    ordered = parser.parse(text) as OrderedNode[];
  } catch (e) {
    throw malformed('parser failure', e);
  }
  const roots = ordered.filter((n) => !('#text' in n) || String(n['#text']).trim() !== '');
  if (roots.length !== 1 || roots[0] === undefined || '#text' in roots[0]) throw malformed('not exactly one root element');
  const root = toElement(roots[0], new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), punched.holes);
  parsedOnce.set(bytes, { digest: digestOf(bytes), maxDepth: scanned.maxDepth, elements: scanned.elements, root });
  return root;
}

/**
 * The trees parsed so far, by the very byte array they came from (a package is read by several steps of one
 * hop: the axis inspects it, checks its CMS and its XML signature; the receiver likewise). Parsing is a pure
 * function of the bytes and the tree is deeply frozen, so a step that asks again gets the same tree: when the
 * same array still holds the same bytes (SHA-256, so an array changed in between is parsed again) and the
 * document fits the asking step's limits (depth and element count as measured; the byte size is checked
 * before). Only successes are kept; an array that is garbage-collected drops its entry. Issue 15: a package
 * was parsed nine times per document.
 */
const parsedOnce = new WeakMap<Uint8Array, { readonly digest: Buffer; readonly maxDepth: number; readonly elements: number; readonly root: XmlElement }>();

function digestOf(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}
