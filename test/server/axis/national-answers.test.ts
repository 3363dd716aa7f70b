import { expect } from 'chai';
import { nationalMonthlyReport, vietnamMonthRange } from '../../../server/axis/index.js';
import type { NewDelivery, StatusCode } from '../../../server/domain/ports/axis/index.js';
import { createAgencyRepository, createDeliveryRepository, ensureAxisIndexes } from '../../../storage/axis/index.js';
import { useDatabase } from '../../support/database.js';
import { G22, H27 } from './fixtures.js';

describe('axis: answers of the national report are matched to the package they answer @db', () => {
  const db = useDatabase();

  it('when a DocumentId is resent in a later month, then an answer counts for the latest package before it, not for the earlier one', async () => {
    await ensureAxisIndexes(db.connection());
    const deliveries = createDeliveryRepository(db.connection());
    const deps = { deliveries, registry: createAgencyRepository(db.connection()) };
    // Fixed months, far from the test clock: March and April 2031 (Vietnam time).
    const march = vietnamMonthRange('2031-03').from.getTime();
    const april = vietnamMonthRange('2031-04').from.getTime();
    const day = 86_400_000;
    const edoc = (docId: string, documentId: string, at: number): NewDelivery => ({ docId, sender: H27, recipient: G22, type: 'edoc', documentId, sha256: docId.padEnd(64, '0'), size: 100, submittedAt: new Date(at) });
    const status = (docId: string, documentId: string, code: StatusCode, at: number): NewDelivery => ({
      docId,
      sender: G22,
      recipient: H27,
      type: 'status',
      documentId,
      statusCode: code,
      sha256: docId.padEnd(64, '0'),
      size: 10,
      submittedAt: new Date(at),
    });
    const resent = 'H27,2031-03-02,1/TEST-VT';
    const other = 'H27,2031-03-05,2/TEST-VT';
    await deliveries.ensure([
      // An answer about the DocumentId from before March's package (to an earlier package of it): not March's.
      status('s0', resent, '01', march - 3 * day),
      edoc('p1', resent, march + 1 * day),
      edoc('p3', other, march + 4 * day),
      status('s3', other, '01', march + 5 * day),
      // A second answer to the same delivery: only the first counts.
      status('s3b', other, '02', march + 6 * day),
      // The DocumentId resent in April, then refused: the refusal is April's package's, March's stays unanswered.
      edoc('p2', resent, april + 2 * day),
      status('s2', resent, '02', april + 3 * day),
    ]);

    const m = await nationalMonthlyReport(deps, { month: '2031-03' });
    expect(m.totals).to.include({ packagesSent: 2, deliveriesSent: 2, received: 2, answered01: 1, answered02: 0, unanswered: 1, share01: 1 });
    const a = await nationalMonthlyReport(deps, { month: '2031-04' });
    expect(a.totals).to.include({ packagesSent: 1, deliveriesSent: 1, answered01: 0, answered02: 1, unanswered: 0, share02: 1 });
  });
});
