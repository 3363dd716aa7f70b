export type { StatusActor, StatusCode, StatusDefinition } from './codes.js';
export { RESERVED_STATUS_CODES, STATUS_TABLE, isStatusCode, maySendStatus, parseStatusCode, statusDefinition } from './codes.js';
export type { DocumentPhase, DocumentState, RecallState } from './transitions.js';
export { INITIAL_DOCUMENT_STATE, applyRevokePackage, isTerminalState, nextDocumentState, observeReceiverStatus, replayDocumentState } from './transitions.js';
