import type { CertificateSummary } from '../report/types.js';
import { parseCertificate } from './certificate.js';

/** Who a certificate names, for reports (subject/issuer as RFC 4514 text, serial and fingerprint in hex). */
export function summarizeCertificate(der: Uint8Array): CertificateSummary {
  const c = parseCertificate(der);
  return Object.freeze({
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.serialNumber,
    sha256: c.sha256,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    ...(c.organizationIdentifier !== undefined ? { organizationIdentifier: c.organizationIdentifier } : {}),
  });
}
