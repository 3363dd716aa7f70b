import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { clearStalePostmaster } from '../../../storage/embedded/postgres-cluster.js';
import { chooseBackend, DEFAULT_EMBEDDED_BACKEND } from '../../../storage/embedded/start-embedded-server.js';
import { postgresProblem, startPostgres } from '../../../storage/embedded/start-postgres.js';

describe('storage/embedded PostgreSQL for FerretDB', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-pgstart-'));
    // passable by others: run as root, PostgreSQL runs as nobody below it
    chmodSync(dir, 0o711);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when nothing is asked, then the default is used and a folder holding SQLite data stays on SQLite; an asked backend is kept', () => {
    writeFileSync(join(dir, 'lienthong.sqlite'), '');
    expect(chooseBackend({ log: () => undefined }, dir)).to.equal('sqlite');
    expect(chooseBackend({ backend: 'postgresql', log: () => undefined }, dir)).to.equal('postgresql');
    const fresh = join(dir, 'fresh');
    const expected = DEFAULT_EMBEDDED_BACKEND === 'postgresql' && !postgresProblem(join(fresh, 'postgresql')) ? 'postgresql' : 'sqlite';
    expect(chooseBackend({ log: () => undefined }, fresh)).to.equal(expected);
  });

  it('when postmaster.pid names a live process that is not a postgres of this cluster, then the stale file is removed', async () => {
    const pgdata = join(dir, 'cluster');
    mkdirSync(pgdata);
    writeFileSync(join(pgdata, 'postmaster.pid'), `${process.pid}\n${pgdata}\n`);
    const said: string[] = [];
    await clearStalePostmaster(pgdata, (l) => said.push(l));
    expect(existsSync(join(pgdata, 'postmaster.pid'))).to.equal(false);
    expect(said.join('\n')).to.include('another program');
  });

  it('when a PostgreSQL left running holds the cluster, then the next start stops it and serves the same cluster @db', async function () {
    this.timeout(120_000);
    if (postgresProblem(join(dir, 'postgresql'))) this.skip();
    const root = join(dir, 'postgresql');
    const first = await startPostgres({ root, log: () => undefined });
    const firstPid = Number(readFileSync(join(root, 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const said: string[] = [];
    // the first is never stopped, as after a run killed outright
    const second = await startPostgres({ root, log: (l) => said.push(l) });
    try {
      expect(said.join('\n')).to.include(`left running by an earlier run (pid ${firstPid})`);
      expect(first.exitInfo()).to.be.a('string');
      expect(second.exitInfo()).to.equal(undefined);
      const secondPid = Number(readFileSync(join(root, 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
      expect(secondPid).to.not.equal(firstPid);
      expect(second.url).to.equal(first.url);
    } finally {
      await second.stop();
      await first.stop();
    }
    expect(existsSync(join(root, 'cluster', 'postmaster.pid'))).to.equal(false);
  });
});
