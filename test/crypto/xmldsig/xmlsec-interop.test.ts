import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePem } from '../../../crypto/pki/index.js';
import { signEnveloped, verifyEnveloped, XMLDSIG_NAMESPACE } from '../../../crypto/xmldsig/index.js';
import { isCryptoError } from '../../../crypto/errors.js';
import { cmsFixture, type CmsFixture, type TestIdentity } from '../cms/fixtures.js';

const EDXML = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const unsigned = `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${EDXML}" xmlns:edXML="${EDXML}">
  <edXML:edXMLEnvelope>
    <edXML:edXMLHeader>
      <edXML:MessageHeader><edXML:Subject>Về việc thử nghiệm chữ ký &amp; "XML"</edXML:Subject></edXML:MessageHeader>
      <edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.H01</edXML:OrganId></edXML:TraceHeader></edXML:TraceHeaderList>
    </edXML:edXMLHeader>
    <edXML:edXMLBody><edXML:edXMLManifest version="1.0"/></edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><edXML:ContentTransferEncoded>SGVsbG8=</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded>
</edXML>
`;
const placement = { parent: { ns: EDXML, local: 'edXMLHeader' }, after: { ns: EDXML, local: 'TraceHeaderList' } };

function tamper(bytes: Uint8Array): Uint8Array {
  return new TextEncoder().encode(new TextDecoder().decode(bytes).replace('thử nghiệm', 'thử nghiệM'));
}

