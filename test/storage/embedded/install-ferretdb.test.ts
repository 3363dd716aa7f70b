import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { isDomainError } from '../../../server/domain/errors.js';
import { goVersionProblem, parseGoVersion } from '../../../storage/embedded/go-version.js';
import { installFerretDb } from '../../../storage/embedded/install-ferretdb.js';
import { runWithProgress } from '../../../storage/embedded/run-with-progress.js';

describe('storage/embedded install of FerretDB', () => {
  it('when Go is older than 1.24, then it is refused with what to install; 1.24 and later are accepted', () => {
    expect(parseGoVersion('go version go1.19.8 linux/amd64')).to.deep.equal([1, 19]);
    expect(goVersionProblem('go version go1.19.8 linux/amd64')).to.include('golang-1.24-go');
    expect(goVersionProblem('go version go1.23.4 linux/amd64')).to.be.a('string');
    expect(goVersionProblem('go version go1.24.0 linux/amd64')).to.equal(null);
    expect(goVersionProblem('go version go1.26.8 linux/amd64')).to.equal(null);
    expect(goVersionProblem('go version go2.0 linux/amd64')).to.equal(null);
    expect(goVersionProblem('garbage')).to.be.a('string');
  });

  it('when the go on PATH is 1.19, then installing stops at once with ERR_DATABASE_UNAVAILABLE before any build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-oldgo-'));
    const path = process.env.PATH;
    try {
      writeFileSync(join(dir, 'go'), '#!/bin/sh\n[ "$1" = version ] && { echo "go version go1.19.8 linux/amd64"; exit 0; }\necho "must not build" >&2; exit 9\n');
      chmodSync(join(dir, 'go'), 0o755);
      process.env.PATH = `${dir}:${path}`;
      const logged: string[] = [];
      const error = await installFerretDb(join(dir, 'tools'), (l) => logged.push(l)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isDomainError(error, 'ERR_DATABASE_UNAVAILABLE')).to.equal(true);
      expect((error as { details?: Record<string, unknown> }).details).to.deep.include({ needed: '1.24' });
      expect(logged).to.deep.equal([]);
    } finally {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a command runs long, then its telling lines are shown, the rest counted, and a heartbeat gives the elapsed time', async () => {
    const logged: string[] = [];
    const script = "console.error('go: downloading example.com/m v1.0.0'); console.error('example.com/m/pkg'); setTimeout(() => console.error('example.com/m/cmd'), 400)";
    const r = await runWithProgress(process.execPath, ['-e', script], { log: (l) => logged.push(l), label: 'demo build', heartbeatMs: 100 });
    expect(r.ok).to.equal(true);
    expect(logged).to.include('  go: downloading example.com/m v1.0.0');
    expect(logged.some((l) => /still demo build: \d+ s elapsed, 1 packages built/.test(l))).to.equal(true);
    expect(logged.at(-1)).to.match(/demo build: done after \d+ s/);
  });
});
