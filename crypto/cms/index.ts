/** CMS (RFC 5652) / CAdES (ETSI EN 319 122-1) detached signatures. */
export type { DetachedContent, SignDetachedOptions, VerifyDetachedOptions, AlgorithmPolicy, SignedDataInfo } from './types.js';
export { signDetached } from './sign.js';
export { verifyDetached, verifyTimestampToken } from './verify.js';
export type { TimestampVerification, VerifyTimestampTokenOptions } from './verify-timestamp.js';
export type { TstInfoFacts } from './tst-info.js';
export { inspectSignedData, signedDataDigestAlgorithm } from './inspect.js';
