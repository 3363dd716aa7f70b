import { expect } from 'chai';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { isDomainError } from '../../../server/domain/errors.js';
import type { SubmissionRecord } from '../../../server/domain/ports/axis/index.js';
import { AXIS_COLLECTIONS, createAgencyRepository, createDeliveryRepository, createSeenRequestRepository, createSubmissionRepository, createTraceRepository, ensureAxisIndexes } from '../../../storage/axis/index.js';
import { appendTrace, verifyTraceChain } from '../../../server/axis/trace.js';
import { useDatabase } from '../../support/database.js';
import { testClock } from '../../support/clock.js';

const A = parseAgencyCode('000.00.00.G22');
const B = parseAgencyCode('000.00.00.G12');
const C = parseAgencyCode('000.00.00.H27');

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isDomainError(e) ? e.code : `uncoded: ${String(e)}`;
  }
  return undefined;
}

function submission(over: Partial<SubmissionRecord> = {}): SubmissionRecord {
  return {
    docId: 'd-1',
    type: 'edoc',
    sender: A,
    packageKey: 'edoc:X',
    documentId: 'X',
    recipients: [B, C],
    sha256: 'ab'.repeat(32),
    size: 10,
    blobId: 'blob',
    signature: new Uint8Array([0x30, 0x82, 0, 1, 2, 255]),
    signer: { sha256: 'cd'.repeat(32), subject: 'CN=x' },
    state: 'accepted',
    submittedAt: new Date('2026-11-23T10:00:00Z'),
    ...over,
  };
}

