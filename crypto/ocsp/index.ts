/** RFC 6960 OCSP: requests, checked replies, and a responder (the development one the axis serves). */
export { createOcspRequest, parseOcspRequest, type OcspRequest, type ParsedOcspRequest, type RequestedCertId } from './request.js';
export { readOcspReply, type OcspReply } from './reply.js';
export { respondToOcspRequest, type OcspResponder, type OcspCertStatus } from './respond.js';
