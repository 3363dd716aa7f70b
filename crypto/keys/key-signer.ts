import { constants, createPrivateKey, createPublicKey, sign as cryptoSign, KeyObject } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { keyIdOfSpki } from './key-id.js';
import type { HashName, KeyType, RsaScheme, Signer } from './signer.js';

const NODE_HASH: Record<HashName, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const HASH_LEN: Record<HashName, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };
const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

function toKeyObject(key: KeyObject | Uint8Array): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'private') throw new TypeError('createKeySigner needs a private key');
    return key;
  }
  if (!(key instanceof Uint8Array)) throw new TypeError('privateKey must be a KeyObject or PKCS#8 DER bytes');
  try {
    return createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new CryptoError('ERR_KEY_MALFORMED', 'private key is not valid PKCS#8 DER', { cause: e });
  }
}

/**
 * The default {@link Signer}: a parsed node:crypto private key kept in memory (parsed once, here).
 * RSA signs PKCS#1 v1.5 or PSS with salt length = hash length and MGF1 with the same hash (RFC 4055 §3.1,
 * as CAdES/PAdES profiles expect); ECDSA returns DER Ecdsa-Sig-Value (RFC 5753 §7.2).
 * Accepts a KeyObject or PKCS#8 DER; throws ERR_KEY_MALFORMED / ERR_ALGORITHM_UNSUPPORTED.
 */
export function createKeySigner(privateKey: KeyObject | Uint8Array): Signer {
  const key = toKeyObject(privateKey);
  const kt = key.asymmetricKeyType;
  let keyType: KeyType;
  let keyBits: number;
  const details = key.asymmetricKeyDetails ?? {};
  if (kt === 'rsa' || kt === 'rsa-pss') {
    keyType = 'RSA';
    keyBits = details.modulusLength ?? 0;
  } else if (kt === 'ec') {
    keyType = 'ECDSA';
    keyBits = CURVE_BITS[details.namedCurve ?? ''] ?? 0;
    if (keyBits === 0) throw new CryptoError('ERR_ALGORITHM_UNSUPPORTED', `unsupported curve ${String(details.namedCurve)}`);
  } else {
    throw new CryptoError('ERR_ALGORITHM_UNSUPPORTED', `unsupported key type ${String(kt)}`);
  }
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const keyId = keyIdOfSpki(spki);
  const pssOnly = kt === 'rsa-pss';
  const signer: Signer = {
    keyId,
    keyType,
    keyBits,
    sign(data: Uint8Array, options: { hash: HashName; scheme: RsaScheme }): Promise<Uint8Array> {
      try {
        return Promise.resolve(signSync(data, options));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
  function signSync(data: Uint8Array, options: { hash: HashName; scheme: RsaScheme }): Uint8Array {
    const hash = NODE_HASH[options?.hash];
    if (hash === undefined) throw new CryptoError('ERR_ALGORITHM_REFUSED', `hash ${String(options?.hash)} is not accepted for signing`);
    if (keyType === 'ECDSA') return cryptoSign(hash, data, { key, dsaEncoding: 'der' });
    if (options.scheme === 'pss') {
      return cryptoSign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LEN[options.hash] });
    }
    if (options.scheme !== 'pkcs1') throw new TypeError(`unknown RSA scheme ${String(options.scheme)}`);
    if (pssOnly) throw new CryptoError('ERR_ALGORITHM_UNSUPPORTED', 'an RSASSA-PSS key cannot sign PKCS#1 v1.5');
    return cryptoSign(hash, data, key);
  }
  return Object.freeze(signer);
}
