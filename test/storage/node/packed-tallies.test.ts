import { expect } from 'chai';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { COUNTER_RECENT_KEYS } from '../../../server/domain/ports/node/index.js';
import { keyHashOf, packSheet, remember, remembers, unpackSheet, unpackTrend, zeroTally } from '../../../storage/node/packed-tallies.js';

describe('storage/node packed roll-ups and trends', () => {
  const B = parseAgencyCode('000.00.01.H27');

  it('when a roll-up is packed and read back, then every row comes back, and a text written with other counter names reads them by name', () => {
    const total = zeroTally();
    total.counts.outgoing = 5;
    total.histograms.toArrived[12] = 3;
    const row = zeroTally();
    row.counts.signed = 2;
    row.histograms.toAccepted[40] = 1;
    const back = unpackSheet(packSheet({ total, descendants: new Map([[B, row]]) }));
    expect(back.total).to.deep.equal(total);
    expect(back.descendants.get(B)).to.deep.equal(row);
    // An older document: fewer names, in another order, one unknown (dropped), histograms by name.
    const older = unpackSheet(JSON.stringify({ names: ['signed', 'gone', 'outgoing'], hists: ['toAccepted'], t: [4, 99, 9, { 7: 2 }], d: {} }));
    expect(older.total.counts).to.include({ signed: 4, outgoing: 9, inbound: 0 });
    expect(older.total.histograms).to.deep.equal({ toArrived: {}, toAccepted: { 7: 2 } });
    const trend = unpackTrend(JSON.stringify({ names: ['outgoing'], m: { '03': [[3], [1]] } }));
    expect(trend.get('03')).to.deep.include({ total: { ...zeroTally().counts, outgoing: 3 }, own: { ...zeroTally().counts, outgoing: 1 } });
  });

  it('when more keys than the window are remembered, then the oldest is forgotten and the recent ones are still known', () => {
    let recent = '';
    for (let i = 0; i <= COUNTER_RECENT_KEYS; i++) recent = remember(recent, keyHashOf(`doc-${i}:sent`));
    expect(remembers(recent, keyHashOf('doc-0:sent'))).to.equal(false);
    expect(remembers(recent, keyHashOf('doc-1:sent'))).to.equal(true);
    expect(remembers(recent, keyHashOf(`doc-${COUNTER_RECENT_KEYS}:sent`))).to.equal(true);
    expect(remembers(recent, keyHashOf('doc-1:recalled'))).to.equal(false);
    // A hash is only matched at its own position, not across two neighbours.
    expect(remembers(recent, recent.slice(6, 18))).to.equal(false);
  });
});
