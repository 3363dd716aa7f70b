import type { ParsedCertificate } from './certificate.js';
import { verifySignedBy } from './signature-cache.js';

const MAX_DEPTH = 12;

export interface PathResult {
  /** Leaf first, trust anchor last; undefined when no path to an anchor exists. */
  readonly path?: readonly ParsedCertificate[];
  /** Why no path was found (for the report). */
  readonly reason?: string;
}

/**
 * Builds a certification path from `leaf` to one of `anchors` (RFC 4158 in its simplest form): issuers are
 * looked up by name, candidates whose SKI contradicts the child's AKI are skipped, every link's signature is
 * verified (results cached), loops and depth are bounded. Extra, unrelated certificates are ignored.
 */
export function buildPath(
  leaf: ParsedCertificate,
  intermediates: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
): PathResult {
  const anchorSet = new Set(anchors.map((a) => a.sha256));
  const bySubject = new Map<string, ParsedCertificate[]>();
  const seen = new Set<string>();
  // Anchors first so that a path ends at the configured anchor rather than at a copy carried in the signature.
  for (const c of [...anchors, ...intermediates]) {
    if (seen.has(c.sha256)) continue;
    seen.add(c.sha256);
    const list = bySubject.get(c.subjectKey);
    if (list) list.push(c);
    else bySubject.set(c.subjectKey, [c]);
  }
  let lastFailure: string | undefined;

  const walk = (cert: ParsedCertificate, path: ParsedCertificate[], visited: Set<string>): ParsedCertificate[] | undefined => {
    if (anchorSet.has(cert.sha256)) return path;
    if (path.length > MAX_DEPTH) {
      lastFailure = 'path longer than the depth limit';
      return undefined;
    }
    const candidates = bySubject.get(cert.issuerKey) ?? [];
    if (candidates.length === 0) lastFailure = `no issuer certificate found for ${cert.subject}`;
    for (const issuer of candidates) {
      if (visited.has(issuer.sha256)) continue;
      if (cert.authorityKeyIdentifier && issuer.subjectKeyIdentifier && cert.authorityKeyIdentifier !== issuer.subjectKeyIdentifier) {
        lastFailure = `no issuer with key identifier ${cert.authorityKeyIdentifier} for ${cert.subject}`;
        continue;
      }
      if (!verifySignedBy(cert, issuer, 'cert')) {
        lastFailure = `signature of ${cert.subject} does not verify with the key of ${issuer.subject}`;
        continue;
      }
      visited.add(issuer.sha256);
      const found = walk(issuer, [...path, issuer], visited);
      if (found) return found;
      visited.delete(issuer.sha256);
    }
    if (cert.selfIssued && !anchorSet.has(cert.sha256) && candidates.every((c) => visited.has(c.sha256))) {
      lastFailure = `${cert.subject} is self-issued and not a trust anchor`;
    }
    return undefined;
  };

  const path = walk(leaf, [leaf], new Set([leaf.sha256]));
  return path ? { path } : { reason: lastFailure ?? 'no path to a trust anchor' };
}
