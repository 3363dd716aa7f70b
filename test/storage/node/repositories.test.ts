import { expect } from 'chai';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { DISPATCH_PRIORITY, type NodeDocument } from '../../../server/domain/ports/node/index.js';
import { INITIAL_DOCUMENT_STATE } from '../../../server/domain/status/index.js';
import { createCounterRepository, createDocumentRepository, createHostedAgencyRepository, createIdempotencyRepository, createSealedItemRepository, createUserRepository, ensureNodeIndexes, NODE_COLLECTIONS } from '../../../storage/node/index.js';
import { useDatabase } from '../../support/database.js';
import { sampleMetadata, sampleNodeDocument } from '../../support/node-document.js';

const G22 = parseAgencyCode('000.00.00.G22');
const H27 = parseAgencyCode('000.00.00.H27');
const T0 = new Date('2026-03-01T00:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function sampleDocument(id: string, over: Partial<NodeDocument> = {}): NodeDocument {
  return sampleNodeDocument(T0, {
    id,
    agencyCode: G22,
    box: 'outbox',
    dedupKey: `out:${id}`,
    documentId: `000.00.00.G22,2026/03/01,${id}/VPCP`,
    from: G22,
    fromName: 'VPCP',
    to: [H27],
    metadata: sampleMetadata(),
    file: { blobId: 'b1', name: 'a.pdf', size: 1, sha256: 'x' },
    packageBlobId: 'p1',
    signatureBlobId: 's1',
    recipients: [{ code: H27, name: 'H27', state: INITIAL_DOCUMENT_STATE, timeline: [] }],
    outgoing: [{ id: 'status-01-1', kind: 'status', statusCode: '01', packageBytes: new Uint8Array([1, 2, 3]), signatureBytes: new Uint8Array([4, 5]), state: 'pending', attempts: 0, nextAttemptAt: T0, createdAt: T0 }],
    dispatchDue: T0,
    countPending: true,
    ...over,
  });
}

