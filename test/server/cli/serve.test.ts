import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testDatabaseUri } from '../../support/database.js';
import { readJson } from '../../support/http.js';

/** Waits for a line matching `re` on the child's stdout. */
function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got: ${buf.slice(-2000)}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const m = buf.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before ${re}: ${buf.slice(-2000)}`));
    });
  });
}

describe('lienthong serve (the whole service as a process) @db', function () {
  this.timeout(180_000);
  let child: ChildProcess | undefined;
  let dataDir = '';
  let url = '';
  const password = 'demo-password-for-tests';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lienthong-serve-'));
    const uri = await testDatabaseUri();
    child = spawn(process.execPath, ['dist/server/cli/main.js', 'serve', '--role', 'all', '--port', '0'], {
      env: { ...process.env, MONGODB_URI: uri, LIENTHONG_DB_NAME: `serve_${process.pid}`, LIENTHONG_DATA_DIR: dataDir, LIENTHONG_DEMO_PASSWORD: password, LIENTHONG_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = (await waitForLine(child, /listening on (http:\/\/[0-9.:]+)/, 170_000))[1]!;
  });

  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when started, then it is ready and serves one OpenAPI document for both APIs', async () => {
    expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    const doc = await readJson(await fetch(`${url}/openapi.json`));
    const paths = Object.keys(doc.paths);
    expect(paths.some((p) => p.startsWith('/axis/v1/'))).to.equal(true);
    expect(paths.some((p) => p.startsWith('/api/v1/'))).to.equal(true);
  });

  it('when a demo clerk logs in with the configured password, then a token is issued; a wrong one is refused', async () => {
    const login = (pw: string) => fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode: '000.00.00.H27', username: 'vanthu', password: pw }) });
    const ok = await login(password);
    expect(ok.status).to.equal(200);
    expect((await readJson(ok)).accessToken).to.be.a('string');
    const bad = await login('wrong-password');
    expect(bad.status).to.equal(401);
    expect((await readJson(bad)).code).to.equal('ERR_UNAUTHENTICATED');
  });

  it('when started, then the development PKI and secrets are kept private in the data folder', () => {
    expect(statSync(join(dataDir, 'pki', 'development-pki.sealed')).mode & 0o077).to.equal(0);
    // One key per purpose, generated apart (issue 10 §5); no all-purpose token secret any more.
    for (const name of ['node-token-secret', 'axis-token-key.pem', 'key-encryption-key']) expect(statSync(join(dataDir, 'secrets', name)).mode & 0o077, name).to.equal(0);
    expect(existsSync(join(dataDir, 'secrets', 'token-secret'))).to.equal(false);
  });

  it('when `pki export` writes the development PKI, then a PDF the service sealed verifies with it in `lienthong pdf verify`, and openssl accepts the exported chain and CRLs', async () => {
    const token = (await readJson(await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode: '000.00.00.G22', username: 'lanhdao', password }) })))
      .accessToken as string;
    const form = new FormData();
    form.set(
      'metadata',
      JSON.stringify({
        to: ['000.00.00.H27'],
        subject: 'Kiểm tra xuất PKI',
        codeNumber: '77',
        codeNotation: 'VPCP-KSTT',
        promulgationDate: '2026-11-20',
        promulgationPlace: 'Hà Nội',
        documentType: { type: 1, typeName: 'Công văn' },
        signer: { fullName: 'Nguyễn Văn A' },
        priority: 0,
        paper: false,
        personSignature: 'apply',
      }),
    );
    form.set('file', new Blob([readFileSync('test/vectors/pdf/no-signature.pdf')], { type: 'application/pdf' }), 'cong-van.pdf');
    const sent = await fetch(`${url}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const created = await readJson(sent);
    expect(sent.status, JSON.stringify(created)).to.equal(202);
    const file = await fetch(`${url}/api/v1/documents/${created.id}/file`, { headers: { authorization: `Bearer ${token}` } });
    expect(file.status).to.equal(200);
    const pdfPath = join(dataDir, 'sealed.pdf');
    writeFileSync(pdfPath, new Uint8Array(await file.arrayBuffer()));
    // (spawnSync blocks this process: after the last request, so no kept-alive socket goes stale meanwhile)
    const out = join(dataDir, 'exported');
    const env = { ...process.env, LIENTHONG_DATA_DIR: dataDir };
    const exported = spawnSync(process.execPath, ['dist/server/cli/main.js', 'pki', 'export', '--dir', out], { env, encoding: 'utf8' });
    expect(exported.status, exported.stderr).to.equal(0);
    const verified = spawnSync(
      process.execPath,
      ['dist/server/cli/main.js', 'pdf', 'verify', '--in', pdfPath, '--trust', join(out, 'root.pem'), '--cert', join(out, 'issuing-ca.pem'), '--crl', join(out, 'crl.pem'), '--crl', join(out, 'root-crl.pem'), '--json'],
      { encoding: 'utf8' },
    );
    expect(verified.status, verified.stdout + verified.stderr).to.equal(0);
    expect(JSON.parse(verified.stdout).signatures).to.have.length(2);
    const chain = spawnSync('openssl', ['verify', '-crl_check', '-CAfile', join(out, 'root.pem'), '-CRLfile', join(out, 'root-crl.pem'), join(out, 'issuing-ca.pem')], { encoding: 'utf8' });
    expect(chain.status, chain.stderr).to.equal(0);
    const crl = spawnSync('openssl', ['crl', '-in', join(out, 'crl.pem'), '-CAfile', join(out, 'issuing-ca.pem'), '-noout'], { encoding: 'utf8' });
    expect(crl.status, crl.stderr).to.equal(0);
    expect(crl.stderr + crl.stdout).to.match(/verify OK/);
  });

  it('when sent SIGTERM, then it stops cleanly with exit status 0', async () => {
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child!.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });
});
