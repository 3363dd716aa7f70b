import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pdfLibDocument } from '../../../crypto/pdf/support/inputs.js';
import { testPki } from '../../../crypto/pdf/support/pki.js';
import { blueSignaturePng } from '../../../crypto/pdf/support/png.js';
import { pdfsig, tempFile } from '../../../crypto/pdf/support/tools.js';

const commandModule = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'server', 'cli', 'commands', 'pdf.js')).href;
const driver = `
import { Command } from 'commander';
import { registerPdfCommands } from '${commandModule}';
const p = new Command('lienthong').exitOverride();
registerPdfCommands(p);
try { await p.parseAsync(process.argv.slice(1), { from: 'user' }); } catch (e) { process.exit(e.exitCode === 0 ? 0 : 3); }
`;

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('lienthong pdf sign / verify', function () {
  this.timeout(60_000);

  it('when a document is signed as person then seal with the CLI, then pdf verify exits 0 and pdfsig agrees', async () => {
    const pki = testPki();
    const input = tempFile(await pdfLibDocument(1));
    const image = tempFile(blueSignaturePng(), '.png');
    const one = input.replace(/\.pdf$/, '-1.pdf');
    const two = input.replace(/\.pdf$/, '-2.pdf');
    let r = cli(['pdf', 'sign', '--p12', pki.person.p12Path, '--password', 'secret', '--in', input, '--out', one, '--role', 'signer', '--image', image, '--title', 'KT. CHỦ TỊCH', '--certify']);
    expect(r.status, r.stderr).to.equal(0);
    r = cli(['pdf', 'sign', '--p12', pki.seal.p12Path, '--password', 'secret', '--in', one, '--out', two, '--role', 'seal', '--reason', 'Đóng dấu']);
    expect(r.status, r.stderr).to.equal(0);
    r = cli(['pdf', 'verify', '--in', two, '--trust', pki.rootPath, '--crl', pki.crlPath, '--json']);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as { indication: string; signatures: Array<{ indication: string }> };
    expect(report.indication).to.equal('TOTAL_PASSED');
    expect(report.signatures).to.have.length(2);
    expect(pdfsig(new Uint8Array(readFileSync(two))).signatures.every((s) => s.valid)).to.equal(true);
  });

  it('when a document was changed after signing, then pdf verify exits 1 and names the change', () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'test', 'vectors', 'pdf');
    const r = cli(['pdf', 'verify', '--in', join(dir, 'content-changed-after-signing.pdf'), '--trust', join(dir, 'root.pem'), '--crl', join(dir, 'ca.crl.pem')]);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/DISALLOWED revision 3: content stream of page 1/);
  });

  it("when the trust anchor is not the signer's root, then pdf verify exits 2 (indeterminate)", async () => {
    const pki = testPki();
    const input = tempFile(await pdfLibDocument(1));
    const out = input.replace(/\.pdf$/, '-s.pdf');
    expect(cli(['pdf', 'sign', '--p12', pki.person.p12Path, '--password', 'secret', '--in', input, '--out', out, '--invisible']).status).to.equal(0);
    const r = cli(['pdf', 'verify', '--in', out, '--trust', pki.other.certPath, '--crl', pki.crlPath]);
    expect(r.status, r.stdout).to.equal(2);
  });

  it('when the input is not a PDF or the password is wrong, then the CLI exits 3 with one line on stderr', () => {
    const pki = testPki();
    const junk = tempFile(new Uint8Array(Buffer.from('not a pdf at all')));
    let r = cli(['pdf', 'verify', '--in', junk, '--trust', pki.rootPath]);
    expect(r.status).to.equal(3);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/ERR_PDF_MALFORMED/);
    r = cli(['pdf', 'sign', '--p12', pki.person.p12Path, '--password', 'wrong', '--in', junk, '--out', junk + '.out']);
    expect(r.status).to.equal(3);
    r = cli(['pdf', 'sign', '--p12', pki.person.p12Path, '--password', 'secret', '--in', junk, '--out', junk + '.out', '--role', 'boss']);
    expect(r.status).to.equal(3);
  });
});
