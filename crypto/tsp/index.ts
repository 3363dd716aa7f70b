/** RFC 3161 time-stamp protocol: requests, replies, the development TSA, signature-time-stamps (CAdES/PAdES B-T). */
export { createTimestampRequest, parseTimestampRequest, type TimestampRequest, type ParsedTimestampRequest } from './request.js';
export { readTimestampReply, type TimestampReply } from './response.js';
export { respondToTimestampRequest, type TimestampAuthority } from './respond.js';
export { addSignatureTimestamp, hasSignatureTimestamp, signatureValueOf, timestampSignature, type SignatureTimestamper } from '../cms/add-timestamp.js';
