import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
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
    const login = (pw: string) =>
      fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode: '000.00.00.H27', username: 'vanthu', password: pw }) });
    const ok = await login(password);
    expect(ok.status).to.equal(200);
    expect((await readJson(ok)).accessToken).to.be.a('string');
    const bad = await login('wrong-password');
    expect(bad.status).to.equal(401);
    expect((await readJson(bad)).code).to.equal('ERR_UNAUTHENTICATED');
  });

  it('when started, then the development PKI and secrets are kept private in the data folder', () => {
    expect(statSync(join(dataDir, 'pki', 'development-pki.sealed')).mode & 0o077).to.equal(0);
    expect(statSync(join(dataDir, 'secrets', 'token-secret')).mode & 0o077).to.equal(0);
  });

  it('when sent SIGTERM, then it stops cleanly with exit status 0', async () => {
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child!.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });
});