describe('crypto/xmldsig enveloped signatures, cross-checked with xmlsec1', function () {
  this.timeout(60_000);
  let f: CmsFixture;
  let ec: TestIdentity;
  let gmt: string;
  let caPem: string;

  before(async () => {
    f = await cmsFixture();
    ec = await f.issue('xmldsig-ecdsa', { keyType: 'p256' });
    gmt = f.now.toISOString().slice(0, 19).replace('T', ' ');
    caPem = f.write('issuing-ca.pem', encodePem('CERTIFICATE', f.pki.issuingCa.certificate));
  });

  function xmlsec(args: readonly string[]): { ok: boolean; out: string } {
    try {
      return { ok: true, out: execFileSync('xmlsec1', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e) {
      return { ok: false, out: String((e as { stderr?: string }).stderr ?? e) };
    }
  }

  function xmlsecVerify(name: string, bytes: Uint8Array): { ok: boolean; out: string } {
    const path = f.write(name, bytes);
    return xmlsec(['--verify', '--trusted-pem', f.rootPem, '--untrusted-pem', caPem, '--verification-gmt-time', gmt, path]);
  }

  const trust = () => ({ trustAnchors: [f.pki.root.certificate], intermediates: [f.pki.issuingCa.certificate], crls: f.crls, now: f.now });

  for (const v of [
    { key: 'rsa', c14n: 'exclusive', hash: 'SHA-256' },
    { key: 'rsa', c14n: 'inclusive', hash: 'SHA-512' },
    { key: 'ecdsa', c14n: 'exclusive', hash: 'SHA-384' },
  ] as const) {
    it(`when we sign (${v.key}, ${v.c14n} C14N, ${v.hash}), then xmlsec1 and we verify it, and a change after signing fails both`, async () => {
      const id = v.key === 'rsa' ? f.rsa : ec;
      const signed = await signEnveloped(new TextEncoder().encode(unsigned), { identity: id.identity, hash: v.hash, canonicalization: v.c14n, includeChain: true, placement });
      const text = new TextDecoder().decode(signed);
      expect(text).to.match(/<\/edXML:TraceHeaderList><Signature xmlns="http:\/\/www.w3.org\/2000\/09\/xmldsig#">/);
      const ours = verifyEnveloped(signed, trust());
      expect(ours.indication, ours.reason).to.equal('TOTAL_PASSED');
      expect(ours.digestAlgorithm).to.equal(v.hash);
      const theirs = xmlsecVerify(`ours-${v.key}-${v.c14n}.xml`, signed);
      expect(theirs.ok, theirs.out).to.equal(true);

      const changed = tamper(signed);
      const oursBad = verifyEnveloped(changed, trust());
      expect(oursBad.indication).to.equal('TOTAL_FAILED');
      expect(oursBad.subIndication).to.equal('HASH_FAILURE');
      expect(xmlsecVerify(`ours-${v.key}-${v.c14n}-changed.xml`, changed).ok).to.equal(false);
    });
  }

  function xmlsecSign(name: string, signatureMethod: string, c14n: string, digest: string): Uint8Array {
    const tpl = unsigned.replace(
      '</edXML:TraceHeaderList>',
      `</edXML:TraceHeaderList><Signature xmlns="${XMLDSIG_NAMESPACE}"><SignedInfo>` +
        `<CanonicalizationMethod Algorithm="${c14n}"/><SignatureMethod Algorithm="${signatureMethod}"/><Reference URI="">` +
        `<Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms>` +
        `<DigestMethod Algorithm="${digest}"/><DigestValue/></Reference></SignedInfo><SignatureValue/>` +
        '<KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>',
    );
    const tplPath = f.write(`${name}.tpl.xml`, tpl);
    const out = join(f.dir, `${name}.xml`);
    const r = xmlsec(['--sign', '--privkey-pem', `${f.rsa.keyPem},${f.rsa.certPem}`, '--output', out, tplPath]);
    expect(r.ok, r.out).to.equal(true);
    return new Uint8Array(readFileSync(out));
  }

  it('when xmlsec1 signs a template (rsa-sha256, inclusive C14N, no explicit C14N transform), then we verify it, and not after a change', () => {
    const signed = xmlsecSign('xmlsec-rsa256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315', 'http://www.w3.org/2001/04/xmlenc#sha256');
    const ok = verifyEnveloped(signed, trust());
    expect(ok.indication, ok.reason).to.equal('TOTAL_PASSED');
    expect(ok.signer?.sha256).to.be.a('string');
    const bad = verifyEnveloped(tamper(signed), trust());
    expect(bad.subIndication).to.equal('HASH_FAILURE');
  });

  it('when xmlsec1 signs with exclusive C14N, then we verify it', () => {
    const signed = xmlsecSign('xmlsec-exc', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/10/xml-exc-c14n#', 'http://www.w3.org/2001/04/xmlenc#sha256');
    expect(verifyEnveloped(signed, trust()).indication).to.equal('TOTAL_PASSED');
  });

  it('when xmlsec1 signs with rsa-sha1 (as the public samples do), then it is refused unless SHA-1 is allowed', () => {
    const signed = xmlsecSign('xmlsec-sha1', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315', 'http://www.w3.org/2000/09/xmldsig#sha1');
    const refused = verifyEnveloped(signed, trust());
    expect(refused.indication).to.equal('INDETERMINATE');
    expect(refused.subIndication).to.equal('CRYPTO_CONSTRAINTS_FAILURE');
    expect(refused.intact && refused.valid).to.equal(true);
    expect(verifyEnveloped(signed, { ...trust(), policy: { allowSha1: true } }).indication).to.equal('TOTAL_PASSED');
  });

  it('when the Signature asks for a transform off the allow-list (XPath), then FORMAT_FAILURE without evaluating it', async () => {
    const signed = new TextDecoder().decode(await signEnveloped(new TextEncoder().encode(unsigned), { identity: f.rsa.identity, placement }));
    const xpath = signed.replace('<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>', '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath>1</XPath></Transform>');
    const r = verifyEnveloped(new TextEncoder().encode(xpath), trust());
    expect(r.subIndication).to.equal('FORMAT_FAILURE');
    expect(r.checks[0]?.name).to.equal('format');
  });

  it('when a document carries two signatures or none, then FORMAT_FAILURE', async () => {
    const signed = new TextDecoder().decode(await signEnveloped(new TextEncoder().encode(unsigned), { identity: f.rsa.identity, placement }));
    const sig = /<Signature[\s\S]*<\/Signature>/.exec(signed)![0];
    const twice = signed.replace('<edXML:edXMLBody>', `<edXML:edXMLBody>${sig}`);
    expect(verifyEnveloped(new TextEncoder().encode(twice), trust()).subIndication).to.equal('FORMAT_FAILURE');
    expect(verifyEnveloped(new TextEncoder().encode(unsigned), trust()).subIndication).to.equal('FORMAT_FAILURE');
  });

  it('when signing again, then the old signature is replaced, not added to', async () => {
    const once = await signEnveloped(new TextEncoder().encode(unsigned), { identity: f.rsa.identity, placement });
    const twice = await signEnveloped(once, { identity: ec.identity, placement });
    expect(new TextDecoder().decode(twice).match(/<Signature /g)).to.have.length(1);
    expect(verifyEnveloped(twice, trust()).indication).to.equal('TOTAL_PASSED');
  });

  it('when the document has a DOCTYPE or an entity, then it is refused before parsing (ERR_XMLDSIG_MALFORMED)', () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`;
    try {
      verifyEnveloped(new TextEncoder().encode(evil), trust());
      expect.fail('accepted a DOCTYPE');
    } catch (e) {
      expect(isCryptoError(e, 'ERR_XMLDSIG_MALFORMED'), String(e)).to.equal(true);
    }
  });

  it('when the signer is not the one bound to the sender, then SIG_CONSTRAINTS_FAILURE', async () => {
    const signed = await signEnveloped(new TextEncoder().encode(unsigned), { identity: f.rsa.identity, placement });
    const r = verifyEnveloped(signed, { ...trust(), expectedSigners: [ec.identity.certificate] });
    expect(r.subIndication).to.equal('SIG_CONSTRAINTS_FAILURE');
  });
});
