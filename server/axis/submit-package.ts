import { createHash } from 'node:crypto';
import type { SignatureReport } from '../../crypto/index.js';
import type { AgencyCode } from '../domain/agency/index.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { verifyPackageSignature, type EdxmlWarningCode, type PackageKind } from '../domain/edxml/index.js';
import type { SubmissionRecord } from '../domain/ports/axis/index.js';
import { boundAtValidationTime } from '../domain/registry/index.js';
import { maySendStatus } from '../domain/status/index.js';
import type { AxisDeps, AxisPrincipal } from './deps.js';
import { inspectPackage, type PackageFacts } from './inspect-package.js';
import { appendTrace } from './trace.js';
import { verifyFetchingOcsp } from '../trust/verify-fetching-ocsp.js';

export interface SubmitPackageInput {
  readonly principal: AxisPrincipal;
  readonly type: PackageKind;
  readonly packageBytes: Uint8Array;
  /** The detached CMS; empty when the package carries only its enveloped XML signature. */
  readonly signature: Uint8Array;
}

export interface SubmitPackageResult {
  readonly docId: string;
  /** True when the same package had been accepted before: nothing new was written. */
  readonly duplicate: boolean;
  readonly type: PackageKind;
  readonly recipients: readonly AgencyCode[];
  readonly sha256: string;
  /** What the axis's lenient read forgave in this package (EDXML_* codes, document order); empty when none. */
  readonly warnings: readonly EdxmlWarningCode[];
}

function checkSizes(deps: AxisDeps, input: SubmitPackageInput): void {
  if (input.packageBytes.byteLength === 0) throw new DomainError('ERR_VALIDATION', 'the package is empty', { details: { field: 'package' } });
  if (input.packageBytes.byteLength > deps.limits.packageBytes) {
    throw new DomainError('ERR_PAYLOAD_TOO_LARGE', `package larger than ${deps.limits.packageBytes} bytes`, { details: { field: 'package', limit: deps.limits.packageBytes } });
  }
  if (input.signature.byteLength > deps.limits.signatureBytes) {
    throw new DomainError('ERR_PAYLOAD_TOO_LARGE', `signature larger than ${deps.limits.signatureBytes} bytes`, { details: { field: 'signature', limit: deps.limits.signatureBytes } });
  }
}

/**
 * The signature is valid, trusted (chain, CRLs or OCSP, algorithm policy) and by a certificate bound to the sender as
 * its seal at its validation time (the same rule as the receiving node: boundAtValidationTime; a leader's
 * personal certificate speaks for the person, not the agency, and signs no package). The axis validates at its
 * own clock — the arrival time it records and later hands to receivers as their proof of existence — or at an
 * earlier verified signature timestamp; never at the signer's claimed time.
 */
async function checkSignature(deps: AxisDeps, input: SubmitPackageInput, sender: AgencyCode): Promise<SignatureReport> {
  const agency = await deps.registry.findByCode(sender);
  if (!agency) throw new DomainError('ERR_AGENCY_UNKNOWN', `sender ${sender} is not registered`);
  // TRY_LATER: OCSP is asked for the certificates the report names, then the signature is verified again;
  // still TRY_LATER, ERR_REVOCATION_UNAVAILABLE (503): the sender's outbox retries, nothing is refused for it.
  const report = await verifyFetchingOcsp(deps, { sender }, async (wanted) => {
    const r = await verifyPackageSignature(input.packageBytes, input.signature.byteLength > 0 ? input.signature : undefined, {
      trustAnchors: deps.trustAnchors,
      crls: deps.crls,
      ...(deps.ocspResponses?.length ? { ocspResponses: deps.ocspResponses } : {}),
      now: deps.now(),
      policy: { allowSha1: deps.allowSha1 },
      ...(deps.xmlVerifier ? { xmlVerifier: deps.xmlVerifier } : {}),
    });
    wanted.add(r);
    if (r.indication === 'INDETERMINATE' && r.subIndication === 'TRY_LATER' && (!r.signer || boundAtValidationTime(agency.certificates, r))) {
      throw new DomainError('ERR_REVOCATION_UNAVAILABLE', `package signature: no fresh revocation data (TRY_LATER${r.reason ? `: ${r.reason}` : ''}); send again later`);
    }
    return r;
  });
  const failed = report.checks.find((c) => !c.passed);
  const details = {
    indication: report.indication,
    ...(report.subIndication ? { subIndication: report.subIndication } : {}),
    ...(failed ? { failedCheck: failed.name } : {}),
    ...(report.signer ? { signer: report.signer.subject, signerSha256: report.signer.sha256 } : {}),
  };
  if (report.signer && !boundAtValidationTime(agency.certificates, report)) {
    throw new DomainError('ERR_CERT_NOT_BOUND', `the package is signed by a certificate not bound to ${sender} in the registry`, { details: { ...details, failedCheck: 'signer-binding' } });
  }
  if (report.indication === 'TOTAL_PASSED') return report;
  throw new DomainError('ERR_PACKAGE_SIGNATURE_INVALID', `package signature not accepted: ${report.reason ?? report.indication}`, { details });
}

