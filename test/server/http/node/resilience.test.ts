import { expect } from 'chai';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { G22, H27, H49, api, eventually, loginAs, metadataFor, personSignedPdf, postDocument, startExchange, type Exchange } from './exchange-fixture.js';

describe('node workers: axis down, failed messages, several node processes @db', function () {
  this.timeout(400_000);

  describe('with the axis down for a while @db', () => {
    const db = useDatabase();
    let ex: Exchange;
    before(async () => {
      ex = await startExchange(db, { dispatch: { baseDelayMs: 50, maxDelayMs: 400, maxAttempts: 1000 } });
    });
    after(async () => ex?.close());

    it('when documents are sent while the axis is unreachable, then they wait with backoff and all arrive once it returns', async () => {
      const g22 = await loginAs(ex.baseUrl, G22, 'vanthu');
      const h27 = await loginAs(ex.baseUrl, H27, 'vanthu');
      const pdf = await personSignedPdf(ex.agency(G22));
      ex.axisDown = true;
      const ids: string[] = [];
      const documentIds: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27]));
        const b = await readJson(r);
        expect(r.status, JSON.stringify(b)).to.equal(202);
        ids.push(b.id);
        documentIds.push(b.documentId);
      }
      await eventually('a few failed attempts', async () => {
        const d = await readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${ids[0]}`));
        return d.messages[0].attempts >= 3 && d.messages[0].state === 'pending' ? d : undefined;
      });
      ex.axisDown = false;
      await eventually(
        'every document in H27 inbox',
        async () => {
          const list = await readJson(await api(ex.baseUrl, h27, 'GET', '/documents?box=inbox&pageSize=100'));
          const got = (list.items as any[]).filter((d) => documentIds.includes(d.documentId));
          return got.length === documentIds.length ? got : undefined;
        },
        30_000,
      );
      const list = await readJson(await api(ex.baseUrl, h27, 'GET', '/documents?box=inbox&pageSize=100'));
      expect((list.items as any[]).filter((d) => documentIds.includes(d.documentId))).to.have.length(documentIds.length);
    });
  });

  describe('with a small attempt budget @db', () => {
    const db = useDatabase();
    let ex: Exchange;
    before(async () => {
      ex = await startExchange(db, { dispatch: { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 2 } });
    });
    after(async () => ex?.close());

    it('when every attempt fails, then the message is visibly failed, and a clerk retry delivers it', async () => {
      const g22 = await loginAs(ex.baseUrl, G22, 'vanthu');
      const h49 = await loginAs(ex.baseUrl, H49, 'vanthu');
      ex.axisDown = true;
      const created = await readJson(await postDocument(ex.baseUrl, g22, await personSignedPdf(ex.agency(G22)), metadataFor([H49])));
      const failed = await eventually('failed', async () => {
        const d = await readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${created.id}`));
        return d.messages[0].state === 'failed' ? d : undefined;
      });
      expect(failed.messages[0].attempts).to.equal(2);
      expect(failed.messages[0].lastError).to.match(/^ERR_AXIS_UNAVAILABLE/);
      expect(failed.delivery).to.equal('failed');
      const nothing = await api(ex.baseUrl, g22, 'POST', `/documents/${created.id}/retry`);
      expect(nothing.status).to.equal(200);
      ex.axisDown = false;
      await eventually('sent after retry', async () => {
        const d = await readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${created.id}`));
        return d.messages[0].state === 'sent' ? d : undefined;
      });
      const again = await api(ex.baseUrl, g22, 'POST', `/documents/${created.id}/retry`);
      expect(again.status).to.equal(409);
      expect((await readJson(again)).code).to.equal('ERR_CONFLICT');
      await eventually('in H49 inbox', async () => {
        const list = await readJson(await api(ex.baseUrl, h49, 'GET', '/documents?box=inbox'));
        return (list.items as any[]).find((d) => d.documentId === created.documentId);
      });
    });
  });

  describe('with three node processes on one database @db @slow', () => {
    const db = useDatabase();
    let ex: Exchange;
    before(async () => {
      ex = await startExchange(db, { extraNodes: 2 });
    });
    after(async () => ex?.close());

    it('when 10 documents go to two agencies, then each is sent, verified and answered exactly once', async () => {
      const g22 = await loginAs(ex.baseUrl, G22, 'vanthu');
      const h27 = await loginAs(ex.baseUrl, H27, 'vanthu');
      const h49 = await loginAs(ex.baseUrl, H49, 'vanthu');
      const pdf = await personSignedPdf(ex.agency(G22));
      const created = await Promise.all(Array.from({ length: 10 }, async () => readJson(await postDocument(ex.baseUrl, g22, pdf, metadataFor([H27, H49])))));
      const documentIds = new Set(created.map((c) => c.documentId as string));
      expect(documentIds.size).to.equal(10);
      for (const token of [h27, h49]) {
        const got = await eventually(
          'all 10 received',
          async () => {
            const list = await readJson(await api(ex.baseUrl, token, 'GET', '/documents?box=inbox&pageSize=100'));
            const mine = (list.items as any[]).filter((d) => documentIds.has(d.documentId));
            return mine.length >= 10 ? mine : undefined;
          },
          150_000,
        );
        expect(got).to.have.length(10); // no duplicate stored
      }
      const outbox = await eventually(
        '01 from both for all',
        async () => {
          const docs = await Promise.all(created.map(async (c) => readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${c.id}`))));
          return docs.every((d) => d.recipients.every((r: any) => r.timeline.some((t: any) => t.code === '01'))) ? docs : undefined;
        },
        150_000,
      );
      for (const d of outbox) {
        for (const r of d.recipients)
          expect(
            r.timeline.filter((t: any) => t.code === '01'),
            `${d.id} ${r.code}`,
          ).to.have.length(1);
        expect(d.messages.filter((m: any) => m.kind === 'edoc')).to.have.length(1);
      }
      // the axis saw each package once per recipient
      const axisToken = async (code: string) => {
        const r = await fetch(`${ex.baseUrl}/axis/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId: code, secret: `axis-secret-${code}-0123456789abcdef` }) });
        return (await readJson(r)).accessToken as string;
      };
      const t27 = await axisToken(H27);
      const done = await readJson(await fetch(`${ex.baseUrl}/axis/v1/edocs?status=done&type=edoc&pageSize=100`, { headers: { authorization: `Bearer ${t27}` } }));
      const ours = (done.items as any[]).filter((d) => documentIds.has(d.documentId));
      expect(ours).to.have.length(10);
    });
  });
});
