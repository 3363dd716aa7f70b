import type { CertificateSummary } from '../report/types.js';
import { parseCertificate, type ParsedCertificate } from './certificate.js';

const summaries = new WeakMap<ParsedCertificate, CertificateSummary>();

/** Report summary of a parsed certificate, cached per parsed certificate (verify hot path). */
export function summarizeParsedCertificate(c: ParsedCertificate): CertificateSummary {
  let hit = summaries.get(c);
  if (!hit) {
    hit = Object.freeze({
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      sha256: c.sha256,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      ...(c.organizationIdentifier !== undefined ? { organizationIdentifier: c.organizationIdentifier } : {}),
    });
    summaries.set(c, hit);
  }
  return hit;
}

/** Who a certificate names, for reports (subject/issuer as RFC 4514 text, serial and fingerprint in hex). */
export function summarizeCertificate(der: Uint8Array): CertificateSummary {
  return summarizeParsedCertificate(parseCertificate(der));
}
