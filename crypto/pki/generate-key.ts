import { generateKeyPair, type KeyObject } from 'node:crypto';

/** Key types the development PKI issues for. `rsa1024` exists only to make defective test certificates. */
export type DevKeyType = 'rsa2048' | 'rsa3072' | 'p256' | 'rsa1024';

/** A fresh key pair as node:crypto KeyObjects. */
export function generateKey(type: DevKeyType): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject): void => (err ? reject(err) : resolve({ privateKey, publicKey }));
    if (type === 'p256') generateKeyPair('ec', { namedCurve: 'prime256v1' }, done);
    else if (type === 'rsa2048' || type === 'rsa3072' || type === 'rsa1024') {
      generateKeyPair('rsa', { modulusLength: Number(type.slice(3)), publicExponent: 0x10001 }, done);
    } else reject(new TypeError(`unknown key type ${String(type)}`));
  });
}

/** The private key as unencrypted PKCS#8 DER. */
export function exportPkcs8(privateKey: KeyObject): Uint8Array {
  return new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
}
