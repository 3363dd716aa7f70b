import { expect } from 'chai';
import { applyRecall, checkRecall, recallableRecipients } from '../../../../server/domain/document/index.js';
import type { RecipientTrack } from '../../../../server/domain/ports/node/index.js';
import type { DocumentState } from '../../../../server/domain/status/index.js';
import { codeOf, G22, H27, H49, incomingDocument, later, message, outgoingDocument, T0 } from './fixtures.js';

const track = (code: typeof H27, state: DocumentState): RecipientTrack => ({ code, name: code, state, timeline: [] });

describe('server/domain/document recall', () => {
  it('when the receiver would recall, then ERR_STATUS_TRANSITION (only the sender recalls)', () => {
    expect(codeOf(() => checkRecall(incomingDocument()))).to.equal('ERR_STATUS_TRANSITION');
  });

  it('when every recipient refused the document, then a recall is refused with ERR_STATUS_TRANSITION', () => {
    const doc = outgoingDocument({ recipients: [track(H27, { phase: 'refused', recall: 'none' }), track(H49, { phase: 'refused', recall: 'none' })] });
    expect(recallableRecipients(doc)).to.deep.equal([]);
    expect(codeOf(() => checkRecall(doc))).to.equal('ERR_STATUS_TRANSITION');
    expect(codeOf(() => applyRecall(doc, { at: T0, reason: 'nhầm', message: message('status-13-2') }))).to.equal('ERR_STATUS_TRANSITION');
  });

  it('when one recipient refused, then the recall reaches only the others, with a 13 in their timelines and one package queued', () => {
    const doc = outgoingDocument({ recipients: [track(H27, { phase: 'refused', recall: 'none' }), track(H49, { phase: 'accepted', recall: 'none' })] });
    expect(codeOf(() => checkRecall(doc))).to.equal(undefined);
    const c = applyRecall(doc, { at: later(4), reason: 'nhầm', message: message('status-13-2', 'pending', later(4)) });
    expect(c.recipients![0]).to.deep.equal(doc.recipients[0]);
    expect(c.recipients![1]!.state).to.deep.equal({ phase: 'accepted', recall: 'requested' });
    expect(c.recipients![1]!.timeline).to.deep.equal([{ code: '13', from: G22, at: later(4), description: 'nhầm' }]);
    expect(c.outgoing!.map((m) => m.id)).to.deep.equal(['edoc', 'status-13-2']);
    expect(c.dispatchDue).to.deep.equal(later(4));
  });

  it('when a recall is pending everywhere, then a second 13 is refused', () => {
    const doc = outgoingDocument({ recipients: [track(H27, { phase: 'arrived', recall: 'requested' })] }, [H27]);
    expect(codeOf(() => checkRecall(doc))).to.equal('ERR_STATUS_TRANSITION');
  });

  it('when the document still waits for its own package to go, then the recall waits behind it', () => {
    const doc = outgoingDocument({ outgoing: [message('edoc', 'pending', later(100))] });
    const c = applyRecall(doc, { at: T0, reason: 'nhầm', message: message('status-13-2', 'pending', T0) });
    expect(c.dispatchDue).to.deep.equal(later(100));
  });
});