/** Where a package goes: the edoc's `To`, or for a status the other side of the document it reports on. */
async function routeOf(deps: AxisDeps, facts: PackageFacts, sender: AgencyCode): Promise<{ recipients: AgencyCode[]; documentId: string }> {
  if (facts.type === 'edoc') {
    const known = new Set(await deps.registry.existingCodes(facts.to));
    const unknown = facts.to.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new DomainError('ERR_RECIPIENT_UNKNOWN', `recipients not registered: ${unknown.join(', ')}`, { details: { unknown } });
    return { recipients: [...facts.to], documentId: facts.documentId };
  }
  const original = await deps.packages.findByPackageKey(facts.responseFor.organId, `edoc:${facts.responseFor.documentId}`);
  if (!original) {
    throw new DomainError('ERR_REFERENCE_UNKNOWN', 'the status reports on a document the axis never carried', {
      details: { organId: facts.responseFor.organId, documentId: facts.responseFor.documentId },
    });
  }
  const actor = original.sender === sender ? 'sender' : original.recipients.includes(sender) ? 'receiver' : undefined;
  if (!actor) throw new DomainError('ERR_FORBIDDEN', 'only the sender or a recipient of a document may send a status about it');
  if (!maySendStatus(facts.statusCode, actor)) {
    throw new DomainError('ERR_STATUS_TRANSITION', `status ${facts.statusCode} is not sent by the document's ${actor}`, { details: { statusCode: facts.statusCode, actor } });
  }
  return { recipients: actor === 'sender' ? [...original.recipients] : [original.sender], documentId: original.documentId };
}

/** Creates the deliveries and the trace hops of an accepted submission (idempotent: also repairs a resend). */
async function queue(deps: AxisDeps, s: SubmissionRecord): Promise<void> {
  await appendTrace(deps.trace, {
    eventKey: `submitted:${s.docId}`,
    event: 'submitted',
    actor: s.sender,
    docId: s.docId,
    at: s.submittedAt,
    details: { type: s.type, documentId: s.documentId, sha256: s.sha256, size: s.size, signer: s.signer.sha256 },
  });
  await deps.deliveries.ensure(
    s.recipients.map((recipient) => ({
      docId: s.docId,
      recipient,
      sender: s.sender,
      type: s.type,
      documentId: s.documentId,
      ...(s.statusCode ? { statusCode: s.statusCode } : {}),
      sha256: s.sha256,
      size: s.size,
      submittedAt: s.submittedAt,
    })),
  );
  for (const recipient of s.recipients) {
    await appendTrace(deps.trace, {
      eventKey: `queued:${s.docId}:${recipient}`,
      event: 'queued',
      actor: s.sender,
      docId: s.docId,
      recipient,
      at: deps.now(),
      details: { type: s.type },
    });
  }
  await deps.packages.markQueued(s.docId);
}

