import { CryptoError } from '../errors.js';

/**
 * XML-DSig carries an ECDSA signature as the raw concatenation r ‖ s, each as wide as the curve order
 * (RFC 6931 §2.3.6; XML-DSig 1.1 §6.4.3); CMS and our Signer use the DER `Ecdsa-Sig-Value`.
 */
export function ecdsaDerToRaw(der: Uint8Array, keyBits: number): Uint8Array {
  const width = Math.ceil(keyBits / 8);
  let i = 0;
  const bad = (): never => {
    throw new CryptoError('ERR_DER_MALFORMED', 'ECDSA signature is not a DER Ecdsa-Sig-Value');
  };
  const readLength = (): number => {
    const first = der[i++] ?? bad();
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 2) bad();
    let len = 0;
    for (let k = 0; k < n; k++) len = (len << 8) | (der[i++] ?? bad());
    return len;
  };
  if (der[i++] !== 0x30) bad();
  readLength();
  const ints: Uint8Array[] = [];
  for (let k = 0; k < 2; k++) {
    if (der[i++] !== 0x02) bad();
    const len = readLength();
    let v = der.subarray(i, i + len);
    i += len;
    while (v.length > width && v[0] === 0) v = v.subarray(1);
    if (v.length > width) bad();
    const padded = new Uint8Array(width);
    padded.set(v, width - v.length);
    ints.push(padded);
  }
  const out = new Uint8Array(2 * width);
  out.set(ints[0]!, 0);
  out.set(ints[1]!, width);
  return out;
}
