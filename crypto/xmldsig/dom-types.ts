/**
 * The few W3C DOM members this module uses. @xmldom/xmldom's own typings pull the whole browser `dom` lib
 * into the compilation (changing `BufferSource` and friends for every file), so the libraries are loaded
 * untyped and described here instead.
 */
export interface DomNode {
  readonly nodeType: number;
  readonly parentNode: DomNode | null;
  readonly firstChild: DomNode | null;
  readonly nextSibling: DomNode | null;
  readonly ownerDocument: DomDocument;
  textContent: string | null;
  removeChild(child: DomNode): DomNode;
  insertBefore(node: DomNode, before: DomNode | null): DomNode;
  appendChild(node: DomNode): DomNode;
}

export interface DomAttr {
  readonly name: string;
  readonly value: string;
}

export interface DomElement extends DomNode {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly attributes: { readonly length: number; item(i: number): DomAttr | null };
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
}

export interface DomDocument extends DomNode {
  readonly documentElement: DomElement | null;
  importNode(node: DomNode, deep: boolean): DomNode;
  createTextNode(text: string): DomNode;
}