async function answerResend(deps: AxisDeps, existing: SubmissionRecord, sha256: string, warnings: readonly EdxmlWarningCode[]): Promise<SubmitPackageResult> {
  if (existing.sha256 !== sha256) {
    throw new DomainError('ERR_IDEMPOTENCY_MISMATCH', 'a different package with the same DocumentId was already sent', {
      details: { docId: existing.docId, documentId: existing.documentId },
    });
  }
  if (existing.state === 'accepted') await queue(deps, existing); // a crash stopped the first attempt half-way
  return { docId: existing.docId, duplicate: true, type: existing.type, recipients: existing.recipients, sha256, warnings };
}

/**
 * Accepts a package (document or status) from an authenticated agency. Every check runs before anything is
 * written, in this order: sizes; the package parses and matches `type`; the caller is edXML `From`; the
 * package signature (the enveloped XML-DSig, the detached CMS when sent, both when both) is valid, trusted and by a
 * certificate bound to the sender (X-Road's member check);
 * every recipient is registered (a status goes to the other side of the document it reports on). Then the
 * bytes go to the BlobStore, the submission document last (the commit point; `(sender, packageKey)` unique,
 * so a resend answers the same docId), then one delivery per recipient and the trace.
 */
export async function submitPackage(deps: AxisDeps, input: SubmitPackageInput): Promise<SubmitPackageResult> {
  try {
    const result = await acceptPackage(deps, input);
    deps.logger?.info(
      {
        event: 'axis.package.accepted',
        sender: input.principal.agencyCode,
        docId: result.docId,
        type: result.type,
        duplicate: result.duplicate,
        recipients: result.recipients,
        sha256: result.sha256,
        ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
      },
      'package accepted',
    );
    return result;
  } catch (e) {
    if (isDomainError(e)) {
      deps.logger?.warn({ event: 'axis.package.refused', sender: input.principal.agencyCode, code: e.code, size: input.packageBytes.byteLength }, 'package refused');
    }
    throw e;
  }
}

async function acceptPackage(deps: AxisDeps, input: SubmitPackageInput): Promise<SubmitPackageResult> {
  checkSizes(deps, input);
  const facts = inspectPackage(input.packageBytes, input.type, deps.limits.packageBytes);
  const sender = input.principal.agencyCode;
  if (facts.from !== sender) {
    throw new DomainError('ERR_SENDER_MISMATCH', `the package is from ${facts.from} but the caller is ${sender}`, { details: { from: facts.from, caller: sender } });
  }
  const report = await checkSignature(deps, input, sender);
  const route = await routeOf(deps, facts, sender);

  const sha256 = createHash('sha256').update(input.packageBytes).digest('hex');
  const packageKey = facts.type === 'edoc' ? `edoc:${facts.documentId}` : `status:${sha256}`;
  const existing = await deps.packages.findByPackageKey(sender, packageKey);
  if (existing) return answerResend(deps, existing, sha256, facts.warnings);

  const docId = deps.newId();
  const blobId = await deps.blobs.put(input.packageBytes, { contentType: 'application/xml', filename: `${docId}.edxml`, owner: sender });
  const record: SubmissionRecord = {
    docId,
    type: facts.type,
    sender,
    packageKey,
    documentId: route.documentId,
    ...(facts.type === 'status' ? { statusCode: facts.statusCode } : {}),
    recipients: route.recipients,
    sha256,
    size: input.packageBytes.byteLength,
    blobId,
    signature: new Uint8Array(input.signature),
    signer: { sha256: report.signer?.sha256 ?? '', subject: report.signer?.subject ?? '' },
    state: 'accepted',
    submittedAt: deps.now(),
  };
  try {
    await deps.packages.insert(record);
  } catch (e) {
    await deps.blobs.delete(blobId).catch(() => undefined);
    if (!isDomainError(e, 'ERR_DUPLICATE_KEY')) throw e;
    const winner = await deps.packages.findByPackageKey(sender, packageKey); // a concurrent identical send won
    if (!winner) throw e;
    return answerResend(deps, winner, sha256, facts.warnings);
  }
  await queue(deps, record);
  return { docId, duplicate: false, type: facts.type, recipients: route.recipients, sha256, warnings: facts.warnings };
}
