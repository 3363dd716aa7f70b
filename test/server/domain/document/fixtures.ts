import { parseAgencyCode } from '../../../../server/domain/agency/index.js';
import type { DocumentMetadata, MessageState, NodeDocument, OutgoingMessage, Verification } from '../../../../server/domain/ports/node/index.js';
import { INITIAL_DOCUMENT_STATE } from '../../../../server/domain/status/index.js';
import { sampleMetadata, sampleNodeDocument } from '../../../support/node-document.js';

export const G22 = parseAgencyCode('000.00.00.G22');
export const H27 = parseAgencyCode('000.00.00.H27');
export const H49 = parseAgencyCode('000.00.00.H49');
export const T0 = new Date('2026-11-20T03:00:00Z');
export const later = (ms: number) => new Date(T0.getTime() + ms);

export const METADATA: DocumentMetadata = sampleMetadata({ subject: 'Về việc X', codeNumber: '12', promulgationDate: '2026-11-20' });

export const ACCEPTED: Verification = { verdict: 'accepted', signatureLevel: 'signed', findings: [], verifiedAt: T0 };

export function message(id: string, state: MessageState = 'pending', nextAttemptAt = T0, over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { id, kind: id === 'edoc' ? 'edoc' : 'status', state, attempts: 0, nextAttemptAt, createdAt: T0, ...over };
}

/** An outgoing document of G22 to `to`, every recipient in the initial state. */
export function outgoingDocument(over: Partial<NodeDocument> = {}, to = [H27, H49]): NodeDocument {
  return sampleNodeDocument(T0, {
    id: 'out-1',
    agencyCode: G22,
    box: 'outbox',
    dedupKey: 'out:000.00.00.G22,2026/11/20,12/VPCP',
    documentId: '000.00.00.G22,2026/11/20,12/VPCP',
    from: G22,
    fromName: 'VPCP',
    to,
    metadata: METADATA,
    file: { blobId: 'file-1', name: 'a.pdf', size: 1, sha256: 'x' },
    verification: ACCEPTED,
    recipients: to.map((code) => ({ code, name: code, state: INITIAL_DOCUMENT_STATE, timeline: [] })),
    outgoing: [message('edoc', 'sent')],
    ...over,
  });
}

/** H27's copy of the document, arrived (01 sent). */
export function incomingDocument(over: Partial<NodeDocument> = {}): NodeDocument {
  return {
    ...outgoingDocument(),
    id: 'in-1',
    agencyCode: H27,
    box: 'inbox',
    dedupKey: 'in:axis-1',
    to: [H27],
    axisDocId: 'axis-1',
    recipients: [{ code: H27, name: 'UBND Hà Tĩnh', state: { phase: 'arrived', recall: 'none' }, timeline: [{ code: '01', from: H27, at: T0 }] }],
    outgoing: [message('status-01-1', 'sent')],
    ...over,
  };
}

/** Runs `f` and returns the code of the error it throws (undefined when it does not throw). */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code ?? `not coded: ${String(e)}`;
  }
  return undefined;
}
