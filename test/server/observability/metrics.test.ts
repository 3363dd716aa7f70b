import { expect } from 'chai';
import express from 'express';
import { PDFDocument } from 'pdf-lib';
import { signPdf, verifyEnveloped, verifyPdf } from '../../../crypto/index.js';
import { createApp } from '../../../server/http/create-app.js';
import { createLogger } from '../../../server/logger.js';
import { measurePdfWork } from '../../../server/observability/instrument.js';
import { createMetrics } from '../../../server/observability/metrics.js';
import { createOutboxFiguresReader, NODE_COLLECTIONS } from '../../../storage/node/index.js';
import { createTestClock } from '../../support/clock.js';
import { useDatabase } from '../../support/database.js';
import { listen, readJson } from '../../support/http.js';

/** The value of one sample line of the text exposition, e.g. `name{a="b"} 3`. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('server/observability metrics', () => {
  describe('GET /metrics', () => {
    const now = createTestClock();
    const metrics = createMetrics({ now });
    let open = { baseUrl: '', close: async () => undefined as void };
    let guarded = { baseUrl: '', close: async () => undefined as void };
    before(async () => {
      const router = express.Router();
      router.get('/documents/:id', (req, res) => void res.json({ id: req.params.id }));
      open = await listen(createApp({ logger: createLogger({ level: 'silent' }), jsonBodyBytes: 1024, nodeRouter: router, openapi: [], ready: async () => true, metrics: { registry: metrics } }));
      guarded = await listen(createApp({ logger: createLogger({ level: 'silent' }), jsonBodyBytes: 1024, openapi: [], ready: async () => true, metrics: { registry: createMetrics({ now }), token: 'scrape-token-0123456789' } }));
    });
    after(async () => {
      await open.close();
      await guarded.close();
    });

    it('when requests were served, then their durations are counted by route pattern and status, not by URL', async () => {
      for (const id of ['a', 'b', 'c']) await (await fetch(`${open.baseUrl}/api/v1/documents/${id}`)).text();
      await (await fetch(`${open.baseUrl}/api/v1/nowhere`)).text();
      const r = await fetch(`${open.baseUrl}/metrics`);
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const text = await r.text();
      expect(sample(text, 'lienthong_http_request_duration_seconds_count{route="/api/v1/documents/:id",method="GET",status="200"}')).to.equal(3);
      expect(sample(text, 'lienthong_http_request_duration_seconds_count{route="unmatched",method="GET",status="404"}')).to.equal(1);
      expect(text).to.not.include('/api/v1/documents/a');
    });

    it('when a token is configured, then a scrape without it is refused with ERR_UNAUTHENTICATED and one with it answered', async () => {
      const none = await fetch(`${guarded.baseUrl}/metrics`);
      expect(none.status).to.equal(401);
      expect((await readJson(none)).code).to.equal('ERR_UNAUTHENTICATED');
      const wrong = await fetch(`${guarded.baseUrl}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456788' } });
      expect(wrong.status).to.equal(401);
      const right = await fetch(`${guarded.baseUrl}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
      expect(right.status).to.equal(200);
      expect(await right.text()).to.include('# TYPE lienthong_http_request_duration_seconds histogram');
    });
  });

  it('when PDFs are verified through the measured PDF work, then durations and indications are counted', async () => {
    const now = createTestClock();
    const metrics = createMetrics({ now });
    const work = measurePdfWork({ verifyPdf: async (pdf, o) => verifyPdf(pdf, o), verifyXmlSignature: async (x, o) => verifyEnveloped(x, o), signPdf: async (pdf, o) => signPdf(pdf, o) }, metrics);
    const doc = await PDFDocument.create();
    doc.addPage([200, 200]);
    const unsigned = await doc.save({ useObjectStreams: false });
    const report = await work.verifyPdf(unsigned, { trustAnchors: [], now: now() });
    await work.verifyPdf(new TextEncoder().encode('not a pdf'), { trustAnchors: [], now: now() }).catch(() => undefined);
    const text = await metrics.render();
    expect(sample(text, `lienthong_verifications_total{kind="pdf",indication="${report.indication}"}`)).to.equal(1);
    expect(sample(text, 'lienthong_verification_duration_seconds_count{kind="pdf"}')).to.be.at.least(1);
  });

  describe('outbox figures @db', () => {
    const db = useDatabase();
    it('when messages wait or failed, then the figures count them and date the oldest waiting one', async () => {
      const now = createTestClock();
      const t = now().getTime();
      const msg = (id: string, state: string, ageMs: number) => ({ id, kind: 'status', state, attempts: 1, nextAttemptAt: new Date(t), createdAt: new Date(t - ageMs) });
      await db
        .connection()
        .collection(NODE_COLLECTIONS.documents)
        .insertMany([
          { _id: 'd1', agencyCode: 'A', box: 'outbox', dispatchDue: new Date(t), outgoing: [msg('edoc', 'sent', 9000), msg('status-03', 'pending', 5000)] },
          { _id: 'd2', agencyCode: 'A', box: 'outbox', dispatchDue: new Date(t), outgoing: [msg('edoc', 'pending', 2000), msg('status-04', 'failed', 60_000)] },
          { _id: 'd3', agencyCode: 'A', box: 'outbox', dispatchDue: null, outgoing: [msg('edoc', 'failed', 70_000)] },
          { _id: 'd4', agencyCode: 'A', box: 'inbox', dispatchDue: null, outgoing: [] },
        ] as never);
      const figures = await createOutboxFiguresReader(db.connection()).read();
      expect(figures.pending).to.equal(2);
      expect(figures.failed).to.equal(2);
      expect(figures.oldestPendingSince?.getTime()).to.equal(t - 5000);

      const metrics = createMetrics({ now });
      metrics.watchOutbox(() => createOutboxFiguresReader(db.connection()).read());
      const text = await metrics.render();
      expect(sample(text, 'lienthong_outbox_pending_messages ')).to.equal(2);
      expect(sample(text, 'lienthong_outbox_failed_messages ')).to.equal(2);
      expect(sample(text, 'lienthong_outbox_oldest_pending_seconds ')).to.be.at.least(5);
    });
  });
});
