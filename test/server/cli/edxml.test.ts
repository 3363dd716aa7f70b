import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { VECTORS } from '../domain/edxml/fixtures.js';

function lienthong(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/server/cli/main.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('server/cli lienthong edxml inspect|sign|verify (as a process)', function () {
  this.timeout(120_000);
  let dir = '';
  const p = (name: string) => join(dir, name);
  const sample = join(VECTORS, 'sample-vpcp.edxml');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-edxml-'));
    const init = lienthong(['pki', 'init', '--dir', p('pki'), '--agency', '000.00.00.G22=Văn phòng Chính phủ (DEV)', '--password', 'pw-for-tests']);
    expect(init.status, init.stderr).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("when a sample with the public samples' placeholder Signature is inspected, then exit 0 with its header, attachments and the coded warning", () => {
    const r = lienthong(['edxml', 'inspect', '--in', sample, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const facts = JSON.parse(r.stdout);
    expect(facts.kind).to.equal('edoc');
    expect(facts.header.From.OrganId).to.equal('000.00.00.G22');
    expect(facts.attachments[0].ContentId).to.be.a('string');
    expect(facts.warnings.map((w: { code: string }) => w.code)).to.deep.equal([facts.signature.code]);
    expect(facts.signature.code).to.not.equal('XMLDSIG_PRESENT');
    expect(lienthong(['edxml', 'inspect', '--in', sample]).stdout).to.match(/^signature: XMLDSIG_/m);
  });

  it("when a package in the real senders' forms is inspected, then exit 0 and each forgiven form is a named warning before the signature finding", () => {
    const r = lienthong(['edxml', 'inspect', '--in', join(VECTORS, 'lenient-real-forms.edxml'), '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const facts = JSON.parse(r.stdout);
    expect(facts.header.DocumentId).to.equal('000.00.00.G22,2024/05/02,123/VPCP-KSTT');
    expect(facts.warnings.map((w: { code: string }) => w.code)).to.deep.equal(['EDXML_STATUS_IN_MESSAGE_HEADER', 'EDXML_DATE_DAY_FIRST', 'EDXML_DOCUMENT_ID_UUID', 'EDXML_RESPONSE_FOR_EMPTY', 'EDXML_DATE_DAY_FIRST', facts.signature.code]);
    expect(lienthong(['edxml', 'inspect', '--in', join(VECTORS, 'lenient-real-forms.edxml')]).stdout).to.match(/^warning: EDXML_DOCUMENT_ID_UUID — MessageHeader\.DocumentId: /m);
  });

  it('when a status package with its fields inside MessageHeader is inspected, then exit 0, kind status, and EDXML_STATUS_PACKAGE_IN_MESSAGE_HEADER before the signature finding', () => {
    const r = lienthong(['edxml', 'inspect', '--in', join(VECTORS, 'status-in-message-header.edxml'), '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const facts = JSON.parse(r.stdout);
    expect(facts.kind).to.equal('status');
    expect(facts.status.StatusCode).to.equal('03');
    expect(facts.warnings.map((w: { code: string }) => w.code)).to.deep.equal(['EDXML_STATUS_PACKAGE_IN_MESSAGE_HEADER', facts.signature.code]);
  });

  it('when it is signed, then verify exits 0, xmlsec1 agrees, and a change after signing exits 1 (HASH_FAILURE) and fails xmlsec1', () => {
    const sign = lienthong(['edxml', 'sign', '--p12', p('pki/000.00.00.G22/seal.p12'), '--password', 'pw-for-tests', '--in', sample, '--out', p('signed.edxml')]);
    expect(sign.status, sign.stderr).to.equal(0);
    const verify = lienthong(['edxml', 'verify', '--in', p('signed.edxml'), '--trust', p('pki/root.pem'), '--crl', p('pki/crl.pem'), '--json']);
    expect(verify.status, verify.stdout + verify.stderr).to.equal(0);
    expect(JSON.parse(verify.stdout).indication).to.equal('TOTAL_PASSED');
    expect(spawnSync('xmlsec1', ['--verify', '--trusted-pem', p('pki/root.pem'), p('signed.edxml')]).status).to.equal(0);
    expect(JSON.parse(lienthong(['edxml', 'inspect', '--in', p('signed.edxml'), '--json']).stdout).warnings).to.deep.equal([]);

    writeFileSync(p('changed.edxml'), readFileSync(p('signed.edxml'), 'utf8').replace('<edXML:CodeNumber>123<', '<edXML:CodeNumber>124<'));
    const changed = lienthong(['edxml', 'verify', '--in', p('changed.edxml'), '--trust', p('pki/root.pem'), '--crl', p('pki/crl.pem'), '--json']);
    expect(changed.status).to.equal(1);
    expect(JSON.parse(changed.stdout).subIndication).to.equal('HASH_FAILURE');
    expect(spawnSync('xmlsec1', ['--verify', '--trusted-pem', p('pki/root.pem'), p('changed.edxml')]).status).to.not.equal(0);
  });

  it('when the unsigned sample is verified, then exit 1 naming the finding; when the file is not edXML, then exit 3 with one clean line', () => {
    const r = lienthong(['edxml', 'verify', '--in', sample, '--trust', p('pki/root.pem'), '--json']);
    expect(r.status).to.equal(1);
    expect(JSON.parse(r.stdout).checks[0].name).to.equal('xml-signature');
    writeFileSync(p('garbage.edxml'), '<edXML><unclosed>');
    for (const cmd of ['inspect', 'verify']) {
      const g = lienthong(['edxml', cmd, '--in', p('garbage.edxml'), ...(cmd === 'verify' ? ['--trust', p('pki/root.pem')] : [])]);
      expect(g.status).to.equal(3);
      expect(g.stderr.trim().split('\n')).to.have.length(1);
      expect(g.stderr).to.include('ERR_XML_MALFORMED');
    }
  });
});
