import type { AgencyDetail, DownloadedPackage, IssuedAxisToken, SubmitPackageResult } from '../../../axis/index.js';
import type { AgencyRecord, DeliveryRecord, TraceEntry } from '../../../domain/ports/axis/index.js';

/** The wire shapes of server/http/openapi/axis.ts. Secrets and certificate bytes never leave here. */
const iso = (d: Date) => d.toISOString();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function tokenView(t: IssuedAxisToken) {
  return { accessToken: t.accessToken, tokenType: t.tokenType, expiresIn: t.expiresIn, agencyCode: t.agencyCode };
}

export function sendResultView(r: SubmitPackageResult) {
  return { docId: r.docId, duplicate: r.duplicate, type: r.type, recipients: [...r.recipients], sha256: r.sha256, warnings: [...r.warnings] };
}

export function deliveryView(d: DeliveryRecord) {
  return {
    docId: d.docId,
    type: d.type,
    from: d.sender,
    to: d.recipient,
    documentId: d.documentId,
    ...(d.statusCode ? { statusCode: d.statusCode } : {}),
    sha256: d.sha256,
    size: d.size,
    state: d.state,
    submittedAt: iso(d.submittedAt),
    ...(d.acknowledgedAt ? { acknowledgedAt: iso(d.acknowledgedAt) } : {}),
    downloads: d.downloads,
    ...(d.lastDownloadedAt ? { lastDownloadedAt: iso(d.lastDownloadedAt) } : {}),
    ...(d.ackReason ? { ackReason: d.ackReason } : {}),
  };
}

export function downloadView(p: DownloadedPackage) {
  return { ...deliveryView(p.delivery), package: b64(p.packageBytes), signature: b64(p.signature) };
}

export function agencyView(a: AgencyRecord) {
  return {
    code: a.code,
    name: a.name,
    parentCode: a.parentCode,
    certificates: a.certificates.map((c) => ({
      sha256: c.sha256,
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      role: c.role,
      notBefore: iso(c.notBefore),
      notAfter: iso(c.notAfter),
      status: c.status,
      boundAt: iso(c.boundAt),
      ...(c.revokedAt ? { revokedAt: iso(c.revokedAt) } : {}),
    })),
  };
}

export function certificateHolderView(h: { code: string; name: string; certificate: AgencyRecord['certificates'][number] }) {
  const c = h.certificate;
  return { code: h.code, name: h.name, sha256: c.sha256, role: c.role, status: c.status, boundAt: iso(c.boundAt), ...(c.revokedAt ? { revokedAt: iso(c.revokedAt) } : {}) };
}

export function agencyDetailView(d: AgencyDetail) {
  return { ...agencyView(d.agency), children: d.children.map((c) => ({ code: c.code, name: c.name })) };
}

export function traceView(e: TraceEntry) {
  return {
    seq: e.seq,
    eventKey: e.eventKey,
    at: iso(e.at),
    event: e.event,
    actor: e.actor,
    docId: e.docId,
    ...(e.recipient ? { recipient: e.recipient } : {}),
    details: e.details,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
