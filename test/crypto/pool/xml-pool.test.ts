import { expect } from 'chai';
import { createPdfPool, signEnveloped, verifyEnveloped, type PdfPool } from '../../../crypto/index.js';
import { expectCryptoCode } from '../../support/expect-code.js';
import { cmsFixture, type CmsFixture } from '../cms/fixtures.js';

const EDXML = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const unsigned = `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${EDXML}" xmlns:edXML="${EDXML}"><edXML:edXMLEnvelope><edXML:edXMLHeader>
<edXML:MessageHeader><edXML:Subject>Về việc thử nghiệm</edXML:Subject></edXML:MessageHeader>
<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.H01</edXML:OrganId></edXML:TraceHeader></edXML:TraceHeaderList>
</edXML:edXMLHeader><edXML:edXMLBody><edXML:edXMLManifest version="1.0"/></edXML:edXMLBody></edXML:edXMLEnvelope>
<AttachmentEncoded><Attachment><ContentId>cid:1</ContentId></Attachment></AttachmentEncoded></edXML>
`;
const placement = { parent: { ns: EDXML, local: 'edXMLHeader' }, after: { ns: EDXML, local: 'TraceHeaderList' } };

describe('crypto/pool: XML-DSig verification and signing off the event loop', function () {
  this.timeout(60_000);
  let f: CmsFixture;
  let signed: Uint8Array;
  let pool: PdfPool | undefined;
  const trust = () => ({ trustAnchors: [f.pki.root.certificate], intermediates: [f.pki.issuingCa.certificate], crls: f.crls, now: f.now });

  before(async () => {
    f = await cmsFixture();
    signed = await signEnveloped(new TextEncoder().encode(unsigned), { identity: f.rsa.identity, hash: 'SHA-256', canonicalization: 'exclusive', includeChain: true, placement });
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('when a signed document is verified in the worker, then the report is the one this thread computes, and a change fails the same way', async () => {
    pool = createPdfPool({ size: 1 });
    const inWorker = await pool.verifyXmlSignature(signed, trust());
    expect(inWorker.indication, inWorker.reason).to.equal('TOTAL_PASSED');
    expect(JSON.parse(JSON.stringify(inWorker))).to.deep.equal(JSON.parse(JSON.stringify(verifyEnveloped(signed, trust()))));
    const changed = new TextEncoder().encode(new TextDecoder().decode(signed).replace('thử nghiệm', 'thử nghiệM'));
    const bad = await pool.verifyXmlSignature(changed, trust());
    expect([bad.indication, bad.subIndication]).to.deep.equal(['TOTAL_FAILED', 'HASH_FAILURE']);
  });

  it('when a document is signed in the worker, then it is byte for byte what this thread signs (the key stays here) and verifies; malformed XML is the same CryptoError', async () => {
    pool = createPdfPool({ size: 1 });
    const options = { identity: f.rsa.identity, hash: 'SHA-256' as const, canonicalization: 'exclusive' as const, includeChain: true, placement };
    const inWorker = await pool.signXmlEnveloped(new TextEncoder().encode(unsigned), options);
    expect(Buffer.from(inWorker).equals(Buffer.from(signed))).to.equal(true);
    const report = verifyEnveloped(inWorker, trust());
    expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
    await expectCryptoCode(pool.signXmlEnveloped(new TextEncoder().encode('<a><b></a>'), options), 'ERR_XMLDSIG_MALFORMED');
  });

  it('when a document is over the size limit, then ERR_POOL_INPUT_TOO_LARGE before any work; when its work outlasts the time limit, then ERR_POOL_TIMEOUT (the worker is stopped)', async () => {
    pool = createPdfPool({ size: 1, timeoutMs: 50, maxXmlBytes: signed.byteLength + 8_000_000 });
    await expectCryptoCode(pool.verifyXmlSignature(new Uint8Array(signed.byteLength + 8_000_001), trust()), 'ERR_POOL_INPUT_TOO_LARGE');
    // 8 MB of elements: building the DOM and canonicalizing them takes far more than 50 ms
    const heavy = new TextEncoder().encode(new TextDecoder().decode(signed).replace('<ContentId>', `${'<x/>'.repeat(1_999_000)}<ContentId>`));
    await expectCryptoCode(pool.verifyXmlSignature(heavy, trust()), 'ERR_POOL_TIMEOUT');
  });
});
