export type { SignatureLevel, SignerRole } from './signature-level.js';
export { documentSignatureLevel, firstForeignSignature } from './signature-level.js';
