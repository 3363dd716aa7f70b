import { expect } from 'chai';
import { createDispatchQueue } from '../../../storage/node/dispatch-queue.js';
import { NODE_COLLECTIONS } from '../../../storage/node/index.js';
import { createRecordLock } from '../../../storage/record-lock.js';
import { useDatabase } from '../../support/database.js';

const T0 = new Date('2026-03-01T00:00:00Z');

/**
 * The dispatch queue's entries are written by every node process at once. FerretDB 1.x runs a guarded delete
 * as read-then-write, so these tests race the writes that used to lose an entry.
 */
describe('storage/node dispatch queue @db', () => {
  const db = useDatabase();
  const collection = () => db.connection().collection(NODE_COLLECTIONS.dispatchQueue);

  it('when a drop guarded by version v races a writer queueing the same document at v+1, then the entry stays, at v+1', async () => {
    // two processes: each with its own queue object on the one database
    const sender = createDispatchQueue(collection, createRecordLock(db.connection(), NODE_COLLECTIONS.locks));
    const other = createDispatchQueue(collection, createRecordLock(db.connection(), NODE_COLLECTIONS.locks));
    const ids = Array.from({ length: 24 }, (_, i) => `race-${i}`);
    for (const id of ids) await sender.enqueue(id, T0, 1, 0);
    // the sender's write left the document with nothing due (v1) while another writer queues it again (v2)
    await Promise.all(ids.map((id) => Promise.all([sender.drop(id, 1), other.enqueue(id, new Date(T0.getTime() + 1000), 2, 0)])));
    const left = await collection()
      .find({ _id: { $in: ids } } as never)
      .toArray();
    expect(left.map((e) => String(e._id)).sort()).to.deep.equal([...ids].sort());
    expect(left.every((e) => e.version === 2)).to.equal(true);
    // and a drop at the version that queued it last does remove it
    await Promise.all(ids.map((id) => other.drop(id, 2)));
    expect(await collection().countDocuments({ _id: { $in: ids } } as never)).to.equal(0);
  });
});
