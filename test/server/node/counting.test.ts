import { expect } from 'chai';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import type { NodeDocument } from '../../../server/domain/ports/node/index.js';
import { INITIAL_DOCUMENT_STATE } from '../../../server/domain/status/index.js';
import { createLogger } from '../../../server/logger.js';
import { settleCounts, settlePendingCounts } from '../../../server/node/counting.js';
import { createCounterRepository, createDocumentRepository, ensureNodeIndexes } from '../../../storage/node/index.js';
import { useDatabase } from '../../support/database.js';
import { sampleMetadata, sampleNodeDocument } from '../../support/node-document.js';

const H49 = parseAgencyCode('000.00.00.H49');
const H27 = parseAgencyCode('000.00.00.H27');
const T0 = new Date('2026-11-20T03:00:00Z');

function outgoing(id: string, over: Partial<NodeDocument> = {}): NodeDocument {
  return sampleNodeDocument(T0, {
    id,
    agencyCode: H49,
    box: 'outbox',
    dedupKey: `out:${id}`,
    documentId: `000.00.00.H49,2026/11/20,${id}/UBND`,
    from: H49,
    fromName: 'UBND',
    to: [H27],
    metadata: sampleMetadata({ codeNumber: id, codeNotation: 'UBND', promulgationDate: '2026-11-20', promulgationPlace: 'Hạ Long' }),
    recipients: [{ code: H27, name: 'H27', state: INITIAL_DOCUMENT_STATE, timeline: [] }],
    countPending: true,
    ...over,
  });
}

describe('server/node monthly counting survives a crash at any point @db', () => {
  const db = useDatabase();
  let clock = T0;
  const deps = () => ({
    documents: createDocumentRepository(db.connection()),
    counters: createCounterRepository(db.connection()),
    now: () => clock,
    logger: createLogger({ level: 'silent' }),
  });
  before(async () => ensureNodeIndexes(db.connection()));

  it('when the process died after storing (nothing counted) or after counting (flag not cleared), then the reconciler counts each document once', async () => {
    const d = deps();
    // died right after the insert: nothing applied
    await d.documents.insert(outgoing('a'));
    // died between the counter write and the flag write: applied, still pending
    await d.documents.insert(outgoing('b', { metadata: { ...outgoing('b').metadata, paper: true } }));
    expect(await d.counters.apply(H49, '2026-11', 'b:sent', { outgoing: 1, signed: 1 })).to.equal(true);
    // a document counted normally
    await d.documents.insert(outgoing('c'));
    await settleCounts(d, 'c');

    clock = new Date(T0.getTime() + 120_000);
    expect(await settlePendingCounts(d, 60_000)).to.equal(2);
    expect(await settlePendingCounts(d, 60_000)).to.equal(0);
    expect(await d.counters.get(H49, '2026-11')).to.include({ outgoing: 3, signed: 3, fullyElectronic: 2, recalled: 0 });
    for (const id of ['a', 'b', 'c']) {
      const back = await d.documents.findById(id);
      expect(back!.countPending, id).to.equal(false);
      expect(back!.countedKeys, id).to.deep.equal([`${id}:sent`]);
    }
  });

  it('when a recall is agreed and the process dies before counting it, then the reconciler moves the document out of the ratios once', async () => {
    const d = deps();
    clock = T0;
    const sent = outgoing('r', { agencyCode: H27, dedupKey: 'out:r' });
    await d.documents.insert(sent);
    await settleCounts(d, 'r');
    expect(await d.counters.get(H27, '2026-11')).to.include({ outgoing: 1, signed: 1, fullyElectronic: 1, recalled: 0 });
    // the write that marks the recall agreed also marks the count owed; then the process dies
    const doc = await d.documents.findById('r');
    await d.documents.update('r', doc!.version, { recalled: true, countPending: true, updatedAt: T0 });

    clock = new Date(T0.getTime() + 120_000);
    expect(await settlePendingCounts(d, 60_000)).to.equal(1);
    expect(await settlePendingCounts(d, 60_000)).to.equal(0);
    await settleCounts(d, 'r');
    expect(await d.counters.get(H27, '2026-11')).to.include({ outgoing: 1, signed: 0, fullyElectronic: 0, recalled: 1 });
    expect((await d.documents.findById('r'))!.countedKeys).to.deep.equal(['r:sent', 'r:recalled']);
  });
});
