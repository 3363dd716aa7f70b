import type { NodeDocument, OutgoingMessage, RecipientTrack } from '../domain/ports/node/index.js';

/** The JSON the clerk API answers for documents. No blob ids, no key material. */
const messageView = (m: OutgoingMessage) => ({
  id: m.id,
  kind: m.kind,
  ...(m.statusCode ? { statusCode: m.statusCode } : {}),
  state: m.state,
  attempts: m.attempts,
  ...(m.state === 'pending' ? { nextAttemptAt: m.nextAttemptAt.toISOString() } : {}),
  ...(m.lastError ? { lastError: m.lastError } : {}),
  ...(m.axisDocId ? { axisDocId: m.axisDocId } : {}),
  ...(m.sentAt ? { sentAt: m.sentAt.toISOString() } : {}),
});

function lastCode(r: RecipientTrack): string | null {
  return r.timeline.length ? r.timeline[r.timeline.length - 1]!.code : null;
}

/** Why a document was refused, short enough for a list row: the code and the first failing signature's facts. */
function refusalView(d: NodeDocument) {
  const v = d.verification;
  if (v.verdict !== 'refused' || !v.reasonCode) return {};
  const bad = v.findings.find((f) => f.indication !== 'TOTAL_PASSED');
  return {
    refusal: {
      reasonCode: v.reasonCode,
      ...(bad?.subIndication ? { subIndication: bad.subIndication } : {}),
      ...(bad ? { failedChecks: bad.checks.filter((c) => !c.passed).map((c) => c.name) } : {}),
    },
  };
}

export function documentSummaryView(d: NodeDocument) {
  const edoc = d.outgoing.find((m) => m.kind === 'edoc');
  return {
    id: d.id,
    box: d.box,
    documentId: d.documentId,
    from: d.from,
    fromName: d.fromName,
    to: d.to,
    subject: d.metadata.subject,
    codeNumber: d.metadata.codeNumber,
    codeNotation: d.metadata.codeNotation,
    promulgationDate: d.metadata.promulgationDate,
    priority: d.metadata.priority,
    paper: d.metadata.paper,
    verdict: d.verification.verdict,
    signatureLevel: d.verification.signatureLevel,
    ...(d.sealing ? { sealing: d.sealing.state } : {}),
    ...refusalView(d),
    recalled: d.recalled,
    recipients: d.recipients.map((r) => ({ code: r.code, name: r.name, phase: r.state.phase, recall: r.state.recall, lastStatus: lastCode(r) })),
    ...(edoc ? { delivery: edoc.state } : {}),
    createdAt: d.createdAt.toISOString(),
  };
}

export function documentDetailView(d: NodeDocument) {
  const edoc = d.outgoing.find((m) => m.kind === 'edoc');
  return {
    ...documentSummaryView(d),
    metadata: d.metadata,
    file: { name: d.file.name, size: d.file.size, sha256: d.file.sha256, available: d.file.blobId !== null },
    attachments: (d.attachments ?? []).map((a, index) => ({
      index,
      name: a.name,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
      role: a.role,
      ...(a.signs ? { signs: a.signs } : {}),
      ...(a.signedBy ? { signedBy: a.signedBy } : {}),
      available: a.blobId !== null,
    })),
    ...(d.axisDocId ? { axisDocId: d.axisDocId } : {}),
    ...(d.supersededBy ? { supersededBy: { documentId: d.supersededBy.documentId, kind: d.supersededBy.kind, at: new Date(d.supersededBy.at).toISOString() } } : {}),
    recipients: d.recipients.map((r) => ({
      code: r.code,
      name: r.name,
      phase: r.state.phase,
      recall: r.state.recall,
      delivery: d.box === 'outbox' && edoc ? { state: edoc.state, ...(edoc.axisDocId ? { axisDocId: edoc.axisDocId } : {}) } : { state: 'received', ...(d.axisDocId ? { axisDocId: d.axisDocId } : {}) },
      timeline: r.timeline.map((t) => ({ code: t.code, from: t.from, at: t.at.toISOString(), ...(t.description ? { description: t.description } : {}) })),
    })),
    validation: {
      verdict: d.verification.verdict,
      ...(d.verification.reasonCode ? { reasonCode: d.verification.reasonCode, reason: d.verification.reason } : {}),
      signatureLevel: d.verification.signatureLevel,
      ...(d.verification.padesLevel ? { padesLevel: d.verification.padesLevel } : {}),
      verifiedAt: new Date(d.verification.verifiedAt).toISOString(),
      signatures: d.verification.findings,
    },
    messages: d.outgoing.map(messageView),
    updatedAt: d.updatedAt.toISOString(),
  };
}
