import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDevelopmentPki, encodePem, signDetached, type DevelopmentPki } from '../../../../crypto/index.js';
import { pairDetachedSignatures, verifyAttachmentSignature } from '../../../../server/domain/edxml/index.js';
import { isDomainError } from '../../../../server/domain/errors.js';
import { createTestClock } from '../../../support/clock.js';

const named = (...names: string[]) => names.map((AttachmentName) => ({ AttachmentName }));

describe('attachment detached signatures (X.p7s signs X)', function () {
  this.timeout(30_000);
  const clock = createTestClock();
  let pki: DevelopmentPki;
  let now: Date;
  let dir: string;
  const docx = new TextEncoder().encode('PK\u0003\u0004 word/document.xml: Kính gửi Ủy ban nhân dân tỉnh Hà Tĩnh');

  before(async () => {
    now = clock();
    pki = await createDevelopmentPki({ now: new Date(now.getTime() - 60_000), agencies: [{ code: '000.00.00.G12', name: 'Bộ Tài chính (DEV)' }] });
    dir = mkdtempSync(join(tmpdir(), 'lienthong-att-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('when attachments are paired, then X.p7s signs exactly X, anything else is a file or an unpaired signature', () => {
    expect(pairDetachedSignatures(named('cv.pdf', 'memo.docx', 'memo.docx.P7S', 'bang.xlsx'))).to.deep.equal([{ kind: 'file' }, { kind: 'file', signature: 2 }, { kind: 'signature', signs: 1 }, { kind: 'file' }]);
    // no such file, a file named twice, a signature named twice, and a signature of a signature
    expect(pairDetachedSignatures(named('lost.docx.p7s'))).to.deep.equal([{ kind: 'unpaired-signature', names: 'lost.docx' }]);
    expect(pairDetachedSignatures(named('a.txt', 'a.txt', 'a.txt.p7s'))[2]).to.deep.equal({ kind: 'unpaired-signature', names: 'a.txt' });
    expect(pairDetachedSignatures(named('a.txt', 'a.txt.p7s', 'a.txt.p7s')).map((r) => r.kind)).to.deep.equal(['file', 'unpaired-signature', 'unpaired-signature']);
    expect(pairDetachedSignatures(named('a.txt', 'a.txt.p7s', 'a.txt.p7s.p7s')).map((r) => r.kind)).to.deep.equal(['file', 'signature', 'unpaired-signature']);
    expect(pairDetachedSignatures(named('.p7s'))).to.deep.equal([{ kind: 'file' }]);
  });

  it('when a detached signature covers the attachment, then it verifies TOTAL_PASSED here and with OpenSSL; one changed byte fails both (HASH_FAILURE)', async () => {
    const g12 = pki.agencies[0]!;
    const sig = await signDetached({ content: docx }, { identity: g12.person.identity, signingTime: now, hash: 'SHA-256', includeChain: true });
    const options = { trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl], now: clock() };
    const ok = await verifyAttachmentSignature(docx, sig, options);
    expect(ok.indication).to.equal('TOTAL_PASSED');
    expect(ok.signer?.sha256).to.be.a('string');
    const tampered = docx.slice();
    tampered[10] = (tampered[10] as number) ^ 1;
    const bad = await verifyAttachmentSignature(tampered, sig, options);
    expect(bad.indication).to.equal('TOTAL_FAILED');
    expect(bad.subIndication).to.equal('HASH_FAILURE');

    writeFileSync(join(dir, 'memo.docx'), docx);
    writeFileSync(join(dir, 'tampered.docx'), tampered);
    writeFileSync(join(dir, 'memo.docx.p7s'), sig);
    writeFileSync(join(dir, 'root.pem'), encodePem('CERTIFICATE', pki.root.certificate));
    const run = (content: string) =>
      spawnSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'memo.docx.p7s'), '-content', join(dir, content), '-CAfile', join(dir, 'root.pem'), '-purpose', 'any', '-attime', String(Math.floor(now.getTime() / 1000)), '-out', '/dev/null'],
        { encoding: 'utf8' },
      );
    const good = run('memo.docx');
    expect(good.status, good.stderr).to.equal(0);
    expect(run('tampered.docx').status).to.not.equal(0);
  });

  it('when the .p7s is not a CMS structure, then it throws ERR_SIGNATURE_INVALID (ATTACHMENT_SIGNATURE_MALFORMED)', async () => {
    try {
      await verifyAttachmentSignature(docx, new TextEncoder().encode('not a signature'), { trustAnchors: [pki.root.certificate], now: clock() });
      expect.fail('expected a throw');
    } catch (e) {
      expect(isDomainError(e, 'ERR_SIGNATURE_INVALID'), String(e)).to.equal(true);
      expect((e as { details?: { reason?: string } }).details?.reason).to.equal('ATTACHMENT_SIGNATURE_MALFORMED');
    }
  });
});
