/**
 * Who made one signature on a document, as the axis registry binds its certificate at the signing time:
 * `person`, a competent person of the sending agency; `seal`, the sending agency itself; `foreign`, a
 * certificate bound to another agency; `unregistered`, a certificate no agency has registered.
 */
export type SignerRole = 'person' | 'seal' | 'foreign' | 'unregistered';

/** How far a document's signatures go: `signed` (person, then seal), `sealed` (the seal without a bound person), `unsigned`. */
export type SignatureLevel = 'signed' | 'sealed' | 'unsigned';

/**
 * The signature level of a document whose signatures (in file order) all validate, by who made them.
 * A document has the legal value of paper only with the competent person's signature and then the agency's
 * (Decree 30/2020/NĐ-CP Art. 5; the seal is applied to a document the person has signed, Art. 32): `signed`
 * needs a `person` signature of the sender before its last signature, and that last one by the sender's
 * `seal`. The sender's seal standing in the person's place, or a person the registry does not know, makes it
 * `sealed` only. Callers refuse a document whose last signature is not the sender's seal, or that carries a
 * `foreign` signature, before asking (see {@link firstForeignSignature}).
 */
export function documentSignatureLevel(roles: readonly SignerRole[]): SignatureLevel {
  if (roles.length === 0) return 'unsigned';
  if (roles[roles.length - 1] !== 'seal') return 'unsigned';
  return roles.slice(0, -1).includes('person') ? 'signed' : 'sealed';
}

/** Index of the first signature made for another agency, or -1. */
export function firstForeignSignature(roles: readonly SignerRole[]): number {
  return roles.indexOf('foreign');
}
