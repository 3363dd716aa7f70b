import { expect } from 'chai';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { createDeliveryRepository } from '../../../storage/axis/delivery-repository.js';
import { useDatabase } from '../../support/database.js';
import { testClock } from '../../support/clock.js';

/**
 * FerretDB 1.24 runs findAndModify/update as read-then-write (FerretDB issue #3040); the record lock must keep
 * the `pending → done|fail` guard exact under concurrency, on FerretDB and MongoDB alike.
 */
describe('storage/axis deliveries under concurrency @db', () => {
  const db = useDatabase();
  const recipient = parseAgencyCode('000.00.00.H27');
  const sender = parseAgencyCode('000.00.00.G22');

  it('when 12 acknowledgements race for one pending delivery, then exactly one wins and downloads are all counted', async () => {
    const repo = createDeliveryRepository(db.connection());
    await repo.ensure([{ docId: 'd-race', recipient, sender, type: 'edoc', documentId: 'x', sha256: '00', size: 1, submittedAt: testClock() }]);
    const downloads = await Promise.all(Array.from({ length: 12 }, () => repo.recordDownload('d-race', recipient, testClock())));
    expect(downloads.every((d) => d !== null)).to.equal(true);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => repo.acknowledge('d-race', recipient, i % 2 ? 'done' : 'fail', testClock())));
    expect(results.filter((r) => r !== null)).to.have.length(1);
    const final = await repo.find('d-race', recipient);
    expect(final?.downloads).to.equal(12);
    expect(final?.version).to.equal(2);
    expect(final?.state).to.be.oneOf(['done', 'fail']);
  });

  it('when a recipient polls while deliveries are being queued, then every delivery it lists can be found (and so downloaded)', async () => {
    const axis = createDeliveryRepository(db.connection());
    const poller = createDeliveryRepository(db.connection());
    const me = parseAgencyCode('000.00.00.H49');
    await poller.list({ recipient: me, state: 'pending', skip: 0, limit: 100 }); // this process's first list is behind it
    const ids = Array.from({ length: 16 }, (_, i) => `d-listed-${i}`);
    let queuing = true;
    const missing = new Set<string>();
    const polling = (async () => {
      while (queuing) {
        const page = await poller.list({ recipient: me, state: 'pending', skip: 0, limit: 100 });
        for (const item of page.items) if (!(await poller.find(item.docId, me))) missing.add(item.docId);
      }
    })();
    await Promise.all(ids.map((docId) => axis.ensure([{ docId, recipient: me, sender, type: 'edoc', documentId: docId, sha256: '00', size: 1, submittedAt: testClock() }])));
    queuing = false;
    await polling;
    expect([...missing]).to.deep.equal([]);
    const listed = await poller.list({ recipient: me, state: 'pending', skip: 0, limit: 100 });
    expect(listed.items.map((d) => d.docId).sort()).to.deep.equal([...ids].sort());
  });
});
