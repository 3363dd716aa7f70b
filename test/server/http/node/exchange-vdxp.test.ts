import { expect } from 'chai';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { G22, H27, api, eventually, inboxDocument, loginAs, metadataFor, personSignedPdf, postDocument, startExchange, type Exchange } from './exchange-fixture.js';

describe('node clerk API: the exchange through the VDXP dialect (LIENTHONG_AXIS_DIALECT=vdxp) @db', function () {
  this.timeout(120_000);
  const db = useDatabase();
  let ex: Exchange;
  let g22: string;
  let h27: string;

  before(async () => {
    ex = await startExchange(db, { dialect: 'vdxp' });
    [g22, h27] = await Promise.all([loginAs(ex.baseUrl, G22, 'vanthu'), loginAs(ex.baseUrl, H27, 'vanthu')]);
  });
  after(async () => ex?.close());

  it('when a clerk sends through the VDXP facade, then the receiver verifies the package by its XML signature alone and 01 flows back', async () => {
    const sent = await postDocument(ex.baseUrl, g22, await personSignedPdf(ex.agency(G22)), metadataFor([H27]));
    const created = await readJson(sent);
    expect(sent.status, JSON.stringify(created)).to.equal(202);

    const doc = await inboxDocument(ex.baseUrl, h27, created.documentId);
    expect(doc.from).to.equal(G22);
    expect(doc.validation.verdict).to.equal('accepted');
    const sigs = doc.validation.signatures as Array<Record<string, any>>;
    expect(sigs.map((s) => s.kind)).to.deep.equal(['package', 'pdf', 'pdf']);
    expect(sigs.every((s) => s.indication === 'TOTAL_PASSED')).to.equal(true);
    expect(sigs[0]!.boundToSender).to.equal(true);

    // The axis moved the bare .edxml: no detached CMS was stored for this package.
    const stored = await db.connection().collection('axis_submissions').findOne({ documentId: created.documentId });
    expect(stored, 'the submission').to.not.equal(null);
    expect(Buffer.from(stored!.signature?.buffer ?? stored!.signature ?? []).length).to.equal(0);

    await eventually('01 back at the sender', async () => {
      const d = await readJson(await api(ex.baseUrl, g22, 'GET', `/documents/${created.id}`));
      const timeline = (d.recipients.find((r: any) => r.code === H27)?.timeline ?? []).map((t: any) => t.code);
      return timeline.includes('01') ? d : undefined;
    });
  });
});
