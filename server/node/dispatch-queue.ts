import { hasSignatureTimestamp, timestampSignature } from '../../crypto/index.js';
import { dueMessageOf, failedAttemptOf, markFailed, markSent, releaseLease, releasingIfDone, retryFailed } from '../domain/document/index.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import type { NodeDocument, OutgoingMessage } from '../domain/ports/node/index.js';
import type { NodeDeps } from './deps.js';
import { completeSeal } from './complete-seal.js';
import { mutateDocument } from './mutate.js';
import { settleAll } from './settle-all.js';

/** Failures worth another attempt later: the axis or our own storage or keys are temporarily unavailable. */
function isTransient(e: unknown): boolean {
  return isDomainError(e) ? ['ERR_AXIS_UNAVAILABLE', 'ERR_TSA_UNAVAILABLE', 'ERR_DATABASE_UNAVAILABLE', 'ERR_STORAGE_UNAVAILABLE', 'ERR_KEY_UNAVAILABLE', 'ERR_UNAUTHENTICATED'].includes(e.code) : true;
}

async function packageOf(deps: NodeDeps, m: OutgoingMessage): Promise<{ packageBytes: Uint8Array; signature: Uint8Array }> {
  if (m.packageBytes && m.signatureBytes) return { packageBytes: m.packageBytes, signature: m.signatureBytes };
  if (!m.packageBlobId || !m.signatureBlobId) throw new DomainError('ERR_CONFLICT', `message ${m.id} has no package`);
  const [packageBytes, signature] = await Promise.all([deps.blobs.get(m.packageBlobId), deps.blobs.get(m.signatureBlobId)]);
  return { packageBytes, signature: await stamped(deps, signature) };
}

/**
 * With a TSA configured, the package signature leaves with a signature-time-stamp (CAdES B-T): obtained here,
 * at each attempt, so a TSA that is down keeps the message in the outbox (ERR_TSA_UNAVAILABLE is transient)
 * and it is never sent without one.
 */
async function stamped(deps: NodeDeps, signature: Uint8Array): Promise<Uint8Array> {
  if (!deps.timestamper || hasSignatureTimestamp(signature)) return signature;
  return timestampSignature(signature, deps.timestamper);
}

/**
 * Sends the due messages of one leased document, in order (a status never overtakes the document it is
 * about). Success records the axis docId; a transient failure schedules the next attempt with backoff and
 * jitter; a refusal by the axis, or the last allowed attempt, leaves the message `failed` (visible, a clerk
 * may retry). The write that records the last outcome also gives the lease back. The axis recognises a
 * resent package, so a lease that expired mid-send duplicates nothing. Returns the messages sent and whether
 * the lease is still held, with the document as last written.
 */
async function sendDueMessages(deps: NodeDeps, leased: NodeDocument): Promise<{ sent: number; holding: boolean; doc: NodeDocument }> {
  let doc = leased;
  let sent = 0;
  const holding = () => doc.dispatchLease?.owner === deps.workerId;
  for (;;) {
    const m = dueMessageOf(doc, deps.now());
    if (!m) return { sent, holding: holding(), doc };
    try {
      let message = m;
      if (m.kind === 'edoc' && !m.packageBlobId && doc.sealing) ({ doc, message } = await completeSeal(deps, doc, m.id));
      const { packageBytes, signature } = await packageOf(deps, message);
      const r = await deps.axis.send(doc.agencyCode, { type: m.kind, packageBytes, signature });
      const at = deps.now();
      doc = await mutateDocument(deps, doc.id, (d) => releasingIfDone(d, markSent(d, m.id, { axisDocId: r.docId, at }), deps.workerId, deps.now()), undefined, doc);
      sent++;
      deps.logger.info({ document: doc.id, message: m.id, axisDocId: r.docId, duplicate: r.duplicate }, 'sent to the axis');
    } catch (e) {
      const failure = failedAttemptOf(m, {
        transient: isTransient(e),
        lastError: isDomainError(e) ? `${e.code}: ${e.message}` : 'unexpected error',
        at: deps.now(),
        maxAttempts: deps.dispatch.maxAttempts,
        policy: deps.dispatch,
        random: deps.random(),
      });
      const { attempts, give } = failure;
      doc = await mutateDocument(deps, doc.id, (d) => releasingIfDone(d, markFailed(d, m.id, failure), deps.workerId, deps.now()), undefined, doc);
      (give ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger))({ document: doc.id, message: m.id, attempts, code: isDomainError(e) ? e.code : undefined }, give ? 'message failed' : 'send failed, will retry');
      if (!isDomainError(e)) deps.logger.error({ err: e }, 'unexpected send error');
      return { sent, holding: holding(), doc };
    }
  }
}

/** Documents a node sends at once: the axis call is mostly waiting (HTTP, the axis's own verification, storage). */
export const DISPATCH_LANES = 4;

/**
 * One pass of the dispatcher over the dispatch queue (the transactional outbox: messages owed to the axis, not the sent folder): `lanes` loops each lease a due document (a lease with expiry, so several
 * node processes share the work and a crashed one's documents are taken over), send its due messages and
 * release it, until none is due or `max` documents were taken. Each claim takes the most urgent due document
 * (`dispatchPriority`: an agency's own documents, then answers to documents received, then automatic
 * refusals), so a flood of refused packages never delays a document or a clerk's status by more than the one
 * send a lane is busy with. Messages of one document keep their order; different documents go out side by
 * side. Returns the number of messages sent.
 */
export async function dispatchQueueOnce(deps: NodeDeps, max = 100, lanes = DISPATCH_LANES): Promise<number> {
  let sent = 0;
  let taken = 0;
  const claim = () => {
    taken++;
    return deps.documents.claimDue(deps.now(), deps.workerId, deps.dispatch.leaseMs);
  };
  const lane = async (first?: NodeDocument): Promise<void> => {
    for (let doc = first ?? (taken < max ? await claim() : null); doc; doc = taken < max ? await claim() : null) {
      let holding = true;
      let last = doc;
      try {
        const r = await sendDueMessages(deps, doc);
        sent += r.sent;
        holding = r.holding;
        last = r.doc;
      } finally {
        if (holding) {
          const id = doc.id;
          await mutateDocument(deps, id, (d) => releaseLease(d, deps.workerId), undefined, last).catch((e) => deps.logger.warn({ err: e, document: id }, 'could not release the dispatch lease (it expires by itself)'));
        }
      }
    }
  };
  if (max < 1) return 0;
  // One lane looks first: an idle pass is one query, and the other lanes start only when something was due.
  const first = await claim();
  if (!first) return 0;
  await settleAll([lane(first), ...Array.from({ length: Math.max(1, lanes) - 1 }, () => lane())]);
  return sent;
}

/** A clerk puts the failed messages of a document back in the queue (attempts start again). */
export async function retryFailedMessages(deps: NodeDeps, doc: NodeDocument): Promise<NodeDocument> {
  const now = deps.now();
  return mutateDocument(deps, doc.id, (d) => retryFailed(d, now));
}
