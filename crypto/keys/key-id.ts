import { createHash } from 'node:crypto';

/**
 * The id of a key: the SHA-256 of its SubjectPublicKeyInfo DER, lower-case hex. The same for the private key's
 * signer, the certificate that carries the public key, and the worker pool's registry, so each can be matched
 * to the others without comparing key material.
 */
export function keyIdOfSpki(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex');
}
