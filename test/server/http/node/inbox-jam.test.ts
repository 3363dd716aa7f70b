import { expect } from 'chai';
import { signPdf } from '../../../../crypto/index.js';
import { buildStatusPackage, formatEdxmlTimestamp, signPackage } from '../../../../server/domain/edxml/index.js';
import { createHostedAgencyRepository } from '../../../../storage/node/index.js';
import { deadlineIn } from '../../../support/clock.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { axisDeliveries, axisToken, buildHandPackage, handDocumentId, submitByHand } from './axis-by-hand.js';
import { G12, G22, H27, api, eventually, inboxDocument, loginAs, metadataFor, personSignedPdf, postDocument, secretOf, startExchange, type Exchange } from './exchange-fixture.js';

/**
 * Issue 11 §4: an inbox no sender can jam. G12 is registered at the axis with valid credentials and drives it
 * by hand; H27 and G22 are hosted by the node under test.
 */
describe('node inbox: no sender can jam it @db', function () {
  this.timeout(300_000);
  const db = useDatabase();
  let ex: Exchange;
  let g22: string;
  let h27: string;
  let g12Axis: string;
  let h27Axis: string;
  const g12 = { code: G12, name: 'Bộ Tài chính' };

  before(async () => {
    // Slower idle timers than the other exchange tests (a busy poll drains its backlog without them): each
    // idle poll or claim is a scan on FerretDB 1.x, and the flood makes the collections long.
    ex = await startExchange(db, { receive: { baseDelayMs: 200, maxDelayMs: 400, maxAttempts: 3 }, pollIntervalMs: 400, dispatchIntervalMs: 200 });
    [g22, h27] = await Promise.all([loginAs(ex.baseUrl, G22, 'vanthu'), loginAs(ex.baseUrl, H27, 'vanthu')]);
    [g12Axis, h27Axis] = await Promise.all([axisToken(ex.baseUrl, G12, secretOf(G12)), axisToken(ex.baseUrl, H27, secretOf(H27))]);
  });
  after(async () => ex?.close());

  /** `eventually`, probing once a second: every probe lists deliveries, a scan on FerretDB 1.x that competes with the work. */
  async function slowly<T>(what: string, probe: () => Promise<T | undefined>, ms = 200_000): Promise<T> {
    const over = deadlineIn(ms);
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (over()) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  const date = () => formatEdxmlTimestamp(ex.clock()).slice(0, 10);
  const month = () => new Date(ex.clock().getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
  const report = async (token: string) => readJson(await api(ex.baseUrl, token, 'GET', `/reports/monthly?month=${month()}`));

  /** Holds H27's poll lease while `work` runs, so what it submits waits at the axis and reaches the node in one poll. */
  async function whileH27Waits<T>(work: () => Promise<T>): Promise<T> {
    const hosted = createHostedAgencyRepository(db.connection());
    await eventually('the poll lease of H27', async () => (await hosted.claimPoll(H27, 'test-holder', ex.clock(), 60_000)) || undefined);
    try {
      return await work();
    } finally {
      await hosted.releasePoll(H27, 'test-holder', ex.clock());
    }
  }

  it('when one agency sends 50 revoke packages naming unknown documents, then each is answered at once and a real document sent after them arrives', async () => {
    const before = await report(h27);
    const revokes: string[] = [];
    // Fifty well-formed revoke packages, each signed by G12's own registered seal, naming documents H27 never
    // received. They go to the axis through its own use case (what its HTTP route calls), one after another.
    const poisoned = Array.from({ length: 50 }, (_, i) => ({
      from: g12,
      to: H27,
      number: `9${String(i).padStart(3, '0')}`,
      date: date(),
      bussiness: { BussinessDocType: 1 as const, DocumentId: `${G12},${date()},1${i}/KHONG-CO`, BussinessDocReason: 'Thu hồi' },
    }));
    const packages = await Promise.all(
      poisoned.map(async (p) => {
        const packageBytes = buildHandPackage(p);
        return { packageBytes, signature: await signPackage(packageBytes, ex.agency(G12).seal.identity, ex.clock()) };
      }),
    );
    const real = await whileH27Waits(async () => {
      for (const p of packages) {
        const r = await ex.axis.services.submitPackage({ principal: { agencyCode: G12 }, type: 'edoc', ...p });
        expect(r).to.include({ duplicate: false, type: 'edoc' });
        expect(r.recipients).to.deep.equal([H27]);
      }
      revokes.push(...poisoned.map(handDocumentId));
      const sent = await readJson(await postDocument(ex.baseUrl, g22, await personSignedPdf(ex.agency(G22)), metadataFor([H27])));
      // the real document waits at the axis behind all 50 (page 2 of a 50-item page)
      await eventually('the real document queued for H27', async () => ((await axisDeliveries(ex.baseUrl, h27Axis, 'pending', 'edoc')).some((d) => d.documentId === sent.documentId) ? true : undefined));
      expect((await axisDeliveries(ex.baseUrl, h27Axis, 'pending', 'edoc')).length).to.equal(51);
      return sent;
    });

    // It goes in the first window of the next pass (senders share the passes), not behind the 50.
    const doc = await inboxDocument(ex.baseUrl, h27, real.documentId, 20_000);
    expect(doc.validation.verdict).to.equal('accepted');

    // Deadlines, not timings: on this shared 2-core machine the 50 take from ~20 s (idle) to minutes (loaded).
    const failed = await slowly('the 50 revokes answered fail', async () => {
      const list = (await axisDeliveries(ex.baseUrl, h27Axis, 'fail', 'edoc')).filter((d) => revokes.includes(d.documentId));
      return list.length === 50 ? list : undefined;
    });
    for (const d of failed) {
      expect(d.downloads, d.documentId).to.equal(1); // answered at the first attempt, never retried
      expect(d.ackReason).to.match(/^RECALL_TARGET_UNKNOWN: /);
    }
    expect((await axisDeliveries(ex.baseUrl, h27Axis, 'pending', 'edoc')).filter((d) => revokes.includes(d.documentId))).to.have.length(0);

    // each revoke is kept as a closed record whose 16 goes back to its sender
    const inbox = (await readJson(await api(ex.baseUrl, h27, 'GET', '/documents?box=inbox&pageSize=100'))).items as Array<Record<string, any>>;
    const records = inbox.filter((d) => revokes.includes(d.documentId));
    expect(records).to.have.length(50);
    const one = await readJson(await api(ex.baseUrl, h27, 'GET', `/documents/${records[0]!.id}`));
    expect(one.validation).to.include({ verdict: 'refused', reasonCode: 'RECALL_TARGET_UNKNOWN' });
    expect(one.recipients[0]).to.include({ phase: 'refused', recall: 'refused' });
    expect(one.recipients[0].timeline.map((t: any) => t.code)).to.deep.equal(['16']);
    const answers = await slowly('fifty 16s waiting for G12', async () => {
      const list = (await axisDeliveries(ex.baseUrl, g12Axis, 'pending', 'status')).filter((d) => revokes.includes(d.documentId));
      return list.length === 50 ? list : undefined;
    });
    expect(answers.every((a) => a.statusCode === '16' && a.from === H27)).to.equal(true);

    // a revoke is not an incoming document: the monthly counters moved by the real document only
    const after = await report(h27);
    expect(after.inbound - before.inbound).to.equal(1);
    expect(after.inboundRefused - before.inboundRefused).to.equal(0);
  });

  it('when a revoke names a document already refused, then RECALL_NOT_ALLOWED with a 16; a status 13 about it is answered fail with ERR_STATUS_TRANSITION', async () => {
    const sender = ex.agency(G12);
    const signed = (await signPdf(await personSignedPdf(sender), { identity: sender.seal.identity, role: 'seal', signingTime: ex.clock(), appearance: false })).pdf;
    const altered = new Uint8Array(signed);
    altered[7] = altered[7] === 0x37 ? 0x36 : 0x37; // inside the signed byte ranges: the receiver refuses it (02)
    const target = { from: g12, to: H27, number: '8801', date: date(), bussiness: { BussinessDocType: 0 as const } };
    const attachments = [{ ContentId: 'cid:1', AttachmentName: 'altered.pdf', ContentType: 'application/pdf', Content: altered, Zipped: false }];
    expect((await submitByHand(ex.baseUrl, g12Axis, 'edoc', buildHandPackage({ ...target, attachments }), sender.seal, ex.clock())).status).to.equal(201);
    const refused = await inboxDocument(ex.baseUrl, h27, handDocumentId(target), 60_000);
    expect(refused.recipients[0].phase).to.equal('refused');

    const revoke = { from: g12, to: H27, number: '8802', date: date(), bussiness: { BussinessDocType: 1 as const, DocumentId: handDocumentId(target) } };
    expect((await submitByHand(ex.baseUrl, g12Axis, 'edoc', buildHandPackage(revoke), sender.seal, ex.clock())).status).to.equal(201);
    const record = await inboxDocument(ex.baseUrl, h27, handDocumentId(revoke), 60_000);
    expect(record.validation.reasonCode).to.equal('RECALL_NOT_ALLOWED');
    expect(record.recipients[0].timeline.map((t: any) => t.code)).to.deep.equal(['16']);

    const status = buildStatusPackage({
      From: { OrganId: G12, OrganName: g12.name },
      ResponseFor: { OrganId: G12, Code: '8801/HAND-VP', PromulgationDate: date(), DocumentId: handDocumentId(target) },
      StatusCode: '13',
      Description: 'Thu hồi',
      Timestamp: formatEdxmlTimestamp(ex.clock()),
    });
    const sent = await submitByHand(ex.baseUrl, g12Axis, 'status', status, sender.seal, ex.clock());
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    const answered = await eventually('the 13 answered fail', async () => (await axisDeliveries(ex.baseUrl, h27Axis, 'fail', 'status')).find((d) => d.docId === sent.body.docId));
    expect(answered.downloads).to.equal(1);
    expect(answered.ackReason).to.match(/^ERR_STATUS_TRANSITION: /);
    const still = await readJson(await api(ex.baseUrl, h27, 'GET', `/documents/${refused.id}`));
    expect(still.recipients[0]).to.include({ phase: 'refused', recall: 'none' });
  });

  it("when a receiver's 03 crosses the sender's 13 on the axis, then both sides end accepted with the recall pending, and the 16 settles it on both", async () => {
    const sent = await readJson(await postDocument(ex.baseUrl, g22, await personSignedPdf(ex.agency(G22)), metadataFor([H27])));
    const inH27 = await inboxDocument(ex.baseUrl, h27, sent.documentId, 60_000);
    const sender = async () => (await readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${sent.id}`))).recipients[0];
    const receiver = async () => (await readJson(await api(ex.baseUrl, h27, 'GET', `/documents/${inH27.id}`))).recipients[0];
    await eventually('01 at the sender', async () => ((await sender()).phase === 'arrived' ? true : undefined), 60_000);

    ex.axisDown = true; // neither side's message leaves before the other's is made: they cross
    try {
      expect((await api(ex.baseUrl, h27, 'POST', `/documents/${inH27.id}/status`, { code: '03' })).status).to.equal(200);
      expect((await api(ex.baseUrl, g22, 'POST', `/documents/${sent.id}/recall`, { reason: 'Sai sót' })).status).to.equal(200);
    } finally {
      ex.axisDown = false;
    }
    const crossed = async () => {
      const [s, r] = await Promise.all([sender(), receiver()]);
      return s.phase === 'accepted' && s.recall === 'requested' && r.phase === 'accepted' && r.recall === 'requested' ? { s, r } : undefined;
    };
    const both = await eventually('both sides accepted, recall requested', crossed, 60_000);
    expect(both.s.timeline.map((t: any) => t.code)).to.deep.equal(['01', '13', '03']);
    expect(both.r.timeline.map((t: any) => t.code)).to.deep.equal(['01', '03', '13']);

    expect((await api(ex.baseUrl, h27, 'POST', `/documents/${inH27.id}/status`, { code: '16', description: 'Đã tiếp nhận' })).status).to.equal(200);
    await eventually(
      '16 on both sides',
      async () => {
        const [s, r] = await Promise.all([sender(), receiver()]);
        return s.recall === 'refused' && r.recall === 'refused' && s.phase === 'accepted' && r.phase === 'accepted' ? true : undefined;
      },
      60_000,
    );
    // nothing was refused on the way: no status delivery of this document failed at either side
    const g22Axis = await axisToken(ex.baseUrl, G22, secretOf(G22));
    expect((await axisDeliveries(ex.baseUrl, g22Axis, 'fail', 'status')).filter((d) => d.documentId === sent.documentId)).to.have.length(0);
    expect((await axisDeliveries(ex.baseUrl, h27Axis, 'fail', 'status')).filter((d) => d.documentId === sent.documentId)).to.have.length(0);
  });
});
