/** Certificates, CRLs, OCSP, chain validation at a given time, and the development CA. */
export { pkijsEngine, ensurePkijsEngine } from './engine.js';
export { decodePem, encodePem, isPem, type PemBlock } from './pem.js';
export { sha256Hex } from './fingerprint.js';
export {
  parseCertificate,
  getCachedCertificate,
  decodeCertificates,
  type ParsedCertificate,
  type KeyUsageName,
} from './certificate.js';
export { parseCrl, decodeCrls, type ParsedCrl, type RevokedEntry, type RevocationReason } from './crl.js';
export { parseOcspResponse, type ParsedOcspResponse } from './ocsp.js';
export { summarizeCertificate, summarizeParsedCertificate } from './summarize.js';
export { validateChain, type ValidateChainOptions, type ChainValidationResult, type ChainPolicy } from './validate-chain.js';
export type { TrustMaterial, TrustAtNow, ValidationTimeInputs } from './trust-material.js';
export type { SignatureAlgorithm } from './algorithms.js';
export {
  issueCertificate,
  randomSerial,
  type IssueCertificateOptions,
  type IssuerKeyPair,
  type IssueSignatureOptions,
  type RawExtension,
  type NameInput,
} from './issue-certificate.js';
export { issueCrl, type IssueCrlOptions } from './issue-crl.js';
export { generateKey, exportPkcs8, type DevKeyType } from './generate-key.js';
export {
  createDevelopmentPki,
  type CreateDevelopmentPkiOptions,
  type DevelopmentPki,
  type DevAgency,
  type DevIdentity,
  type DevCertificateAuthority,
} from './development-pki.js';
