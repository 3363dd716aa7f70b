import { expect } from 'chai';
import { applyClerkStatus, applyInboundStatus, checkClerkStatus, requireClerkStatus } from '../../../../server/domain/document/index.js';
import type { StoredAttachment } from '../../../../server/domain/ports/node/index.js';
import { codeOf, H27, H49, incomingDocument, later, message, outgoingDocument, T0 } from './fixtures.js';

const attachment = (blobId: string | null): StoredAttachment => ({ blobId, name: 'b.docx', size: 1, sha256: 'y', contentType: 'application/octet-stream', role: 'attachment' });

describe('server/domain/document statuses', () => {
  it('when a clerk sends a code that is not the receiver clerk’s (01, 13), then ERR_STATUS_TRANSITION', () => {
    expect(codeOf(() => requireClerkStatus('01'))).to.equal('ERR_STATUS_TRANSITION');
    expect(codeOf(() => requireClerkStatus('13'))).to.equal('ERR_STATUS_TRANSITION');
    for (const c of ['02', '03', '04', '05', '06', '15', '16'] as const) expect(codeOf(() => requireClerkStatus(c))).to.equal(undefined);
  });

  it('when a clerk status is checked, then an outgoing document, a missing track and a refused document are refused before signing', () => {
    expect(codeOf(() => checkClerkStatus(outgoingDocument(), '03'))).to.equal('ERR_STATUS_TRANSITION');
    expect(codeOf(() => checkClerkStatus(incomingDocument({ recipients: [] }), '03'))).to.equal('ERR_CONFLICT');
    const refused = incomingDocument({ recipients: [{ code: H27, name: 'H27', state: { phase: 'refused', recall: 'none' }, timeline: [] }] });
    expect(codeOf(() => checkClerkStatus(refused, '03'))).to.equal('ERR_STATUS_TRANSITION');
    expect(checkClerkStatus(incomingDocument(), '03').code).to.equal(H27);
  });

  it('when a clerk accepts (03), then the own track moves, the status joins the timeline and its package the queue, due at once', () => {
    const doc = incomingDocument();
    const { changes, removeBlobs } = applyClerkStatus(doc, { code: '03', at: later(5), description: 'vào sổ', message: message('status-03-2', 'pending', later(5)) });
    expect(changes.recipients![0]!.state).to.deep.equal({ phase: 'accepted', recall: 'none' });
    expect(changes.recipients![0]!.timeline.at(-1)).to.deep.equal({ code: '03', from: H27, at: later(5), description: 'vào sổ' });
    expect(changes.outgoing!.map((m) => m.id)).to.deep.equal(['status-01-1', 'status-03-2']);
    expect(changes.dispatchDue).to.deep.equal(later(5));
    expect(changes).to.not.have.any.keys('recalled', 'file', 'attachments');
    expect(removeBlobs).to.deep.equal([]);
  });

  it('when a 03 comes on a refused document, then ERR_STATUS_TRANSITION', () => {
    const refused = incomingDocument({ recipients: [{ code: H27, name: 'H27', state: { phase: 'refused', recall: 'none' }, timeline: [] }] });
    expect(codeOf(() => applyClerkStatus(refused, { code: '03', at: T0, message: message('status-03-2') }))).to.equal('ERR_STATUS_TRANSITION');
  });

  it('when a message id is taken already (a repeated 04), then the new one gets -2, then -3', () => {
    const doc = incomingDocument({ recipients: [{ code: H27, name: 'H27', state: { phase: 'assigned', recall: 'none' }, timeline: [] }], outgoing: [message('status-04', 'sent')] });
    const once = applyClerkStatus(doc, { code: '04', at: T0, message: message('status-04') }).changes;
    expect(once.outgoing!.map((m) => m.id)).to.deep.equal(['status-04', 'status-04-2']);
    const twice = applyClerkStatus({ ...doc, outgoing: once.outgoing! }, { code: '04', at: T0, message: message('status-04') }).changes;
    expect(twice.outgoing!.map((m) => m.id)).to.deep.equal(['status-04', 'status-04-2', 'status-04-3']);
  });

  it('when the receiver agrees to a recall (15), then the document is recalled and its file and attachment blobs are cleared', () => {
    const doc = incomingDocument({
      recipients: [{ code: H27, name: 'H27', state: { phase: 'accepted', recall: 'requested' }, timeline: [] }],
      attachments: [attachment('att-1'), attachment(null), attachment('att-2')],
    });
    const { changes, removeBlobs } = applyClerkStatus(doc, { code: '15', at: T0, message: message('status-15-2') });
    expect(changes.recalled).to.equal(true);
    expect(changes.file).to.deep.equal({ ...doc.file, blobId: null });
    expect(changes.attachments!.map((a) => a.blobId)).to.deep.equal([null, null, null]);
    expect(removeBlobs).to.deep.equal(['file-1', 'att-1', 'att-2']);
    expect(changes.recipients![0]!.state).to.deep.equal({ phase: 'accepted', recall: 'agreed' });
    const closed = { ...doc, ...changes } as typeof doc;
    expect(codeOf(() => applyClerkStatus(closed, { code: '15', at: T0, message: message('status-15-3') }))).to.equal('ERR_STATUS_TRANSITION');
  });

  it('when the receiver refuses a recall (16), then the file stays and handling goes on', () => {
    const doc = incomingDocument({ recipients: [{ code: H27, name: 'H27', state: { phase: 'accepted', recall: 'requested' }, timeline: [] }] });
    const { changes, removeBlobs } = applyClerkStatus(doc, { code: '16', at: T0, message: message('status-16-2') });
    expect(changes).to.not.have.any.keys('recalled', 'file');
    expect(removeBlobs).to.deep.equal([]);
    expect(applyClerkStatus({ ...doc, ...changes } as typeof doc, { code: '04', at: T0, message: message('status-04-3') }).changes.recipients![0]!.state.phase).to.equal('assigned');
  });

  it('when a status arrives from a recipient, then only its track moves, the delivery is recorded and a redelivery changes nothing', () => {
    const doc = outgoingDocument();
    const c = applyInboundStatus(doc, { code: '01', from: H49, at: later(9), axisDocId: 'st-1', description: 'đến' })!;
    expect(c.recipients![1]!.state.phase).to.equal('arrived');
    expect(c.recipients![1]!.timeline).to.deep.equal([{ code: '01', from: H49, at: later(9), axisDocId: 'st-1', description: 'đến' }]);
    expect(c.recipients![0]).to.deep.equal(doc.recipients[0]);
    expect(c.appliedDeliveries).to.deep.equal(['st-1']);
    expect(c).to.not.have.property('recalled');
    expect(applyInboundStatus({ ...doc, ...c } as typeof doc, { code: '01', from: H49, at: later(9), axisDocId: 'st-1' })).to.equal(null);
  });

  it('when a status comes from an agency that is not a recipient, or breaks the rules, then ERR_FORBIDDEN / ERR_STATUS_TRANSITION', () => {
    expect(codeOf(() => applyInboundStatus(outgoingDocument({}, [H27]), { code: '01', from: H49, at: T0, axisDocId: 'st-1' }))).to.equal('ERR_FORBIDDEN');
    expect(codeOf(() => applyInboundStatus(outgoingDocument(), { code: '03', from: H27, at: T0, axisDocId: 'st-1' }))).to.equal('ERR_STATUS_TRANSITION');
  });

  it('when a 13 reaches the receiver, then its own track has a pending recall; a second 13 is refused', () => {
    const c = applyInboundStatus(incomingDocument(), { code: '13', from: incomingDocument().from, at: T0, axisDocId: 'st-13', description: 'nhầm' })!;
    expect(c.recipients![0]!.state).to.deep.equal({ phase: 'arrived', recall: 'requested' });
    const again = { ...incomingDocument(), ...c } as ReturnType<typeof incomingDocument>;
    expect(codeOf(() => applyInboundStatus(again, { code: '13', from: again.from, at: T0, axisDocId: 'st-14' }))).to.equal('ERR_STATUS_TRANSITION');
  });

  it('when every recipient agreed to the recall or refused the document, one agreeing, then the outgoing document is recalled', () => {
    const requested = { phase: 'arrived', recall: 'requested' } as const;
    const doc = outgoingDocument({
      recipients: [
        { code: H27, name: 'H27', state: requested, timeline: [] },
        { code: H49, name: 'H49', state: { phase: 'refused', recall: 'none' }, timeline: [] },
      ],
    });
    expect(applyInboundStatus(doc, { code: '15', from: H27, at: T0, axisDocId: 'st-15' })).to.have.property('recalled', true);
    const both = outgoingDocument({
      recipients: [
        { code: H27, name: 'H27', state: requested, timeline: [] },
        { code: H49, name: 'H49', state: requested, timeline: [] },
      ],
    });
    expect(applyInboundStatus(both, { code: '15', from: H27, at: T0, axisDocId: 'st-15' })).to.not.have.property('recalled');
    expect(applyInboundStatus(both, { code: '16', from: H27, at: T0, axisDocId: 'st-16' })).to.not.have.property('recalled');
  });

  it('when a 03 crosses the sender’s 13 on the axis, then the sender records it and the recall stays pending', () => {
    const doc = outgoingDocument({ recipients: [{ code: H27, name: 'H27', state: { phase: 'arrived', recall: 'requested' }, timeline: [] }] }, [H27]);
    expect(applyInboundStatus(doc, { code: '03', from: H27, at: T0, axisDocId: 'st-3' })!.recipients![0]!.state).to.deep.equal({ phase: 'accepted', recall: 'requested' });
  });
});
