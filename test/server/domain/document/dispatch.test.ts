import { expect } from 'chai';
import { backoffDelayMs, dispatchDueOf, dispatchPriorityOf, dueMessageOf, failedAttemptOf, markFailed, markSent, releaseLease, releasingIfDone, retryFailed } from '../../../../server/domain/document/index.js';
import { DISPATCH_PRIORITY } from '../../../../server/domain/ports/node/index.js';
import { ACCEPTED, codeOf, incomingDocument, later, message, outgoingDocument, T0 } from './fixtures.js';

const POLICY = { baseDelayMs: 1000, maxDelayMs: 60_000 };
const failure = (over: Partial<Parameters<typeof failedAttemptOf>[1]> = {}) => ({ transient: true, lastError: 'ERR_AXIS_UNAVAILABLE: down', at: T0, maxAttempts: 5, policy: POLICY, random: 0, ...over });

describe('server/domain/document dispatch', () => {
  it('when attempts grow, then the delay doubles within [step/2, step] and stops at the maximum', () => {
    expect(backoffDelayMs(1, POLICY, 0)).to.equal(500);
    expect(backoffDelayMs(1, POLICY, 0.999999)).to.equal(1000);
    expect(backoffDelayMs(4, POLICY, 0)).to.equal(4000);
    expect(backoffDelayMs(30, POLICY, 1)).to.equal(60_000);
    expect(backoffDelayMs(30, POLICY, 0)).to.equal(30_000);
  });

  it('when an earlier message failed, then nothing after it is due (a status never overtakes its document)', () => {
    expect(dispatchDueOf([message('edoc', 'sent'), message('status-03-2', 'pending', later(5))])).to.deep.equal(later(5));
    expect(dispatchDueOf([message('edoc', 'failed'), message('status-03-2')])).to.equal(null);
    expect(dispatchDueOf([message('edoc', 'sent')])).to.equal(null);
    expect(dispatchDueOf([])).to.equal(null);
  });

  it('when the dispatcher orders traffic, then own sends come first, answers next, refusals last', () => {
    expect(dispatchPriorityOf(outgoingDocument())).to.equal(DISPATCH_PRIORITY.send);
    expect(dispatchPriorityOf(incomingDocument())).to.equal(DISPATCH_PRIORITY.answer);
    expect(dispatchPriorityOf(incomingDocument({ verification: { ...ACCEPTED, verdict: 'refused', reasonCode: 'PDF_SIGNATURE_FAILED' } }))).to.equal(DISPATCH_PRIORITY.refusal);
  });

  it('when the first unsent message is due, then it is the one to send; not yet due or failed, then none', () => {
    const doc = outgoingDocument({ outgoing: [message('edoc', 'sent'), message('status-13-2', 'pending', later(1000)), message('status-13-3')] });
    expect(dueMessageOf(doc, T0)).to.equal(null);
    expect(dueMessageOf(doc, later(1000))?.id).to.equal('status-13-2');
    expect(dueMessageOf(outgoingDocument({ outgoing: [message('edoc', 'failed'), message('status-13-2')] }), later(1000))).to.equal(null);
    expect(dueMessageOf(outgoingDocument(), later(1000))).to.equal(null);
  });

  it('when a message is sent, then it records the axis docId and one more attempt, and the next message becomes due', () => {
    const doc = outgoingDocument({ outgoing: [message('edoc', 'pending', T0, { attempts: 2 }), message('status-13-2', 'pending', later(7))] });
    const c = markSent(doc, 'edoc', { axisDocId: 'axis-9', at: later(3) });
    expect(c.outgoing[0]).to.include({ state: 'sent', axisDocId: 'axis-9', attempts: 3 });
    expect(c.outgoing[0]!.sentAt).to.deep.equal(later(3));
    expect(c.outgoing[1]).to.deep.equal(doc.outgoing[1]);
    expect(c.dispatchDue).to.deep.equal(later(7));
    expect(markSent(outgoingDocument({ outgoing: [message('edoc')] }), 'edoc', { axisDocId: 'a', at: T0 }).dispatchDue).to.equal(null);
  });

  it('when a transient failure leaves attempts, then the message is due again after the backoff', () => {
    const doc = outgoingDocument({ outgoing: [message('edoc', 'pending', T0, { attempts: 1 })] });
    const f = failedAttemptOf(doc.outgoing[0]!, failure({ random: 0 }));
    expect(f).to.deep.include({ attempts: 2, give: false, lastError: 'ERR_AXIS_UNAVAILABLE: down' });
    expect(f.nextAttemptAt).to.deep.equal(later(1000));
    const c = markFailed(doc, 'edoc', f);
    expect(c.outgoing[0]).to.include({ state: 'pending', attempts: 2, lastError: 'ERR_AXIS_UNAVAILABLE: down' });
    expect(c.dispatchDue).to.deep.equal(later(1000));
  });

  it('when the axis refuses, or the last attempt fails, then the message is failed and dispatch stops for the document', () => {
    const doc = outgoingDocument({ outgoing: [message('edoc', 'pending', T0, { attempts: 4 }), message('status-13-2')] });
    const refused = failedAttemptOf({ attempts: 0 }, failure({ transient: false, lastError: 'ERR_AXIS_REJECTED: no' }));
    expect(refused).to.include({ attempts: 1, give: true });
    const last = failedAttemptOf(doc.outgoing[0]!, failure());
    expect(last).to.include({ attempts: 5, give: true });
    const c = markFailed(doc, 'edoc', last);
    expect(c.outgoing[0]).to.include({ state: 'failed', attempts: 5 });
    expect(c.outgoing[0]!.nextAttemptAt).to.deep.equal(T0);
    expect(c.dispatchDue).to.equal(null);
  });

  it('when failed messages are retried, then they are pending from the start again; with none failed, ERR_CONFLICT', () => {
    const doc = outgoingDocument({ outgoing: [message('edoc', 'sent'), message('status-13-2', 'failed', T0, { attempts: 5, lastError: 'x' })] });
    const c = retryFailed(doc, later(60));
    expect(c.outgoing[1]).to.include({ state: 'pending', attempts: 0 });
    expect(c.outgoing[1]!.nextAttemptAt).to.deep.equal(later(60));
    expect(c.dispatchDue).to.deep.equal(later(60));
    expect(codeOf(() => retryFailed(outgoingDocument(), T0))).to.equal('ERR_CONFLICT');
  });

  it('when nothing more is due, then the write gives back its own lease (never another worker’s)', () => {
    const lease = { owner: 'w1', until: later(60_000) };
    const done = markSent(outgoingDocument({ outgoing: [message('edoc')] }), 'edoc', { axisDocId: 'a', at: T0 });
    expect(releasingIfDone({ dispatchLease: lease }, done, 'w1', T0)).to.have.property('dispatchLease', null);
    expect(releasingIfDone({ dispatchLease: lease }, done, 'w2', T0)).to.not.have.property('dispatchLease');
    const more = markSent(outgoingDocument({ outgoing: [message('edoc'), message('status-13-2')] }), 'edoc', { axisDocId: 'a', at: T0 });
    expect(releasingIfDone({ dispatchLease: lease }, more, 'w1', T0)).to.not.have.property('dispatchLease');
    expect(releaseLease({ dispatchLease: lease }, 'w1')).to.deep.equal({ dispatchLease: null });
    expect(releaseLease({ dispatchLease: lease }, 'w2')).to.equal(null);
    expect(releaseLease({ dispatchLease: null }, 'w1')).to.equal(null);
  });
});
