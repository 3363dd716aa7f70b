import { expect } from 'chai';
import { createDevelopmentPki } from '../../../crypto/index.js';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import type { SealedItemRepository } from '../../../server/domain/ports/node/index.js';
import { createDevelopmentKeyStore } from '../../../server/node/keys/development-key-store.js';
import { parseDocumentMetadata } from '../../../server/node/metadata.js';
import { devIdentityToPkcs12 } from '../../../server/node/provision.js';
import { testClock } from '../../support/clock.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

const valid = {
  to: ['000.00.00.H27'],
  subject: 'Về việc X',
  codeNumber: '12',
  codeNotation: 'UBND-VP',
  promulgationDate: '2026-11-20',
  promulgationPlace: 'Hà Tĩnh',
  documentType: { type: 1, typeName: 'Công văn' },
  signer: { fullName: 'Lê Văn C' },
  priority: 1,
  paper: false,
};

describe('server/node metadata', () => {
  it('when the metadata is complete, then it parses with defaults (present signature, no places, new document)', () => {
    const r = parseDocumentMetadata(JSON.stringify(valid));
    expect(r.personSignature).to.equal('present');
    expect(r.metadata.toPlaces).to.deep.equal([]);
    expect(r.metadata.bussinessDocType).to.equal(0);
    expect(r.to).to.deep.equal(['000.00.00.H27']);
  });

  it('when a key is unknown at any level, then ERR_VALIDATION with its path', () => {
    for (const [bad, path] of [
      [{ ...valid, extra: 1 }, 'metadata'],
      [{ ...valid, signer: { fullName: 'A', title: 'x' } }, 'metadata.signer'],
    ] as const) {
      try {
        parseDocumentMetadata(bad);
        expect.fail('accepted');
      } catch (e) {
        expect((e as { code: string }).code).to.equal('ERR_VALIDATION');
        expect((e as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path)).to.include(path);
      }
    }
  });

  it('when fields are wrong (lower-case code, impossible date, priority 5, padded subject, duplicate recipients, not JSON), then ERR_VALIDATION', () => {
    const cases: unknown[] = [
      { ...valid, to: ['000.00.00.h27'] },
      { ...valid, promulgationDate: '2026-02-30' },
      { ...valid, priority: 5 },
      { ...valid, subject: ' x' },
      { ...valid, to: ['000.00.00.H27', '000.00.00.H27'] },
      { ...valid, to: [] },
      '{not json',
      { ...valid, paper: 'no' },
      { ...valid, personSignature: 'maybe' },
    ];
    for (const c of cases)
      expect(
        codeOf(() => parseDocumentMetadata(c)),
        JSON.stringify(c),
      ).to.equal('ERR_VALIDATION');
  });

  it('when an update of an earlier document is asked, then BussinessDocType 2 with its target', () => {
    const r = parseDocumentMetadata({ ...valid, bussiness: { docType: 'update', targetDocumentId: '000.00.00.G22,2026/11/01,1/VPCP', reason: 'sửa' } });
    expect(r.metadata.bussinessDocType).to.equal(2);
    expect(r.metadata.targetDocumentId).to.equal('000.00.00.G22,2026/11/01,1/VPCP');
  });
});

describe('server/node development key store', function () {
  this.timeout(30_000);
  const rows = new Map<string, Uint8Array>();
  const items: SealedItemRepository = { put: async (n, b) => void rows.set(n, b), get: async (n) => rows.get(n) ?? null };
  const G22 = parseAgencyCode('000.00.00.G22');
  const secret = 'key-store-secret-0123456789abcdef-0123';

  it('when a PKCS#12 is stored, then it comes back as the same identity, sealed at rest, and does not open with another secret or in another slot', async () => {
    const pki = await createDevelopmentPki({ now: testClock(), agencies: [{ code: G22, name: 'VPCP' }] });
    const store = createDevelopmentKeyStore(items, secret, () => testClock());
    const p12 = devIdentityToPkcs12(pki.agencies[0]!.seal, 'seal');
    await store.putPkcs12({ agencyCode: G22, kind: 'seal' }, p12.pkcs12, p12.password);
    const id = await store.getIdentity({ agencyCode: G22, kind: 'seal' });
    expect(Buffer.from(id!.certificate).equals(Buffer.from(pki.agencies[0]!.seal.identity.certificate))).to.equal(true);
    const sealed = rows.get(`key:seal:${G22}`)!;
    expect(Buffer.from(sealed).includes(Buffer.from(p12.pkcs12.subarray(0, 64)))).to.equal(false);
    expect(await store.getIdentity({ agencyCode: G22, kind: 'person', userId: 'nobody' })).to.equal(null);

    const other = createDevelopmentKeyStore(items, `${secret}-other`, () => testClock());
    let code: string | undefined;
    await other.getIdentity({ agencyCode: G22, kind: 'seal' }).catch((e) => (code = e.code));
    expect(code).to.equal('ERR_KEY_UNAVAILABLE');

    rows.set(`key:person:${G22}:u1`, sealed); // moved to another slot
    code = undefined;
    await store.getIdentity({ agencyCode: G22, kind: 'person', userId: 'u1' }).catch((e) => (code = e.code));
    expect(code).to.equal('ERR_KEY_UNAVAILABLE');
  });

  it('when a secret is stored, then it reads back and is not stored in clear', async () => {
    const store = createDevelopmentKeyStore(items, secret, () => testClock());
    await store.putSecret('axis-secret:x', 'very-secret-value');
    expect(await store.getSecret('axis-secret:x')).to.equal('very-secret-value');
    expect(Buffer.from(rows.get('secret:axis-secret:x')!).includes(Buffer.from('very-secret-value'))).to.equal(false);
    expect(await store.getSecret('axis-secret:none')).to.equal(null);
  });
});
