import type { AgencyCode } from '../domain/agency/index.js';
import { buildStatusPackage, formatDocumentCode, formatEdxmlTimestamp, parseDocumentId, signPackage, signPackageXml } from '../domain/edxml/index.js';
import { DomainError } from '../domain/errors.js';
import type { OutgoingMessage } from '../domain/ports/node/index.js';
import type { StatusCode } from '../domain/status/index.js';
import type { NodeDeps } from './deps.js';

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
