import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

/** Runs the built CLI as a user would, capturing status, stdout and stderr. */
function lienthong(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['dist/server/cli/main.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('server/cli lienthong cms sign|verify (as a process)', function () {
  this.timeout(120_000);
  let dir = '';
  const p = (name: string) => join(dir, name);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-cms-'));
    const init = lienthong(['pki', 'init', '--dir', p('pki'), '--agency', '000.00.00.G22=Văn phòng Chính phủ (DEV)', '--password', 'pw-for-tests']);
    expect(init.status, init.stderr).to.equal(0);
    writeFileSync(p('data.txt'), 'Công văn số 123/VPCP-KSTT\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('when data is signed and verified with the right root, then exit 0 and the JSON report says TOTAL_PASSED', () => {
    const sign = lienthong(['cms', 'sign', '--p12', p('pki/000.00.00.G22/seal.p12'), '--password', 'pw-for-tests', '--in', p('data.txt'), '--out', p('data.p7s')]);
    expect(sign.status, sign.stderr).to.equal(0);
    const verify = lienthong(['cms', 'verify', '--in', p('data.txt'), '--sig', p('data.p7s'), '--trust', p('pki/root.pem'), '--crl', p('pki/crl.pem'), '--json']);
    expect(verify.status, verify.stderr).to.equal(0);
    const report = JSON.parse(verify.stdout);
    expect(report.indication).to.equal('TOTAL_PASSED');
    expect(report.signer.organizationIdentifier).to.equal('000.00.00.G22');
  });

  it('when the password comes from --password-file or standard input (not the command line), then signing works; a missing one is a usage error', () => {
    writeFileSync(p('pw.txt'), 'pw-for-tests\n', { mode: 0o600 });
    const fromFile = lienthong(['cms', 'sign', '--p12', p('pki/000.00.00.G22/seal.p12'), '--password-file', p('pw.txt'), '--in', p('data.txt'), '--out', p('file.p7s')]);
    expect(fromFile.status, fromFile.stderr).to.equal(0);
    const fromStdin = spawnSync(process.execPath, ['dist/server/cli/main.js', 'cms', 'sign', '--p12', p('pki/000.00.00.G22/seal.p12'), '--password-file', '-', '--in', p('data.txt'), '--out', p('stdin.p7s')], {
      encoding: 'utf8',
      input: 'pw-for-tests\n',
    });
    expect(fromStdin.status, fromStdin.stderr).to.equal(0);
    const verify = lienthong(['cms', 'verify', '--in', p('data.txt'), '--sig', p('stdin.p7s'), '--trust', p('pki/root.pem'), '--crl', p('pki/crl.pem')]);
    expect(verify.status, verify.stderr).to.equal(0);
    const none = lienthong(['cms', 'sign', '--p12', p('pki/000.00.00.G22/seal.p12'), '--in', p('data.txt'), '--out', p('none.p7s')]);
    expect(none.status).to.equal(3);
    expect(none.stderr.trim().split('\n')).to.have.length(1);
    expect(none.stderr).to.include('--password-file');
  });

  it('when the data changed after signing, then exit 1 (TOTAL_FAILED, HASH_FAILURE)', () => {
    writeFileSync(p('changed.txt'), `${readFileSync(p('data.txt'), 'utf8')}!`);
    const verify = lienthong(['cms', 'verify', '--in', p('changed.txt'), '--sig', p('data.p7s'), '--trust', p('pki/root.pem'), '--crl', p('pki/crl.pem'), '--json']);
    expect(verify.status).to.equal(1);
    expect(JSON.parse(verify.stdout).subIndication).to.equal('HASH_FAILURE');
  });

  it('when no CRL is given for a certificate that names one, then exit 2 (INDETERMINATE)', () => {
    const verify = lienthong(['cms', 'verify', '--in', p('data.txt'), '--sig', p('data.p7s'), '--trust', p('pki/root.pem'), '--json']);
    expect(verify.status).to.equal(2);
    expect(JSON.parse(verify.stdout).indication).to.equal('INDETERMINATE');
  });

  it('when the signature is garbage or the password wrong, then exit 3 with one line on stderr and no stack trace', () => {
    writeFileSync(p('garbage.p7s'), 'not a signature');
    const garbage = lienthong(['cms', 'verify', '--in', p('data.txt'), '--sig', p('garbage.p7s'), '--trust', p('pki/root.pem')]);
    expect(garbage.status).to.equal(3);
    expect(garbage.stderr.trim().split('\n')).to.have.length(1);
    expect(garbage.stderr).to.not.match(/\bat .*\.js:\d+/);
    const wrong = lienthong(['cms', 'sign', '--p12', p('pki/000.00.00.G22/seal.p12'), '--password', 'wrong', '--in', p('data.txt'), '--out', p('x.p7s')]);
    expect(wrong.status).to.equal(3);
    expect(wrong.stderr).to.include('ERR_PKCS12_PASSWORD');
  });
});
