import { expect } from 'chai';
import {
  arrivalAnswerOf,
  isRefusedRevoke,
  markSuperseded,
  metadataOfPackage,
  newIncomingDocument,
  newOutgoingDocument,
  newRefusedRevokeRecord,
  recordSeal,
  type NewIncomingInput,
  type NewOutgoingInput,
} from '../../../../server/domain/document/index.js';
import { DISPATCH_PRIORITY } from '../../../../server/domain/ports/node/index.js';
import { INITIAL_DOCUMENT_STATE } from '../../../../server/domain/status/index.js';
import { ACCEPTED, G22, H27, H49, later, message, METADATA, outgoingDocument, T0 } from './fixtures.js';

const FILE = { blobId: 'file-1', name: 'a.pdf', size: 3, sha256: 'abc' };
const REFUSED = { ...ACCEPTED, verdict: 'refused' as const, reasonCode: 'PDF_SIGNATURE_FAILED', reason: 'bad' };

const outgoingInput = (over: Partial<NewOutgoingInput> = {}): NewOutgoingInput => ({
  id: 'out-1',
  agencyCode: G22,
  agencyName: 'VPCP',
  documentId: '000.00.00.G22,2026/11/20,12/VPCP',
  to: [H27, H49],
  names: new Map([[H27, 'UBND Hà Tĩnh']]),
  metadata: METADATA,
  file: FILE,
  seal: { state: 'sealed', packageBlobId: 'p', signatureBlobId: 's' },
  verification: ACCEPTED,
  createdBy: 'u1',
  at: T0,
  ...over,
});

const incomingInput = (over: Partial<NewIncomingInput> = {}): NewIncomingInput => ({
  id: 'in-1',
  agencyCode: H27,
  agencyName: 'UBND Hà Tĩnh',
  axisDocId: 'axis-1',
  documentId: '000.00.00.G22,2026/11/20,12/VPCP',
  from: G22,
  fromName: 'VPCP',
  to: [H27],
  metadata: METADATA,
  file: FILE,
  attachments: [],
  packageBlobId: 'p',
  signatureBlobId: 's',
  verification: ACCEPTED,
  answer: arrivalAnswerOf(ACCEPTED),
  message: message('status-01-1', 'pending', T0),
  at: T0,
  ...over,
});

