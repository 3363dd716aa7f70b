import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDevelopmentPki, encodePem, issueCrl, parseCrl, validateChain, type DevelopmentPki } from '../../../crypto/index.js';
import { developmentCrlSource } from '../../../server/compose/dev-pki.js';
import { createCrlRefresher, fileCrlSource, type CrlSource } from '../../../server/trust/refresh-crls.js';
import { createTestClock } from '../../support/clock.js';

const DAY = 86_400_000;
const quiet = { info: () => undefined, warn: () => undefined };

describe('server/trust/refresh-crls', function () {
  this.timeout(30_000);
  let pki: DevelopmentPki;
  const clock = createTestClock();
  before(async () => {
    pki = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [{ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' }] });
  });
  const sealValidAt = (crls: readonly Uint8Array[], at: Date) => validateChain({ leaf: pki.agencies[0]!.seal.identity.certificate, intermediates: [pki.issuingCa.certificate], trustAnchors: [pki.root.certificate], crls, at, purpose: 'signature' });

  it('when the development CRLs near their nextUpdate, then the refresher is due before it and re-issues them, so exchange does not stop after 30 days', async () => {
    const c = createTestClock(clock());
    const refresher = createCrlRefresher({ sources: [developmentCrlSource(pki)], now: c, logger: quiet, intervalMs: 365 * DAY });
    await refresher.refresh();
    const first = refresher.current().map((d) => parseCrl(d));
    const issuingNext = first[0]!.nextUpdate!.getTime();
    expect(issuingNext - c().getTime()).to.be.closeTo(30 * DAY, 60_000);
    expect(refresher.nextDueAt().getTime())
      .to.be.lessThan(issuingNext)
      .and.greaterThan(c().getTime() + 20 * DAY);
    expect(sealValidAt(refresher.current(), c()).indication).to.equal('TOTAL_PASSED');

    c.advance(31 * DAY);
    const stale = sealValidAt(refresher.current(), c());
    expect([stale.indication, stale.subIndication]).to.deep.equal(['INDETERMINATE', 'TRY_LATER']);
    await refresher.refreshDue();
    expect(parseCrl(refresher.current()[0]!).nextUpdate!.getTime()).to.be.greaterThan(c().getTime() + 29 * DAY);
    expect(sealValidAt(refresher.current(), c()).indication).to.equal('TOTAL_PASSED');
  });

  it('when a CRL file is replaced, then the next refresh reads the new one; a source that fails keeps its last good CRLs and is retried soon', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-crl-'));
    try {
      const c = createTestClock(clock());
      const file = join(dir, 'ca.crl.pem');
      const crlAt = (t: Date) => issueCrl({ issuer: pki.issuingCa, revoked: [], thisUpdate: t, nextUpdate: new Date(t.getTime() + 7 * DAY) });
      writeFileSync(file, encodePem('X509 CRL', crlAt(c())));
      let fail = false;
      const flaky: CrlSource = {
        name: 'flaky',
        load: async (now) => {
          if (fail) throw new Error('CDP unreachable');
          return [issueCrl({ issuer: pki.root, revoked: [], thisUpdate: now, nextUpdate: new Date(now.getTime() + 30 * DAY) })];
        },
      };
      const refresher = createCrlRefresher({ sources: [fileCrlSource(file, async (p) => new Uint8Array(await readFile(p))), flaky], now: c, logger: quiet, intervalMs: 3_600_000, retryMs: 60_000 });
      await refresher.refresh();
      const before = refresher.current().map((d) => parseCrl(d).sha256);
      expect(before).to.have.length(2);
      c.advance(2 * DAY);
      writeFileSync(file, encodePem('X509 CRL', crlAt(c())));
      fail = true;
      await refresher.refresh();
      const after = refresher.current().map((d) => parseCrl(d).sha256);
      expect(after[0]).to.not.equal(before[0]);
      expect(after[1]).to.equal(before[1]);
      expect(refresher.nextDueAt().getTime() - c().getTime()).to.be.at.most(60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
