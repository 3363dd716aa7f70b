import type { DomainErrorCode } from '../../domain/errors.js';

/**
 * Axis codes the node keeps as they are when the axis refuses a request (retrying the same request will not
 * help, and the code says why); any other refusal becomes ERR_AXIS_REJECTED. One list for both dialects of
 * the axis (lienthong's own API and the VDXP facade), which answer with the same codes.
 */
const PASS_THROUGH = new Set<string>([
  'ERR_VALIDATION',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_AGENCY_UNKNOWN',
  'ERR_CERT_NOT_BOUND',
  'ERR_FORBIDDEN',
  'ERR_XML_MALFORMED',
  'ERR_EDXML_INVALID',
  'ERR_PACKAGE_SIGNATURE_INVALID',
  'ERR_SENDER_MISMATCH',
  'ERR_RECIPIENT_UNKNOWN',
  'ERR_NOT_FOUND',
  'ERR_CONFLICT',
  'ERR_IDEMPOTENCY_MISMATCH',
  'ERR_STATUS_TRANSITION',
  'ERR_UNAUTHENTICATED',
]);

/** The node's code for a refusal the axis answered with `axisCode`. */
export function axisRefusalCode(axisCode: string | undefined): DomainErrorCode {
  return axisCode && PASS_THROUGH.has(axisCode) ? (axisCode as DomainErrorCode) : 'ERR_AXIS_REJECTED';
}
