import type { AgencyCode } from '../domain/agency/index.js';
import { buildStatusPackage, formatDocumentCode, formatEdxmlTimestamp, parseDocumentId, signPackage, signPackageXml } from '../domain/edxml/index.js';
import { DomainError } from '../domain/errors.js';
import { DISPATCH_PRIORITY, type DispatchPriority, type NodeDocument, type OutgoingMessage } from '../domain/ports/node/index.js';
import type { StatusCode } from '../domain/status/index.js';
import type { NodeDeps } from './deps.js';

/** When the document's next message is due: the first unsent message, unless it failed (then nothing moves). */
export function dispatchDueOf(outgoing: readonly OutgoingMessage[]): Date | null {
  const next = outgoing.find((m) => m.state !== 'sent');
  return next && next.state === 'pending' ? next.nextAttemptAt : null;
}

/** The dispatcher's order for a document's traffic (DISPATCH_PRIORITY): its box and, for the inbox, its verdict. */
export function dispatchPriorityOf(doc: Pick<NodeDocument, 'box' | 'verification'>): DispatchPriority {
  if (doc.box === 'outbox') return DISPATCH_PRIORITY.send;
  return doc.verification.verdict === 'refused' ? DISPATCH_PRIORITY.refusal : DISPATCH_PRIORITY.answer;
}

/** Exponential backoff with equal jitter: half the exponential step fixed, half random (AWS architecture blog). */
export function backoffDelayMs(attempt: number, policy: { baseDelayMs: number; maxDelayMs: number }, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random * (step / 2));
}

/** The signing identity of a hosted agency's seal, or ERR_KEY_UNAVAILABLE. */
export async function sealIdentityOf(deps: Pick<NodeDeps, 'keys'>, code: AgencyCode) {
  const identity = await deps.keys.getIdentity({ agencyCode: code, kind: 'seal' });
  if (!identity) throw new DomainError('ERR_KEY_UNAVAILABLE', `no seal key stored for ${code}`);
  return identity;
}

/**
 * Builds and signs a status package about `doc` (QCVN 102:2016 status feedback) from `self`, and returns it
 * as a pending outgoing message. The original document is named by its sender's DocumentId.
 */
export async function prepareStatusMessage(
  deps: Pick<NodeDeps, 'keys' | 'now' | 'agencies'>,
  input: { self: AgencyCode; selfName: string; documentId: string; statusCode: StatusCode; description?: string; seq: number; staff?: string },
): Promise<OutgoingMessage> {
  const parts = parseDocumentId(input.documentId);
  if (!parts) throw new DomainError('ERR_EDXML_INVALID', 'the document has no composite DocumentId to answer to', { details: { documentId: input.documentId } });
  const now = deps.now();
  const seal = await sealIdentityOf(deps, input.self);
  const bytes = await signPackageXml(
    buildStatusPackage({
      From: { OrganId: input.self, OrganName: input.selfName },
      ResponseFor: {
        OrganId: parts.organId,
        Code: formatDocumentCode(parts.codeNumber, parts.codeNotation),
        PromulgationDate: parts.promulgationDate,
        DocumentId: input.documentId,
      },
      ...(input.staff ? { StaffInfo: { Staff: input.staff } } : {}),
      StatusCode: input.statusCode,
      ...(input.description ? { Description: input.description } : {}),
      Timestamp: formatEdxmlTimestamp(now),
    }),
    seal,
  );
  const signature = await signPackage(bytes, seal, now);
  return Object.freeze({
    id: `status-${input.statusCode}-${input.seq}`,
    kind: 'status',
    statusCode: input.statusCode,
    packageBytes: bytes,
    signatureBytes: signature,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  });
}

/** Appends a message to a document's outbox, with a unique id even when the same code repeats (04, 05). */
export function withMessage(doc: NodeDocument, message: OutgoingMessage): { outgoing: OutgoingMessage[]; dispatchDue: Date | null } {
  let id = message.id;
  for (let n = 2; doc.outgoing.some((m) => m.id === id); n++) id = `${message.id}-${n}`;
  const outgoing = [...doc.outgoing, { ...message, id }];
  return { outgoing, dispatchDue: dispatchDueOf(outgoing) };
}
