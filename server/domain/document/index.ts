export { appendMessage } from './append-message.js';
export { CLERK_STATUS_CODES, applyClerkStatus, applyInboundStatus, checkClerkStatus, requireClerkStatus, type InboundStatus } from './apply-status.js';
export { backoffDelayMs, dispatchDueOf, dispatchPriorityOf, dueMessageOf, failedAttemptOf, markFailed, markSent, releaseLease, releasingIfDone, retryFailed, withMessages, type FailedAttempt, type MessageChanges } from './dispatch.js';
export { metadataOfPackage } from './metadata-of-package.js';
export { REFUSED_REVOKE_STATE, arrivalAnswerOf, isRefusedRevoke, newIncomingDocument, newRefusedRevokeRecord, refusedRevokeDescription, type NewIncomingInput, type RefusedRevokeInput } from './new-incoming.js';
export { newOutgoingDocument, type NewOutgoingInput, type OutgoingSeal } from './new-outgoing.js';
export { recordSeal } from './record-seal.js';
export { agreedRecall, applyRecall, checkRecall, recallableRecipients } from './recall.js';
export { markSuperseded } from './supersede.js';
