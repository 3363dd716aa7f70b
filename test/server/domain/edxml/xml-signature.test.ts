import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDevelopmentPki, encodePem } from '../../../../crypto/index.js';
import type { DevelopmentPki } from '../../../../crypto/index.js';
import { buildEdocPackage, buildStatusPackage, findXmlSignature, parseEdocPackage, parseStatusPackage, signPackage, signPackageXml, verifyPackageSignature } from '../../../../server/domain/edxml/index.js';
import { isDomainError } from '../../../../server/domain/errors.js';
import { fullPackage, statusPackage } from './fixtures.js';

const NOW = new Date('2026-01-15T03:00:00Z');
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('package signature (enveloped XML-DSig inside the package)', function () {
  this.timeout(60_000);
  let pki: DevelopmentPki;
  let unsigned: Uint8Array;
  let signed: Uint8Array;
  let dir: string;

  before(async () => {
    pki = await createDevelopmentPki({ now: NOW, agencies: [{ code: '000.00.00.H27', name: 'Ủy ban nhân dân tỉnh Hà Tĩnh (DEV)' }] });
    unsigned = buildEdocPackage(fullPackage());
    signed = await signPackageXml(unsigned, pki.agencies[0]!.seal.identity);
    dir = mkdtempSync(join(tmpdir(), 'lienthong-xmlsig-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const options = () => ({ trustAnchors: [pki.root.certificate], crls: [pki.crl], now: NOW });

  function xmlsecVerify(name: string, bytes: Uint8Array): number | null {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    writeFileSync(join(dir, 'root.pem'), encodePem('CERTIFICATE', pki.root.certificate));
    writeFileSync(join(dir, 'ca.pem'), encodePem('CERTIFICATE', pki.issuingCa.certificate));
    const gmt = NOW.toISOString().slice(0, 19).replace('T', ' ');
    return spawnSync('xmlsec1', ['--verify', '--trusted-pem', join(dir, 'root.pem'), '--untrusted-pem', join(dir, 'ca.pem'), '--verification-gmt-time', gmt, file]).status;
  }

  it('when a full package is signed, then the Signature follows TraceHeaderList, xmlsec1 and we verify it, and the package reads back unchanged', async () => {
    expect(dec(signed)).to.match(/<\/edXML:TraceHeaderList><Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">/);
    expect(findXmlSignature(signed).code).to.equal('XMLDSIG_PRESENT');
    const report = await verifyPackageSignature(signed, undefined, { ...options(), expectedSigners: [pki.agencies[0]!.seal.identity.certificate] });
    expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
    expect(xmlsecVerify('signed.edxml', signed)).to.equal(0);
    expect(parseEdocPackage(signed)).to.deep.equal(parseEdocPackage(unsigned));
  });

  it('when an attachment byte changes after signing, then both xmlsec1 and we refuse it (HASH_FAILURE)', async () => {
    const text = dec(signed);
    const at = text.indexOf('<edXML:ContentTransferEncoded>') + '<edXML:ContentTransferEncoded>'.length + 10;
    const changed = enc(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    const report = await verifyPackageSignature(changed, undefined, options());
    expect(report.subIndication).to.equal('HASH_FAILURE');
    expect(xmlsecVerify('changed.edxml', changed)).to.not.equal(0);
  });

  it('when a detached CMS comes too, then both are checked: a good CMS over an XML signature that no longer matches fails', async () => {
    const cms = await signPackage(signed, pki.agencies[0]!.seal.identity, NOW);
    expect((await verifyPackageSignature(signed, cms, options())).indication).to.equal('TOTAL_PASSED');
    const changed = enc(dec(signed).replace(/<DigestValue>[^<]+</, '<DigestValue>BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=<'));
    const cmsOverChanged = await signPackage(changed, pki.agencies[0]!.seal.identity, NOW);
    expect((await verifyPackageSignature(changed, cmsOverChanged, options())).subIndication).to.equal('HASH_FAILURE');
  });

  it('when a status package is signed, then it verifies and still parses', async () => {
    const status = await signPackageXml(buildStatusPackage(statusPackage()), pki.agencies[0]!.seal.identity);
    expect((await verifyPackageSignature(status, undefined, options())).indication).to.equal('TOTAL_PASSED');
    expect(parseStatusPackage(status)).to.deep.equal(statusPackage());
  });

  it("when a package carries the public samples' Signature (edXML namespace, rsa-sha1, truncated certificate), then the finding is coded, and signing replaces it", async () => {
    const sample = enc(dec(unsigned).replace('</edXML:TraceHeaderList>', '</edXML:TraceHeaderList><edXML:Signature><edXML:SignedInfo/>' + '<edXML:SignatureValue>GbVb8n9+qFxz466A</edXML:SignatureValue></edXML:Signature>'));
    expect(findXmlSignature(sample).code).to.equal('XMLDSIG_WRONG_NAMESPACE');
    const report = await verifyPackageSignature(sample, undefined, options());
    expect(report.subIndication).to.equal('FORMAT_FAILURE');
    expect(report.checks[0]).to.include({ name: 'xml-signature', passed: false });
    expect(report.checks[0]?.detail).to.match(/^XMLDSIG_WRONG_NAMESPACE:/);
    const resigned = await signPackageXml(sample, pki.agencies[0]!.seal.identity);
    expect(dec(resigned)).to.not.include('edXML:Signature');
    expect((await verifyPackageSignature(resigned, undefined, options())).indication).to.equal('TOTAL_PASSED');

    const dsigPlaceholder = enc(
      dec(unsigned).replace(
        '</edXML:TraceHeaderList>',
        '</edXML:TraceHeaderList><Signature xmlns="http://www.w3.org/2000/09/xmldsig#">' +
          '<SignedInfo/><SignatureValue>GbVb8n9+qFxz466A</SignatureValue><KeyInfo><X509Data><X509Certificate>MIIFqTCCBJG</X509Certificate></X509Data></KeyInfo></Signature>',
      ),
    );
    expect(findXmlSignature(dsigPlaceholder).code).to.equal('XMLDSIG_PLACEHOLDER');
    expect(findXmlSignature(unsigned).code).to.equal('XMLDSIG_ABSENT');
  });

  it("when the package is hostile XML, then signing refuses it with the safe parser's code and builds no DOM", async () => {
    const xxe = enc('<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>');
    try {
      await signPackageXml(xxe, pki.agencies[0]!.seal.identity);
      expect.fail('signed hostile XML');
    } catch (e) {
      expect(isDomainError(e) && e.code, String(e)).to.equal('ERR_XML_FORBIDDEN_CONSTRUCT');
    }
  });
});
