/** Keys: the Signer interface, the default in-memory signer, PKCS#12 import/export. */
export type { HashName, KeyType, RsaScheme, Signer, SigningIdentity } from './signer.js';
export { createKeySigner } from './key-signer.js';
export { keyIdOfSpki } from './key-id.js';
export { importPkcs12, type ImportedPkcs12 } from './pkcs12-import.js';
export { exportPkcs12, type ExportPkcs12Options } from './pkcs12-export.js';
