import type { HashName } from '../keys/index.js';

/**
 * The algorithm identifiers of XML-DSig 1.1 (W3C, 2013) and RFC 6931 that this verifier knows, each with an
 * allow-list decision. Anything not listed here is refused: no XPath, XSLT or base64 transforms, no HMAC,
 * no C14N 1.1, so a signature can never make the verifier fetch, evaluate or decode anything else.
 */

export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Canonicalization methods (C14N 1.0 §2, Exclusive C14N 1.0). */
export const C14N = {
  inclusive: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  inclusiveWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  exclusive: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  exclusiveWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
} as const;

export type CanonicalizationUri = (typeof C14N)[keyof typeof C14N];

export function isCanonicalizationUri(uri: string): uri is CanonicalizationUri {
  return (Object.values(C14N) as string[]).includes(uri);
}

/** Hash names as the report writes them (`SHA-1` only ever for refusing it). */
export type DigestName = HashName | 'SHA-1';

const NODE_HASH: Readonly<Record<DigestName, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

export function nodeHashOf(name: DigestName): string {
  return NODE_HASH[name];
}

/** DigestMethod (XML-DSig §6.2; RFC 6931 §2.1). */
export const DIGEST_METHODS: Readonly<Record<string, DigestName>> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'SHA-1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'SHA-256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'SHA-384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'SHA-512',
};

export function digestMethodUri(hash: HashName): string {
  const uri = Object.entries(DIGEST_METHODS).find(([, h]) => h === hash)?.[0];
  if (uri === undefined) throw new TypeError(`no digest method for ${hash}`);
  return uri;
}

export interface SignatureMethod {
  readonly name: string;
  readonly keyType: 'RSA' | 'ECDSA';
  readonly hash: DigestName;
}

/** SignatureMethod (XML-DSig §6.4; RFC 6931 §2.3): RSA PKCS#1 v1.5 and ECDSA (raw r‖s, RFC 6931 §2.3.6). */
export const SIGNATURE_METHODS: Readonly<Record<string, SignatureMethod>> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { name: 'rsa-sha1', keyType: 'RSA', hash: 'SHA-1' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { name: 'rsa-sha256', keyType: 'RSA', hash: 'SHA-256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { name: 'rsa-sha384', keyType: 'RSA', hash: 'SHA-384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { name: 'rsa-sha512', keyType: 'RSA', hash: 'SHA-512' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { name: 'ecdsa-sha256', keyType: 'ECDSA', hash: 'SHA-256' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { name: 'ecdsa-sha384', keyType: 'ECDSA', hash: 'SHA-384' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { name: 'ecdsa-sha512', keyType: 'ECDSA', hash: 'SHA-512' },
};

export function signatureMethodUri(keyType: 'RSA' | 'ECDSA', hash: HashName): string {
  const uri = Object.entries(SIGNATURE_METHODS).find(([, m]) => m.keyType === keyType && m.hash === hash)?.[0];
  if (uri === undefined) throw new TypeError(`no signature method for ${keyType} with ${hash}`);
  return uri;
}
