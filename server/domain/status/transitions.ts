import { DomainError } from '../errors.js';
import type { StatusActor, StatusCode } from './codes.js';
import { statusDefinition } from './codes.js';

/**
 * The life of one delivered document (one sender → one recipient), driven by status codes
 * (QCVN 102:2016 feedback; Decree 30/2020 Art. 18.4b and 21.2; DOMAIN.md).
 *
 * `phase` follows the receiver's handling: sent → arrived (01) → accepted (03) → assigned (04) →
 * processing (05) → completed (06), or refused (02) right after arrival. `recall` runs beside it: the
 * sender asks (13, or a package with BussinessDocType 1), the receiver agrees (15, final: the document is
 * withdrawn) or refuses (16, handling goes on where it was).
 */
export type DocumentPhase = 'sent' | 'arrived' | 'refused' | 'accepted' | 'assigned' | 'processing' | 'completed';
export type RecallState = 'none' | 'requested' | 'agreed' | 'refused';

export interface DocumentState {
  readonly phase: DocumentPhase;
  readonly recall: RecallState;
}

/** The state of a document just handed to the axis. */
export const INITIAL_DOCUMENT_STATE: DocumentState = Object.freeze({ phase: 'sent', recall: 'none' });

/** The phase each receiver status leads to, and the phases it may follow. */
const RECEIVER_MOVES: Readonly<Partial<Record<StatusCode, { to: DocumentPhase; from: readonly DocumentPhase[] }>>> = {
  '01': { to: 'arrived', from: ['sent'] },
  '02': { to: 'refused', from: ['sent', 'arrived'] },
  '03': { to: 'accepted', from: ['arrived'] },
  '04': { to: 'assigned', from: ['accepted', 'assigned'] },
  '05': { to: 'processing', from: ['accepted', 'assigned', 'processing'] },
  '06': { to: 'completed', from: ['accepted', 'assigned', 'processing'] },
};

function refuse(current: DocumentState, code: StatusCode, actor: StatusActor, reason: string): DomainError {
  return new DomainError('ERR_STATUS_TRANSITION', `status ${code} not allowed: ${reason}`, {
    details: { phase: current.phase, recall: current.recall, statusCode: code, actor, reason },
  });
}

/** True when the document is finished for good: refused (02) or withdrawn after an agreed recall (15). */
export function isTerminalState(s: DocumentState): boolean {
  return s.phase === 'refused' || s.recall === 'agreed';
}

/**
 * The state after `statusCode` sent by `actorRole`, or `ERR_STATUS_TRANSITION`.
 *
 * Rules: only the party named in the status table may send a code; nothing follows 02 or an agreed
 * recall; 01 once, first; 03 after 01; 04–06 after 03 (04 and 05 may repeat, 06 is final for handling);
 * while a recall is pending the receiver may only report arrival or refusal, or answer it with 15/16;
 * 13 may follow any non-terminal phase (including 06) when no recall is pending; 15/16 only answer a
 * pending 13. A revoke package (BussinessDocType 1) is applied as 13 from the sender.
 *
 * @throws DomainError `ERR_STATUS_TRANSITION` with details (phase, recall, statusCode, actor, reason).
 */
export function nextDocumentState(current: DocumentState, statusCode: StatusCode, actorRole: StatusActor): DocumentState {
  const def = statusDefinition(statusCode);
  if (actorRole !== 'sender' && actorRole !== 'receiver') throw new TypeError('actorRole is sender or receiver');
  if (def.sentBy !== actorRole) throw refuse(current, statusCode, actorRole, `only the ${def.sentBy} sends it`);
  if (isTerminalState(current)) throw refuse(current, statusCode, actorRole, 'the document is closed');

  if (statusCode === '13') {
    if (current.recall === 'requested') throw refuse(current, statusCode, actorRole, 'a recall is already pending');
    return { phase: current.phase, recall: 'requested' };
  }
  if (statusCode === '15' || statusCode === '16') {
    if (current.recall !== 'requested') throw refuse(current, statusCode, actorRole, 'no recall is pending');
    return { phase: current.phase, recall: statusCode === '15' ? 'agreed' : 'refused' };
  }
  const move = RECEIVER_MOVES[statusCode];
  if (!move) throw refuse(current, statusCode, actorRole, 'no move defined');
  if (current.recall === 'requested' && statusCode !== '01' && statusCode !== '02') {
    throw refuse(current, statusCode, actorRole, 'answer the pending recall first (15 or 16)');
  }
  if (!move.from.includes(current.phase)) throw refuse(current, statusCode, actorRole, `not after phase ${current.phase}`);
  return { phase: move.to, recall: current.recall };
}

/**
 * The sender's copy of one recipient's state after a status from that recipient (the mirror of
 * {@link nextDocumentState} on the other side). Same rules, with one difference: progress (03–06) is recorded
 * while the sender's recall is pending. The receiver sent it before the recall reached it (a 03 crossing a 13
 * on the axis); refusing it would leave the sender's view behind the receiver's for good. The recall stays
 * pending, so both sides end in the same state, and the receiver's 15 or 16 settles it.
 *
 * @throws DomainError `ERR_STATUS_TRANSITION` as {@link nextDocumentState}.
 */
export function observeReceiverStatus(current: DocumentState, statusCode: StatusCode): DocumentState {
  const crossed = current.recall === 'requested' && RECEIVER_MOVES[statusCode] !== undefined && statusCode !== '01' && statusCode !== '02';
  if (!crossed) return nextDocumentState(current, statusCode, 'receiver');
  return { phase: nextDocumentState({ phase: current.phase, recall: 'none' }, statusCode, 'receiver').phase, recall: 'requested' };
}

/** Applies a revoke package (`BussinessDocType` 1) as a recall (status 13 from the sender). */
export function applyRevokePackage(current: DocumentState): DocumentState {
  return nextDocumentState(current, '13', 'sender');
}

/** Applies a list of statuses from the initial state (for rebuilding a state from its history). */
export function replayDocumentState(events: readonly { readonly statusCode: StatusCode; readonly actorRole: StatusActor }[]): DocumentState {
  return events.reduce((s, e) => nextDocumentState(s, e.statusCode, e.actorRole), INITIAL_DOCUMENT_STATE);
}