describe('storage/axis repositories @db', () => {
  const db = useDatabase();
  before(async () => ensureAxisIndexes(db.connection()));

  it('when the indexes are created, then agency code, docId, (sender, packageKey), (recipient, docId), trace seq and eventKey are unique', async () => {
    const uniques = async (collection: string) =>
      (await db.connection().collection(collection).listIndexes().toArray())
        .filter((i) => i.unique)
        .map((i) => Object.keys(i.key).join('+'))
        .sort();
    expect(await uniques(AXIS_COLLECTIONS.agencies)).to.deep.equal(['code']);
    expect(await uniques(AXIS_COLLECTIONS.submissions)).to.deep.equal(['docId', 'sender+packageKey']);
    expect(await uniques(AXIS_COLLECTIONS.deliveries)).to.deep.equal(['recipient+docId']);
    expect(await uniques(AXIS_COLLECTIONS.trace)).to.deep.equal(['eventKey', 'seq']);
  });

  it('when an agency code is registered twice, then the second is ERR_AGENCY_EXISTS and the first is unchanged', async () => {
    const repo = createAgencyRepository(db.connection());
    await repo.create({ code: A, name: 'first', parentCode: null, certificates: [], createdAt: testClock() });
    expect(await codeOf(repo.create({ code: A, name: 'second', parentCode: null, certificates: [], createdAt: testClock() }))).to.equal('ERR_AGENCY_EXISTS');
    expect((await repo.findByCode(A))?.name).to.equal('first');
  });

  it('when an update carries a stale version, then nothing changes (guarded single-document write)', async () => {
    const repo = createAgencyRepository(db.connection());
    await repo.create({ code: B, name: 'v1', parentCode: null, certificates: [], createdAt: testClock() });
    const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00, 0xff]);
    const cert = { sha256: 'ef'.repeat(32), der, subject: 'CN=s', issuer: 'CN=i', serialNumber: '01', role: 'seal' as const, notBefore: new Date(0), notAfter: new Date(1e12), status: 'active' as const, boundAt: testClock() };
    const first = await repo.update(B, 1, { name: 'v2', certificates: [cert], updatedAt: testClock() });
    expect(first?.version).to.equal(2);
    expect(await repo.update(B, 1, { name: 'stale', updatedAt: testClock() })).to.equal(null);
    const back = await repo.findByCode(B);
    expect(back?.name).to.equal('v2');
    expect(Buffer.from(back!.certificates[0]!.der).equals(Buffer.from(der))).to.equal(true);
    expect((await repo.findByCertificate('ef'.repeat(32)))?.code).to.equal(B);
    expect(await repo.existingCodes([A, B, C])).to.have.members([A, B]);
  });

  it('when the same (sender, packageKey) or docId is inserted again, then ERR_DUPLICATE_KEY and one record stays', async () => {
    const repo = createSubmissionRepository(db.connection());
    await repo.insert(submission());
    expect(await codeOf(repo.insert(submission({ docId: 'd-2' })))).to.equal('ERR_DUPLICATE_KEY');
    expect(await codeOf(repo.insert(submission({ packageKey: 'edoc:Y' })))).to.equal('ERR_DUPLICATE_KEY');
    const back = await repo.findByPackageKey(A, 'edoc:X');
    expect(back?.docId).to.equal('d-1');
    expect(Buffer.from(back!.signature).equals(Buffer.from([0x30, 0x82, 0, 1, 2, 255]))).to.equal(true);
    expect(await repo.markQueued('d-1')).to.equal(true);
    expect(await repo.markQueued('d-1')).to.equal(false);
    expect((await repo.findByDocId('d-1'))?.state).to.equal('queued');
  });

  it('when deliveries are ensured twice and acknowledged twice, then one delivery each and only the first ack changes it', async () => {
    const repo = createDeliveryRepository(db.connection());
    const base = { docId: 'd-1', sender: A, type: 'edoc' as const, documentId: 'X', sha256: 'ab'.repeat(32), size: 10, submittedAt: testClock() };
    await repo.ensure([
      { ...base, recipient: B },
      { ...base, recipient: C },
    ]);
    await repo.ensure([{ ...base, recipient: B }]);
    expect((await repo.list({ recipient: B, state: 'pending', skip: 0, limit: 10 })).total).to.equal(1);
    expect((await repo.list({ recipient: A, state: 'pending', skip: 0, limit: 10 })).total).to.equal(0);
    const acked = await repo.acknowledge('d-1', B, 'done', testClock());
    expect(acked?.state).to.equal('done');
    expect(acked?.version).to.equal(2);
    expect(await repo.acknowledge('d-1', B, 'fail', testClock())).to.equal(null);
    expect((await repo.find('d-1', B))?.state).to.equal('done');
    expect((await repo.find('d-1', C))?.state).to.equal('pending');
    expect((await repo.recordDownload('d-1', C, testClock()))?.downloads).to.equal(1);
    // the poll reads the pending copies: C's shows the download, B's is gone with its acknowledgement
    expect((await repo.list({ recipient: C, state: 'pending', skip: 0, limit: 10 })).items.map((d) => d.downloads)).to.deep.equal([1]);
    expect((await repo.list({ recipient: B, state: 'pending', skip: 0, limit: 10 })).total).to.equal(0);
    expect((await repo.list({ recipient: B, state: 'done', skip: 0, limit: 10 })).items.map((d) => d.docId)).to.deep.equal(['d-1']);
    const pending = db.connection().collection(AXIS_COLLECTIONS.pendingDeliveries);
    expect(await pending.countDocuments({ recipient: B })).to.equal(0);
    // a delivery made before the pending copies existed (ObjectId key, no copy) is copied at a process's first pending list
    await db
      .connection()
      .collection(AXIS_COLLECTIONS.deliveries)
      .insertOne({ ...base, docId: 'd-legacy', recipient: B, state: 'pending', version: 1, downloads: 0 });
    const fresh = createDeliveryRepository(db.connection());
    expect((await fresh.list({ recipient: B, state: 'pending', skip: 0, limit: 10 })).items.map((d) => d.docId)).to.deep.equal(['d-legacy']);
    expect((await fresh.recordDownload('d-legacy', B, testClock()))?.downloads).to.equal(1);
    expect((await fresh.acknowledge('d-legacy', B, 'done', testClock()))?.state).to.equal('done');
    expect((await fresh.list({ recipient: B, state: 'pending', skip: 0, limit: 10 })).total).to.equal(0);
  });

  it('when a request key is remembered twice, then the second is a replay until its window has passed and the record is pruned', async () => {
    const seen = createSeenRequestRepository(db.connection());
    const t0 = testClock();
    const key = 'ab'.repeat(32);
    expect(await seen.remember(key, new Date(t0.getTime() + 900_000), t0)).to.equal(true);
    expect(await seen.remember(key, new Date(t0.getTime() + 900_000), new Date(t0.getTime() + 1000))).to.equal(false);
    // Past its window and more than a minute after the last pruning pass: pruned, so the key is new again.
    const later = new Date(t0.getTime() + 901_000);
    expect(await seen.remember(key, new Date(later.getTime() + 900_000), later)).to.equal(true);
    expect(
      await db
        .connection()
        .collection(AXIS_COLLECTIONS.seenRequests)
        .countDocuments({ _id: key as never }),
    ).to.equal(1);
  });

  it('when two trace entries claim the same seq or eventKey, then the second is ERR_DUPLICATE_KEY', async () => {
    const repo = createTraceRepository(db.connection());
    const e = { seq: 1, eventKey: 'k1', at: testClock(), event: 'submitted' as const, actor: A, docId: 'd', details: { n: 1 }, prevHash: '0'.repeat(64), hash: 'h1' };
    await repo.insert(e);
    expect(await codeOf(repo.insert({ ...e, eventKey: 'k2' }))).to.equal('ERR_DUPLICATE_KEY');
    expect(await codeOf(repo.insert({ ...e, seq: 2 }))).to.equal('ERR_DUPLICATE_KEY');
    expect((await repo.last())?.seq).to.equal(1);
    expect((await repo.listByDocId('d')).map((x) => x.details)).to.deep.equal([{ n: 1 }]);
  });

  it('when the head of the trace lags or is gone, then last() still finds the newest entry, and racing appends make one gapless chain', async () => {
    const repo = createTraceRepository(db.connection());
    const hop = (n: number) => ({ eventKey: `race-${n}`, event: 'queued' as const, actor: A, docId: `race-${n}`, details: { n }, at: new Date('2026-11-23T10:00:00Z') });
    const appended = await Promise.all(Array.from({ length: 12 }, (_, n) => appendTrace(repo, hop(n))));
    expect(new Set(appended.map((e) => e.seq)).size).to.equal(12);
    const end = await repo.last();
    const chain = await repo.listFrom(1, 100);
    expect(chain.map((e) => e.seq)).to.deep.equal(Array.from({ length: chain.length }, (_, i) => i + 1));
    // seq 1 is the hand-made entry of the test above; ours link to it and to each other
    expect(verifyTraceChain(chain.slice(1), chain[0]!.hash)).to.include({ ok: true, checked: 12 });
    expect(end!.seq).to.equal(chain.length);
    // a repeated event answers the entry already written
    expect((await appendTrace(repo, hop(3))).seq).to.equal(appended[3]!.seq);

    const heads = db.connection().db!.collection<{ _id: string; seq: number }>(AXIS_COLLECTIONS.traceHead);
    await heads.updateOne({ _id: 'head' }, { $set: { seq: 1 } });
    expect((await repo.last())!.seq).to.equal(end!.seq);
    await heads.deleteOne({ _id: 'head' });
    expect((await repo.last())!.seq).to.equal(end!.seq);
    expect((await appendTrace(repo, hop(99))).seq).to.equal(end!.seq + 1);
    // another process starting cold (no tail of its own) behind a lagging head finds the end too
    await heads.updateOne({ _id: 'head' }, { $set: { seq: 2 } }, { upsert: true });
    expect((await createTraceRepository(db.connection()).last())!.seq).to.equal(end!.seq + 1);
  });

  it('when two processes append to the trace at once, each from its own tail, then the chain stays one gapless chain', async () => {
    const [p, q] = [createTraceRepository(db.connection()), createTraceRepository(db.connection())];
    const hop = (who: string, n: number) => ({ eventKey: `two-${who}-${n}`, event: 'queued' as const, actor: A, docId: `two-${n}`, details: { n }, at: new Date('2026-11-23T10:00:00Z') });
    const first = await p.last();
    const appended = await Promise.all(Array.from({ length: 8 }, (_, n) => [appendTrace(p, hop('p', n)), appendTrace(q, hop('q', n))]).flat());
    expect(new Set(appended.map((e) => e.seq)).size).to.equal(16);
    const chain = await p.listFrom(first!.seq, 100);
    expect(chain.map((e) => e.seq)).to.deep.equal(Array.from({ length: 17 }, (_, i) => first!.seq + i));
    expect(verifyTraceChain(chain.slice(1), chain[0]!.hash)).to.include({ ok: true, checked: 16 });
    expect((await q.last())!.seq).to.equal(first!.seq + 16);
  });
});
