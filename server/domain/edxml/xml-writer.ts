/** A minimal, deterministic XML writer: elements and escaped text only, two-space indentation. */

export interface XmlNode {
  readonly name: string;
  readonly attrs?: Readonly<Record<string, string>>;
  /** Either text or children. */
  readonly text?: string;
  readonly children?: readonly (XmlNode | null | undefined)[];
}

// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const ILLEGAL_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(s: string, attribute = false): string {
  if (ILLEGAL_XML_CHARS.test(s)) throw new TypeError('text holds characters XML cannot carry');
  let out = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
  if (attribute) out = out.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
  return out;
}

function write(node: XmlNode, indent: string, out: string[]): void {
  const attrs = Object.entries(node.attrs ?? {})
    .map(([k, v]) => ` ${k}="${escapeXml(v, true)}"`)
    .join('');
  const kids = (node.children ?? []).filter((c): c is XmlNode => c != null);
  if (kids.length > 0) {
    out.push(`${indent}<${node.name}${attrs}>\n`);
    for (const k of kids) write(k, `${indent}  `, out);
    out.push(`${indent}</${node.name}>\n`);
  } else if (node.text !== undefined && node.text !== '') {
    out.push(`${indent}<${node.name}${attrs}>${escapeXml(node.text)}</${node.name}>\n`);
  } else {
    out.push(`${indent}<${node.name}${attrs}/>\n`);
  }
}

/** Serializes a tree with an XML declaration, UTF-8 encoded. */
export function writeXml(root: XmlNode): Uint8Array {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write(root, '', out);
  return new TextEncoder().encode(out.join(''));
}
