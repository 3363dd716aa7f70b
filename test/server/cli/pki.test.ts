import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Command } from 'commander';
import { importPkcs12, parseCertificate, validateChain, decodeCertificates, decodeCrls } from '../../../crypto/index.js';
import { registerPkiCommands } from '../../../server/cli/commands/pki.js';

async function run(args: string[]): Promise<string> {
  const program = new Command('lienthong').exitOverride();
  registerPkiCommands(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'lienthong', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

function openssl(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('server/cli lienthong pki init', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const fresh = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'lienthong-cli-pki-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('when run without --agency, then it writes the development registry with random passwords that open each file', async () => {
    const dir = join(fresh(), 'pki');
    const out = await run(['pki', 'init', '--dir', dir, '--key', 'p256']);
    for (const f of ['root.pem', 'issuing-ca.pem', 'crl.pem', 'root-crl.pem', 'README.txt', 'passwords.txt']) expect(existsSync(join(dir, f)), f).to.equal(true);
    const codes = ['000.00.00.G22', '000.00.00.G12', '000.00.18.G12', '000.00.00.G09', '000.00.00.H49', '000.00.00.H27'];
    const passwords = new Map(
      readFileSync(join(dir, 'passwords.txt'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split('\t') as [string, string]),
    );
    expect(statSync(join(dir, 'passwords.txt')).mode & 0o077).to.equal(0);
    const root = readFileSync(join(dir, 'root.pem'));
    const crl = decodeCrls(readFileSync(join(dir, 'crl.pem')))[0]!;
    // The CLI dated this PKI by its own clock (leaves start an hour before it): judge it at that moment.
    const madeAt = new Date(parseCertificate(decodeCertificates(readFileSync(join(dir, '000.00.18.G12', 'seal.pem')))[0]!).notBefore.getTime() + 3_600_000);
    for (const code of codes) {
      for (const who of ['seal', 'person']) {
        const p12Path = join(code, `${who}.p12`);
        const pw = passwords.get(p12Path);
        expect(pw, p12Path).to.be.a('string');
        expect(out).to.contain(`${p12Path}\t${pw}`);
        const { identity } = importPkcs12(new Uint8Array(readFileSync(join(dir, p12Path))), pw!);
        const pem = decodeCertificates(readFileSync(join(dir, code, `${who}.pem`)))[0]!;
        expect(Buffer.from(identity.certificate).equals(Buffer.from(pem))).to.equal(true);
        const r = validateChain({ leaf: identity.certificate, intermediates: identity.chain, trustAnchors: [new Uint8Array(root)], crls: [crl], at: madeAt, purpose: 'signature' });
        expect(r.ok, r.reason).to.equal(true);
        if (who === 'seal') expect(parseCertificate(identity.certificate).organizationIdentifier).to.equal(code);
      }
    }
    const v = openssl([
      'verify',
      '-attime',
      String(Math.floor(madeAt.getTime() / 1000)),
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'issuing-ca.pem'),
      '-CRLfile',
      join(dir, 'crl.pem'),
      '-crl_check',
      join(dir, '000.00.18.G12', 'seal.pem'),
    ]);
    expect(v.status, v.out).to.equal(0);
    const info = openssl(['pkcs12', '-info', '-nokeys', '-passin', `pass:${passwords.get(join('000.00.00.H49', 'person.p12'))}`, '-in', join(dir, '000.00.00.H49', 'person.p12')]);
    expect(info.status, info.out).to.equal(0);
  });

  it('when --agency, --key p256 and --password are given, then only those agencies are written with that password and key type', async () => {
    const dir = fresh();
    await run(['pki', 'init', '--dir', dir, '--agency', '000.00.00.H54=Ủy ban nhân dân tỉnh Thái Bình (DEV)', '--agency', '000.00.00.K54=HĐND tỉnh Thái Bình (DEV)', '--key', 'p256', '--password', 'chung']);
    expect(existsSync(join(dir, '000.00.00.G22'))).to.equal(false);
    const { identity } = importPkcs12(new Uint8Array(readFileSync(join(dir, '000.00.00.K54', 'seal.p12'))), 'chung');
    expect(identity.signer.keyType).to.equal('ECDSA');
    expect(parseCertificate(identity.certificate).subject).to.contain('CN=HĐND tỉnh Thái Bình (DEV)');
  });

  it('when an --agency is malformed or the directory is not empty, then it refuses', async () => {
    const dir = fresh();
    let err: unknown;
    try {
      await run(['pki', 'init', '--dir', dir, '--agency', 'g22 = lower case']);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(Error);
    writeFileSync(join(dir, 'x'), 'x');
    err = undefined;
    try {
      await run(['pki', 'init', '--dir', dir, '--agency', '000.00.00.G22=VP (DEV)']);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(Error);
    expect(existsSync(join(dir, 'root.pem'))).to.equal(false);
  });
});