describe('storage/node repositories @db', () => {
  const db = useDatabase();
  before(async () => ensureNodeIndexes(db.connection()));

  it('when a document is inserted twice (same id or same dedup key), then the second insert is a duplicate and bytes read back equal', async () => {
    const docs = createDocumentRepository(db.connection());
    expect(await docs.insert(sampleDocument('d1'))).to.equal('inserted');
    expect(await docs.insert(sampleDocument('d1'))).to.equal('duplicate');
    expect(await docs.insert(sampleDocument('d1-other', { dedupKey: 'out:d1' }))).to.equal('duplicate');
    const back = await docs.findById('d1');
    expect(Array.from(back!.outgoing[0]!.packageBytes!)).to.deep.equal([1, 2, 3]);
    expect(back!.outgoing[0]!.nextAttemptAt.getTime()).to.equal(T0.getTime());
    expect(back!.recipients[0]!.state).to.deep.equal(INITIAL_DOCUMENT_STATE);
  });

  it('when two writers update with the same version, then only the first write lands', async () => {
    const docs = createDocumentRepository(db.connection());
    await docs.insert(sampleDocument('d2'));
    const first = await docs.update('d2', 1, { recalled: true, updatedAt: later(1) });
    const second = await docs.update('d2', 1, { countPending: false, updatedAt: later(2) });
    expect(first?.version).to.equal(2);
    expect(second).to.equal(null);
    const back = await docs.findById('d2');
    expect(back!.recalled).to.equal(true);
    expect(back!.countPending).to.equal(true);
  });

  it('when twenty writers race with the same version, then exactly one write lands (FerretDB 1.24 needs the record lock)', async () => {
    const docs = createDocumentRepository(db.connection());
    await docs.insert(sampleDocument('race'));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => docs.update('race', 1, { appliedDeliveries: [`w${i}`], updatedAt: later(i) })));
    const winners = results.filter((r) => r !== null);
    expect(winners).to.have.length(1);
    const back = await docs.findById('race');
    expect(back!.version).to.equal(2);
    expect(back!.appliedDeliveries).to.deep.equal(winners[0]!.appliedDeliveries);
    // a write from a stale version gives its claim back: the next writer of that version is not held up
    expect(await docs.update('race', 1, { recalled: true, updatedAt: later(30) })).to.equal(null);
    const next = await docs.update('race', 2, { recalled: true, updatedAt: later(31) });
    expect(next?.version).to.equal(3);
    // ten workers racing for one due document: one lease, one version step
    await docs.insert(sampleDocument('due-race', { dispatchDue: later(-1000) }));
    const leases = await Promise.all(Array.from({ length: 10 }, (_, i) => docs.claimDue(T0, `racer-${i}`, 10_000)));
    const mine = leases.filter((d) => d?.id === 'due-race');
    expect(mine).to.have.length(1);
    expect((await docs.findById('due-race'))?.dispatchLease?.owner).to.equal(mine[0]!.dispatchLease!.owner);
    expect((await docs.findById('due-race'))?.version).to.equal(2);
  });

  it('when a due document is leased, then another worker cannot claim it until the lease expires', async () => {
    const docs = createDocumentRepository(db.connection());
    await docs.insert(sampleDocument('d3', { dispatchDue: later(-1000), createdAt: later(-1000) }));
    const a = await docs.claimDue(T0, 'worker-a', 10_000);
    expect(a?.id).to.be.a('string');
    const claimed = new Set([a!.id]);
    for (let b = await docs.claimDue(T0, 'worker-b', 10_000); b; b = await docs.claimDue(T0, 'worker-b', 10_000)) {
      expect(claimed.has(b.id)).to.equal(false);
      claimed.add(b.id);
    }
    const takeover = await docs.claimDue(later(20_000), 'worker-b', 10_000);
    expect(takeover?.dispatchLease?.owner).to.equal('worker-b');
  });

  it('when the dispatch queue lost an entry or holds one for a document that is not due, then a claim drops the stale entry and the sweep queues the due document again', async () => {
    const queue = db.connection().collection(NODE_COLLECTIONS.dispatchQueue);
    const docs = createDocumentRepository(db.connection(), { queueSweepMs: 1e9 });
    const at = later(7_200_000);
    while (await docs.claimDue(at, 'drain-q', 1e9)) {
      // the earlier tests' documents are leased away: only this test's are due below
    }
    await docs.insert(sampleDocument('q-due', { dispatchDue: later(7_000_000) }));
    expect(await queue.countDocuments({ _id: 'q-due' } as never)).to.equal(1);
    // a crash between the write-ahead entry and its document write: an entry for a document that is not due
    await queue.insertOne({ _id: 'q-ghost', due: later(6_000_000), priority: -1, version: 1 } as never);
    await docs.insert(sampleDocument('q-idle', { dispatchDue: null }));
    await queue.insertOne({ _id: 'q-idle', due: later(6_000_000), priority: -1, version: 1 } as never);
    const first = await docs.claimDue(at, 'worker-q', 1e9);
    expect(first?.id).to.equal('q-due');
    expect(await queue.countDocuments({ _id: { $in: ['q-ghost', 'q-idle'] } } as never)).to.equal(0);
    // sent: nothing due any more, the entry goes with the write
    const sent = await docs.update('q-due', first!.version, { dispatchDue: null, dispatchLease: null, updatedAt: at });
    expect(sent?.dispatchDue).to.equal(null);
    expect(await queue.countDocuments({ _id: 'q-due' } as never)).to.equal(0);
    // an entry lost (a write the queue never saw): the next process's first claim sweeps it back
    await db
      .connection()
      .collection(NODE_COLLECTIONS.documents)
      .updateOne({ _id: 'q-due' } as never, { $set: { dispatchDue: later(7_100_000) } });
    expect(await docs.claimDue(at, 'worker-q', 1e9)).to.equal(null);
    const restarted = createDocumentRepository(db.connection(), { queueSweepMs: 1e9 });
    expect((await restarted.claimDue(at, 'worker-r', 1e9))?.id).to.equal('q-due');
  });

  it('when a due document loses its entry after the process swept once, then a later sweep finds it by its dispatchPending flag, which never reaches the domain', async () => {
    const queue = db.connection().collection(NODE_COLLECTIONS.dispatchQueue);
    const docs = createDocumentRepository(db.connection(), { queueSweepMs: 0 }); // a sweep at every claim
    const at = later(7_300_000);
    while (await docs.claimDue(at, 'drain-p', 1e9)) {
      // the earlier tests' documents are leased away; the first of these claims did the full first sweep
    }
    await docs.insert(sampleDocument('p-due', { dispatchDue: later(7_250_000) }));
    const raw = await db
      .connection()
      .collection(NODE_COLLECTIONS.documents)
      .findOne({ _id: 'p-due' } as never);
    expect(raw?.dispatchPending).to.equal(true);
    expect(await docs.findById('p-due')).to.not.have.property('dispatchPending');
    await queue.deleteOne({ _id: 'p-due' } as never); // lost: a crash between the document's write and its entry's
    expect((await docs.claimDue(at, 'worker-p', 1e9))?.id).to.equal('p-due');
    const sent = await docs.update('p-due', (await docs.findById('p-due'))!.version, { dispatchDue: null, dispatchLease: null, updatedAt: at });
    expect(sent?.dispatchDue).to.equal(null);
    const after = await db
      .connection()
      .collection(NODE_COLLECTIONS.documents)
      .findOne({ _id: 'p-due' } as never);
    expect(after?.dispatchPending).to.equal(false);
  });

  it('when another process claims while due documents are being inserted, then none of them falls out of the dispatch queue', async () => {
    const queue = db.connection().collection(NODE_COLLECTIONS.dispatchQueue);
    const writer = createDocumentRepository(db.connection(), { queueSweepMs: 1e9 });
    const claimer = createDocumentRepository(db.connection(), { queueSweepMs: 1e9 });
    const at = later(8_000_000);
    while (await claimer.claimDue(at, 'drain-i', 1e9)) {
      // the earlier tests' documents are leased away (and this first claim did the claimer's sweep)
    }
    const ids = Array.from({ length: 16 }, (_, i) => `ins-${i}`);
    const claimed = new Set<string>();
    let inserting = true;
    const claiming = (async () => {
      while (inserting) {
        const d = await claimer.claimDue(at, 'worker-i', 1e9);
        if (d) claimed.add(d.id);
      }
    })();
    await Promise.all(ids.map((id) => writer.insert(sampleDocument(id, { dispatchDue: later(7_900_000) }))));
    inserting = false;
    await claiming;
    // each document was either leased by the claimer or still has its entry: nothing waits for a sweep
    const queued = new Set((await queue.find({ _id: { $in: ids } } as never).toArray()).map((e) => String(e._id)));
    expect(ids.filter((id) => !claimed.has(id) && !queued.has(id))).to.deep.equal([]);
  });

  it('when documents of each dispatch priority are due, then claims take own documents first, then answers, then automatic refusals, oldest first within each', async () => {
    const docs = createDocumentRepository(db.connection());
    const at = later(3_600_000);
    while (await docs.claimDue(at, 'drain', 1e9)) {
      // the earlier tests' documents stay leased: only this test's are due below
    }
    const due = (id: string, ms: number, over: Partial<NodeDocument>) => docs.insert(sampleDocument(id, { dispatchDue: later(ms), ...over }));
    const inbox = (id: string) => ({ box: 'inbox' as const, dedupKey: `in:${id}` });
    await due('p-refusal', 3_000_000, { ...inbox('p-refusal'), dispatchPriority: DISPATCH_PRIORITY.refusal });
    await due('p-answer', 3_100_000, { ...inbox('p-answer'), dispatchPriority: DISPATCH_PRIORITY.answer });
    await due('p-send-new', 3_300_000, { dispatchPriority: DISPATCH_PRIORITY.send });
    await due('p-send-old', 3_200_000, { dispatchPriority: DISPATCH_PRIORITY.send });
    await due('p-legacy', 3_250_000, {}); // made before priorities existed: no field
    const order: string[] = [];
    for (let d = await docs.claimDue(at, 'worker', 1e9); d; d = await docs.claimDue(at, 'worker', 1e9)) order.push(d.id);
    expect(order).to.deep.equal(['p-legacy', 'p-send-old', 'p-send-new', 'p-answer', 'p-refusal']);
  });

  it('when documents are listed, then only the agency and box asked for come back, newest first, with the total', async () => {
    const docs = createDocumentRepository(db.connection());
    await docs.insert(sampleDocument('l1', { agencyCode: H27, box: 'inbox', dedupKey: 'in:l1', createdAt: later(1) }));
    await docs.insert(sampleDocument('l2', { agencyCode: H27, box: 'inbox', dedupKey: 'in:l2', createdAt: later(2) }));
    const page = await docs.list({ agencyCode: H27, box: 'inbox', skip: 0, limit: 1 });
    expect(page.total).to.equal(2);
    expect(page.items.map((d) => d.id)).to.deep.equal(['l2']);
    expect((await docs.list({ agencyCode: H27, box: 'outbox', skip: 0, limit: 10 })).total).to.equal(0);
  });

  it('when the same idempotency key begins twice, then the second sees the first record', async () => {
    const repo = createIdempotencyRepository(db.connection());
    const a = await repo.begin({ scopeKey: 'k1', requestHash: 'h', documentId: 'doc-a', createdAt: T0 });
    const b = await repo.begin({ scopeKey: 'k1', requestHash: 'h2', documentId: 'doc-b', createdAt: T0 });
    expect(a.created).to.equal(true);
    expect(b.created).to.equal(false);
    expect(b.record.documentId).to.equal('doc-a');
    expect(b.record.requestHash).to.equal('h');
    expect(await repo.takeOver('k1', later(-1), later(1))).to.equal(false);
    expect(await repo.takeOver('k1', later(1), later(2))).to.equal(true);
    await repo.complete('k1', later(3));
    expect((await repo.begin({ scopeKey: 'k1', requestHash: 'h', documentId: 'x', createdAt: T0 })).record.state).to.equal('completed');
  });

  it('when contributions reach a counter concurrently, then none is lost and a replayed key is not counted twice', async () => {
    const repo = createCounterRepository(db.connection());
    await Promise.all(Array.from({ length: 20 }, (_, i) => repo.apply(G22, '2026-03', `doc-${i}:sent`, { outgoing: 1, signed: 1 })));
    const replays = await Promise.all(Array.from({ length: 6 }, () => repo.apply(G22, '2026-03', 'doc-3:sent', { outgoing: 1, signed: 1 })));
    expect(replays.filter(Boolean)).to.have.length(0);
    const racing = await Promise.all(Array.from({ length: 6 }, () => repo.apply(G22, '2026-03', 'doc-99:received', { inbound: 1 })));
    expect(racing.filter(Boolean)).to.have.length(1);
    const c = await repo.get(G22, '2026-03');
    expect(c.outgoing).to.equal(20);
    expect(c.signed).to.equal(20);
    expect(c.inbound).to.equal(1);
    expect(await repo.apply(G22, '2026-03', 'doc-3:recalled', { recalled: 1, signed: -1 })).to.equal(true);
    expect(await repo.get(G22, '2026-03')).to.include({ outgoing: 20, signed: 19, recalled: 1 });
  });

  it('when contributions reach a roll-up and a trend concurrently, then none is lost and a replayed key is not counted twice', async () => {
    const repo = createCounterRepository(db.connection());
    const unit = parseAgencyCode('000.01.00.G22');
    await Promise.all(Array.from({ length: 12 }, (_, i) => [repo.applyRollup(G22, '2026-03', `doc-${i}:sent`, [unit], { outgoing: 1 }, { toArrived: { 4: 1 } }), repo.applyTrend(G22, '2026-03', `doc-${i}:sent`, i % 2 === 0, { outgoing: 1 })]).flat());
    const racing = await Promise.all(Array.from({ length: 4 }, () => [repo.applyRollup(G22, '2026-03', 'doc-3:sent', [unit], { outgoing: 1 }), repo.applyTrend(G22, '2026-03', 'doc-3:sent', true, { outgoing: 1 })]).flat());
    expect(racing.filter(Boolean)).to.have.length(0);
    const r = await repo.getRollup(G22, '2026-03');
    expect(r.total.counts.outgoing).to.equal(12);
    expect(r.total.histograms.toArrived).to.deep.equal({ 4: 12 });
    expect(r.descendants.get(unit)?.counts.outgoing).to.equal(12);
    const [t] = await repo.getTrend(G22, '2026-03', '2026-03');
    expect([t?.total.outgoing, t?.own.outgoing]).to.deep.equal([12, 6]);
  });

  it('when a document owes the counters, then findCountPending lists it once its grace period is over', async () => {
    const docs = createDocumentRepository(db.connection());
    await docs.insert(sampleDocument('owing', { dedupKey: 'out:owing', updatedAt: T0 }));
    await docs.insert(sampleDocument('settled', { dedupKey: 'out:settled', countPending: false, updatedAt: T0 }));
    expect(await docs.findCountPending(T0, 10)).to.not.include('owing');
    const owing = await docs.findCountPending(later(1), 100);
    expect(owing).to.include('owing');
    expect(owing).to.not.include('settled');
  });

  it('when two workers claim the poll lease of an agency, then one holds it until release or expiry', async () => {
    const repo = createHostedAgencyRepository(db.connection());
    await repo.upsert({ code: H27, name: 'UBND Hà Tĩnh', now: T0 });
    expect(await repo.claimPoll(H27, 'a', T0, 5000)).to.equal(true);
    expect(await repo.claimPoll(H27, 'b', T0, 5000)).to.equal(false);
    expect(await repo.claimPoll(H27, 'b', later(6000), 5000)).to.equal(true);
    await repo.releasePoll(H27, 'a', later(6000)); // not the holder: no effect
    expect(await repo.claimPoll(H27, 'a', later(6001), 5000)).to.equal(false);
    await repo.releasePoll(H27, 'b', later(6001));
    expect(await repo.claimPoll(H27, 'a', later(6002), 5000)).to.equal(true);
  });

  it('when a username is taken in an agency, then creating it again is ERR_DUPLICATE_KEY but other agencies may use it', async () => {
    const users = createUserRepository(db.connection());
    const base = { username: 'vanthu', fullName: 'V', roles: ['clerk' as const], passwordHash: 'scrypt$x', createdAt: T0 };
    await users.create({ ...base, id: 'u1', agencyCode: G22 });
    await users.create({ ...base, id: 'u2', agencyCode: H27 });
    let code: string | undefined;
    try {
      await users.create({ ...base, id: 'u3', agencyCode: G22 });
    } catch (e) {
      code = (e as { code?: string }).code;
    }
    expect(code).to.equal('ERR_DUPLICATE_KEY');
    expect((await users.findByUsername(H27, 'vanthu'))?.id).to.equal('u2');
  });

  it('when a sealed item is stored, then it reads back byte for byte', async () => {
    const repo = createSealedItemRepository(db.connection());
    await repo.put('key:x', new Uint8Array([9, 8, 7]), T0);
    expect(Array.from((await repo.get('key:x'))!)).to.deep.equal([9, 8, 7]);
    expect(await repo.get('key:none')).to.equal(null);
  });
});
