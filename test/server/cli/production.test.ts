import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDevelopmentPki, encodePem, exportPkcs12 } from '../../../crypto/index.js';
import { createTestClock } from '../../support/clock.js';
import { testDatabaseUri } from '../../support/database.js';
import { readJson } from '../../support/http.js';

/** `lienthong serve` in production mode with `env` on top of a clean environment (no inherited LIENTHONG_*). */
function serveSync(env: Record<string, string>, dataDir: string) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIENTHONG_') && k !== 'NODE_ENV' && k !== 'MONGODB_URI'));
  return spawnSync(process.execPath, ['dist/server/cli/main.js', 'serve', '--port', '0'], {
    // An unreachable database: a process that got as far as opening it would hang, not exit at once.
    env: { ...base, MONGODB_URI: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=60000', LIENTHONG_DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('lienthong serve in production mode: refuses to start without what it must be given', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-prod-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('when LIENTHONG_MODE=production has no trust anchors and no revocation source, then it exits at once with one line naming them, creating nothing', () => {
    const dataDir = join(dir, 'data-1');
    const r = serveSync({ LIENTHONG_MODE: 'production' }, dataDir);
    expect(r.status).to.equal(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^lienthong: ERR_CONFIG_INVALID: /);
    for (const name of ['LIENTHONG_TRUST_ANCHORS', 'LIENTHONG_CRL_FILES', 'LIENTHONG_AXIS_TOKEN_KEY_FILE', 'LIENTHONG_NODE_TOKEN_SECRET', 'LIENTHONG_KEY_ENCRYPTION_KEY', 'LIENTHONG_KEYS_DIR']) {
      expect(lines[0]).to.include(name);
    }
    expect(existsSync(dataDir), 'no development PKI, no generated secrets').to.equal(false);
  });

  it('when NODE_ENV=production names a trust anchor file that does not exist, then one line names the variable and the file', () => {
    const dataDir = join(dir, 'data-2');
    const key = join(dir, 'axis-key.pem');
    writeFileSync(key, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const missing = join(dir, 'no-such-root.pem');
    const r = serveSync({ NODE_ENV: 'production', LIENTHONG_ROLE: 'axis', LIENTHONG_TRUST_ANCHORS: missing, LIENTHONG_CRL_URLS: 'http://127.0.0.1:9/ca.crl', LIENTHONG_AXIS_TOKEN_KEY_FILE: key }, dataDir);
    expect(r.status).to.equal(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('ERR_CONFIG_INVALID').and.include('LIENTHONG_TRUST_ANCHORS').and.include(missing);
    expect(existsSync(dataDir)).to.equal(false);
  });
});

describe('lienthong serve in production mode, fully configured @db', function () {
  this.timeout(120_000);
  let child: ChildProcess | undefined;
  let dir = '';

  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('when given anchors, a CRL file, per-purpose keys and a keys folder, then it starts, hosts the agencies of the folder and creates no demo user', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-prod-ok-'));
    const clock = createTestClock();
    const pki = await createDevelopmentPki({ now: clock(), keyType: 'p256', agencies: [{ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' }] });
    writeFileSync(join(dir, 'root.pem'), encodePem('CERTIFICATE', pki.root.certificate));
    writeFileSync(join(dir, 'ca.crl.pem'), encodePem('X509 CRL', pki.crl) + encodePem('X509 CRL', pki.rootCrl));
    writeFileSync(join(dir, 'axis-key.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(join(dir, 'node-token-secret'), `${randomBytes(32).toString('base64url')}\n`);
    writeFileSync(join(dir, 'kek'), `${randomBytes(32).toString('base64url')}\n`);
    const keys = join(dir, 'keys');
    mkdirSync(keys);
    const seal = pki.agencies[0]!.seal;
    writeFileSync(join(keys, '000.00.00.G22.seal.p12'), exportPkcs12({ privateKeyPkcs8: seal.privateKeyPkcs8, certificate: seal.identity.certificate, chain: seal.identity.chain, password: 'p12-password-1' }));
    writeFileSync(join(keys, '000.00.00.G22.seal.password'), 'p12-password-1\n');
    writeFileSync(join(keys, '000.00.00.G22.name'), 'Văn phòng Chính phủ\n');
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIENTHONG_') && k !== 'NODE_ENV'));
    child = spawn(process.execPath, ['dist/server/cli/main.js', 'serve', '--port', '0'], {
      env: {
        ...base,
        NODE_ENV: 'production',
        MONGODB_URI: await testDatabaseUri(),
        LIENTHONG_DB_NAME: `prod_${process.pid}`,
        LIENTHONG_DATA_DIR: join(dir, 'data'),
        LIENTHONG_LOG_LEVEL: 'warn',
        LIENTHONG_TRUST_ANCHORS: join(dir, 'root.pem'),
        LIENTHONG_CRL_FILES: join(dir, 'ca.crl.pem'),
        LIENTHONG_AXIS_TOKEN_KEY_FILE: join(dir, 'axis-key.pem'),
        LIENTHONG_NODE_TOKEN_SECRET_FILE: join(dir, 'node-token-secret'),
        LIENTHONG_KEY_ENCRYPTION_KEY_FILE: join(dir, 'kek'),
        LIENTHONG_KEYS_DIR: keys,
        LIENTHONG_AXIS_SECRET_000_00_00_G22: 'axis-secret-from-the-environment-1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
        if (m && /hosted from/.test(out)) resolve(m[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    expect(out).to.match(/mode: {4,}production; keys configured; trust anchors 1, CRLs 2/);
    expect(out).to.include('hosted from').and.include('000.00.00.G22');
    expect(out).to.not.include('demo logins');
    expect(out).to.not.include('development PKI');
    expect(existsSync(join(dir, 'data', 'secrets')), 'nothing generated').to.equal(false);
    expect(existsSync(join(dir, 'data', 'pki')), 'no development PKI').to.equal(false);
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode: '000.00.00.G22', username: 'vanthu', password: 'anything-at-all' }) });
    expect(login.status).to.equal(401);
    const agencies = await fetch(`${url}/axis/v1/agencies`);
    expect(agencies.status).to.equal(401);
    const jwks = await readJson(await fetch(`${url}/axis/v1/jwks`));
    expect(jwks.keys).to.have.length(1);
  });
});
