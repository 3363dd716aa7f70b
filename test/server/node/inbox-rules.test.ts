import { expect } from 'chai';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { nextDocumentState, observeReceiverStatus, INITIAL_DOCUMENT_STATE, type DocumentState } from '../../../server/domain/status/index.js';
import { isDomainError } from '../../../server/domain/errors.js';
import type { AxisDeliveryInfo } from '../../../server/domain/ports/node/index.js';
import { fairShare, isDue, receiveRetryDelayMs } from '../../../server/node/receive/poll-inbox.js';
import { classifyReceiveFailure } from '../../../server/node/receive/classify-failure.js';
import { DomainError } from '../../../server/domain/errors.js';
import { CryptoError } from '../../../crypto/index.js';
import { TEST_START } from '../../support/clock.js';

const policy = { baseDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 5 };
const A = parseAgencyCode('000.00.00.G12');
const B = parseAgencyCode('000.00.00.G22');
const at = (ms: number) => new Date(TEST_START.getTime() + ms);
const delivery = (from: typeof A, n: number, over: Partial<AxisDeliveryInfo> = {}): AxisDeliveryInfo => ({
  docId: `${from}-${n}`,
  type: 'edoc',
  from,
  to: parseAgencyCode('000.00.00.H27'),
  documentId: `${from},2026/11/20,${n}/X`,
  sha256: '',
  size: 10,
  state: 'pending',
  submittedAt: at(n),
  downloads: 0,
  ...over,
});

describe('server/node inbox rules (issue 11 §4)', () => {
  it('when one sender floods the inbox, then the senders take turns and each keeps its own order', () => {
    const flood = Array.from({ length: 5 }, (_, i) => delivery(A, i));
    const order = fairShare([...flood, delivery(B, 10)]).map((d) => d.docId);
    expect(order.slice(0, 2)).to.deep.equal([`${A}-0`, `${B}-10`]);
    expect(order.filter((d) => d.startsWith(A))).to.deep.equal(flood.map((d) => d.docId));
  });

  it('when a delivery failed before, then its next attempt waits: at once after the first, then doubling to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => receiveRetryDelayMs(n, policy))).to.deep.equal([0, 1000, 2000, 4000, 8000, 8000]);
    const tried = delivery(A, 1, { downloads: 3, lastDownloadedAt: at(0) });
    expect(isDue(tried, at(1999), policy)).to.equal(false);
    expect(isDue(tried, at(2000), policy)).to.equal(true);
    expect(isDue(delivery(A, 2), at(0), policy)).to.equal(true);
  });

  it('when a failure cannot change on retry, then it is refused at once; the axis or database away stops the poll; this node’s own want waits; anything else is retried', () => {
    expect(classifyReceiveFailure(new DomainError('ERR_NOT_FOUND', 'x'))).to.equal('refuse');
    expect(classifyReceiveFailure(new DomainError('ERR_STATUS_TRANSITION', 'x'))).to.equal('refuse');
    expect(classifyReceiveFailure(new DomainError('ERR_XML_MALFORMED', 'x'))).to.equal('refuse');
    expect(classifyReceiveFailure(new DomainError('ERR_AXIS_UNAVAILABLE', 'x'))).to.equal('stop');
    expect(classifyReceiveFailure(new DomainError('ERR_DATABASE_UNAVAILABLE', 'x'))).to.equal('stop');
    expect(classifyReceiveFailure(new DomainError('ERR_REVOCATION_UNAVAILABLE', 'x')), 'own stale CRLs: waited out, never parked').to.equal('wait');
    expect(classifyReceiveFailure(new CryptoError('ERR_POOL_BUSY', 'x'))).to.equal('wait');
    expect(classifyReceiveFailure(new Error('disk full'))).to.equal('retry');
  });

  it("when a receiver's 03 crosses the sender's 13, then both sides end accepted with the recall pending, in either order", () => {
    const arrived = nextDocumentState(INITIAL_DOCUMENT_STATE, '01', 'receiver');
    // receiver: 03 first, then the 13 arrives
    const receiver = nextDocumentState(nextDocumentState(arrived, '03', 'receiver'), '13', 'sender');
    // sender: 13 first (its own recall), then the 03 arrives
    const sender = observeReceiverStatus(nextDocumentState(arrived, '13', 'sender'), '03');
    const expected: DocumentState = { phase: 'accepted', recall: 'requested' };
    expect(receiver).to.deep.equal(expected);
    expect(sender).to.deep.equal(expected);
    // the receiver's answer settles both the same way
    expect(observeReceiverStatus(sender, '16')).to.deep.equal(nextDocumentState(receiver, '16', 'receiver'));
    // the receiver itself may not move on while the recall waits (only the sender's mirror records the crossing)
    try {
      nextDocumentState(receiver, '04', 'receiver');
      expect.fail('04 while a recall waits');
    } catch (e) {
      expect(isDomainError(e, 'ERR_STATUS_TRANSITION')).to.equal(true);
    }
  });

  it("when a receiver's 02 crosses the sender's 13, then both sides are closed (refused), and the late 13 is refused", () => {
    const arrived = nextDocumentState(INITIAL_DOCUMENT_STATE, '01', 'receiver');
    const receiver = nextDocumentState(arrived, '02', 'receiver');
    const sender = observeReceiverStatus(nextDocumentState(arrived, '13', 'sender'), '02');
    expect(receiver.phase).to.equal('refused');
    expect(sender.phase).to.equal('refused');
    try {
      nextDocumentState(receiver, '13', 'sender');
      expect.fail('13 after 02');
    } catch (e) {
      expect(isDomainError(e, 'ERR_STATUS_TRANSITION')).to.equal(true);
    }
  });
});