describe('server/domain/document new documents', () => {
  it('when a sealed document is sent, then it is queued due now, tracked per recipient, and owes the counters', () => {
    const d = newOutgoingDocument(outgoingInput());
    expect(d).to.include({ box: 'outbox', dedupKey: 'out:000.00.00.G22,2026/11/20,12/VPCP', from: G22, fromName: 'VPCP', packageBlobId: 'p', signatureBlobId: 's', countPending: true, recalled: false, version: 1, createdBy: 'u1' });
    expect(d.outgoing).to.deep.equal([{ id: 'edoc', kind: 'edoc', packageBlobId: 'p', signatureBlobId: 's', state: 'pending', attempts: 0, nextAttemptAt: T0, createdAt: T0 }]);
    expect(d.dispatchDue).to.deep.equal(T0);
    expect(d.dispatchPriority).to.equal(DISPATCH_PRIORITY.send);
    expect(d.recipients).to.deep.equal([
      { code: H27, name: 'UBND Hà Tĩnh', state: INITIAL_DOCUMENT_STATE, timeline: [] },
      { code: H49, name: H49, state: INITIAL_DOCUMENT_STATE, timeline: [] },
    ]);
    expect(d).to.not.have.property('sealing');
  });

  it('when the seal waits for the TSA, then the document has no package yet, is marked sealing and is due after the backoff', () => {
    const d = newOutgoingDocument(outgoingInput({ seal: { state: 'awaiting-timestamp', personSignature: 'present', lastError: 'ERR_TSA_UNAVAILABLE: down', nextAttemptAt: later(500) } }));
    expect(d).to.not.have.any.keys('packageBlobId', 'signatureBlobId');
    expect(d.sealing).to.deep.equal({ state: 'awaiting-timestamp', since: T0, personSignature: 'present' });
    expect(d.outgoing).to.deep.equal([{ id: 'edoc', kind: 'edoc', state: 'pending', attempts: 1, lastError: 'ERR_TSA_UNAVAILABLE: down', nextAttemptAt: later(500), createdAt: T0 }]);
    expect(d.dispatchDue).to.deep.equal(later(500));
  });

  it('when a verified package is stored, then the receiver has arrived (01), its answer queued as an answer', () => {
    const d = newIncomingDocument(incomingInput());
    expect(d).to.include({ box: 'inbox', dedupKey: 'in:axis-1', axisDocId: 'axis-1', countPending: true, dispatchPriority: DISPATCH_PRIORITY.answer });
    expect(d.recipients).to.deep.equal([{ code: H27, name: 'UBND Hà Tĩnh', state: { phase: 'arrived', recall: 'none' }, timeline: [{ code: '01', from: H27, at: T0, description: 'Đã đến (arrived); signatures verified' }] }]);
    expect(d.dispatchDue).to.deep.equal(T0);
    expect(d).to.not.have.property('attachments');
  });

  it('when a package is refused, then 02 with the reason, queued last; without a DocumentId to answer, nothing is queued', () => {
    const answer = arrivalAnswerOf(REFUSED);
    expect(answer).to.deep.equal({ code: '02', description: 'Từ chối tiếp nhận: PDF_SIGNATURE_FAILED: bad' });
    expect(arrivalAnswerOf({ ...REFUSED, reason: 'x'.repeat(2000) }).description).to.have.length(1000);
    const d = newIncomingDocument(incomingInput({ verification: REFUSED, answer, message: message('status-02-1') }));
    expect(d.recipients[0]!.state).to.deep.equal({ phase: 'refused', recall: 'none' });
    expect(d.dispatchPriority).to.equal(DISPATCH_PRIORITY.refusal);
    const { message: _, ...noMessage } = incomingInput({ verification: REFUSED, answer });
    const silent = newIncomingDocument(noMessage);
    expect(silent.outgoing).to.deep.equal([]);
    expect(silent.dispatchDue).to.equal(null);
  });

  it('when a revoke cannot be applied, then a closed record answers 16, owes no counters and is recognised as such', () => {
    const refusal = { reasonCode: 'RECALL_TARGET_UNKNOWN', reason: 'no such document' };
    const { file: _f, attachments: _a, answer: _b, ...received } = incomingInput({ metadata: { ...METADATA, bussinessDocType: 1 }, message: message('status-16-1') });
    const d = newRefusedRevokeRecord({ ...received, refusal });
    expect(d.file).to.deep.equal({ blobId: null, name: '', size: 0, sha256: '' });
    expect(d.verification).to.include({ verdict: 'refused', reasonCode: 'RECALL_TARGET_UNKNOWN', reason: 'no such document' });
    expect(d.recipients[0]!.state).to.deep.equal({ phase: 'refused', recall: 'refused' });
    expect(d.recipients[0]!.timeline).to.deep.equal([{ code: '16', from: H27, at: T0, description: 'Từ chối thu hồi: RECALL_TARGET_UNKNOWN: no such document' }]);
    expect(d).to.include({ countPending: false, dispatchPriority: DISPATCH_PRIORITY.refusal });
    expect(isRefusedRevoke(d)).to.equal(true);
    expect(isRefusedRevoke(newIncomingDocument(incomingInput({ verification: REFUSED, answer: arrivalAnswerOf(REFUSED) })))).to.equal(false);
  });

  it('when a package could not be read, then the metadata comes from its composite DocumentId', () => {
    const m = metadataOfPackage(undefined, '000.00.00.G22,2026/11/02,7/VPCP-KSTT');
    expect(m).to.include({ codeNumber: '7', codeNotation: 'VPCP-KSTT', promulgationDate: '2026-11-02', subject: '', bussinessDocType: 0 });
    expect(metadataOfPackage(undefined, 'not-composite')).to.include({ codeNumber: '', promulgationDate: '' });
  });

  it('when a document is superseded, then it is marked once; a second mark writes nothing', () => {
    const by = { documentId: 'x', kind: 'update' as const, at: T0 };
    expect(markSuperseded({}, by)).to.deep.equal({ supersededBy: by });
    expect(markSuperseded({ supersededBy: { documentId: 'y', kind: 'replace', at: T0 } }, by)).to.equal(null);
  });

  it('when a waiting seal is recorded, then the file, package and edoc message change and nothing else becomes due', () => {
    const doc = outgoingDocument({ sealing: { state: 'awaiting-timestamp', since: T0, personSignature: 'present' }, outgoing: [message('edoc', 'pending', T0, { attempts: 1 })] });
    const seal = { messageId: 'edoc', file: FILE, packageBlobId: 'p2', signatureBlobId: 's2', verification: ACCEPTED };
    const c = recordSeal(doc, seal)!;
    expect(c).to.include({ packageBlobId: 'p2', signatureBlobId: 's2', sealing: null });
    expect(c.outgoing![0]).to.include({ packageBlobId: 'p2', signatureBlobId: 's2', attempts: 1 });
    expect(c).to.not.have.property('dispatchDue');
    expect(recordSeal({ ...doc, sealing: null }, seal)).to.equal(null);
  });
});
