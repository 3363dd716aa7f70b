import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { encodePem, type DevelopmentPki } from '../../../crypto/index.js';
import { useDatabase } from '../../support/database.js';
import { G12, TAX, agencyOf, axisOn, testPki } from './fixtures.js';

const MAIN = fileURLToPath(new URL('../../../server/cli/main.js', import.meta.url));

describe('lienthong agency (CLI over the real database) @db', function () {
  // five CLI processes in one test: about 12 s on an idle machine, and start-up slows most under load
  this.timeout(120_000);
  const db = useDatabase();
  let pki: DevelopmentPki;
  let dir = '';

  before(async () => {
    pki = await testPki();
    dir = mkdtempSync(join(tmpdir(), 'lienthong-agency-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, [MAIN, 'agency', ...args], {
      env: { ...process.env, MONGODB_URI: db.uri(), LIENTHONG_DB_NAME: db.dbName(), LIENTHONG_DATA_DIR: dir, LIENTHONG_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      ...(input !== undefined ? { input } : {}),
      timeout: 30_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  // Each spawn pays the CLI's start-up (about 2.5 s here), so the steps are few and the checks read the database.
  it('when a child is added before its parent, then exit 3 with ERR_AGENCY_UNKNOWN and nothing is registered', async () => {
    const r = cli(['add', TAX, 'Tổng cục Thuế']);
    expect(r.status).to.equal(3);
    expect(r.stderr).to.include('ERR_AGENCY_UNKNOWN');
    expect(await db.connection().collection('axis_agencies').countDocuments()).to.equal(0);
  });

  it('when agencies are added, a certificate bound and revoked, then show reads them back', async () => {
    expect(cli(['add', G12, 'Bộ Tài chính']).status).to.equal(0);
    expect(cli(['add', TAX, 'Tổng cục Thuế', '--parent', G12]).status).to.equal(0);
    const pemFile = join(dir, 'seal.pem');
    writeFileSync(pemFile, encodePem('CERTIFICATE', agencyOf(pki, G12).seal.identity.certificate));
    const bound = cli(['bind-cert', G12, pemFile]);
    expect(bound.status, bound.stderr).to.equal(0);
    const shown = JSON.parse(cli(['show', G12, '--json']).stdout);
    expect(shown.children).to.deep.equal([{ code: TAX, name: 'Tổng cục Thuế' }]);
    expect(shown.certificates).to.have.length(1);
    const fp = shown.certificates[0].sha256 as string;
    expect(bound.stdout).to.include(fp);
    expect(cli(['revoke-cert', G12, fp]).status).to.equal(0);
    const stored = await db.connection().collection('axis_agencies').findOne({ code: G12 });
    expect(stored?.certificates.map((c: { status: string }) => c.status)).to.deep.equal(['revoked']);
  });

  it('when a secret is set from standard input, then the agency authenticates with it and the secret is not echoed', async () => {
    const secret = 'cli-secret-from-stdin-0123456789';
    const r = cli(['set-secret', TAX], `${secret}\n`);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).to.not.include(secret);
    const { services } = await axisOn(db.connection(), pki);
    expect((await services.authenticateSystem({ systemId: TAX, secret })).agencyCode).to.equal(TAX);
    const generated = cli(['set-secret', G12, '--generate']);
    expect(generated.status).to.equal(0);
    expect((await services.authenticateSystem({ systemId: G12, secret: generated.stdout.trim() })).agencyCode).to.equal(G12);
  });
});
