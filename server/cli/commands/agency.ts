import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RegistryDeps } from '../../axis/index.js';
import { loadConfig } from '../../config/config.js';
import type { AgencyRecord } from '../../domain/ports/axis/index.js';
import { createLogger } from '../../logger.js';
import { failCli } from '../exit.js';

type UseCases = typeof import('../../axis/index.js');

/**
 * Opens the database named by the configuration, runs `work` on the registry, closes everything. The use
 * cases and storage are imported here, not at the top, so `lienthong --help` does not pay for loading them.
 */
async function withRegistry<T>(work: (deps: RegistryDeps, uc: UseCases) => Promise<T>): Promise<T> {
  const [uc, { composeAxisRegistry }, { openDatabase }] = await Promise.all([import('../../axis/index.js'), import('../../compose/axis.js'), import('../../compose/database.js')]);
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, process.stderr);
  const db = await openDatabase(config, logger);
  try {
    return await work(await composeAxisRegistry(db.connection), uc);
  } finally {
    await db.close();
  }
}

function run<A extends unknown[]>(action: (...args: A) => Promise<unknown>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (e) {
      failCli(e);
    }
  };
}

const out = (line: string) => process.stdout.write(`${line}\n`);

function agencyJson(a: AgencyRecord) {
  return {
    code: a.code,
    name: a.name,
    parentCode: a.parentCode,
    hasSecret: a.secretHash !== undefined,
    certificates: a.certificates.map((c) => ({
      sha256: c.sha256,
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      status: c.status,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      boundAt: c.boundAt.toISOString(),
      ...(c.revokedAt ? { revokedAt: c.revokedAt.toISOString() } : {}),
    })),
  };
}

function printAgency(a: AgencyRecord): void {
  out(`${a.code}  ${a.name}`);
  out(`  parent: ${a.parentCode ?? '-'}   secret: ${a.secretHash ? 'set' : 'not set'}`);
  for (const c of a.certificates) out(`  cert ${c.status.padEnd(7)} ${c.sha256}  ${c.subject}  (until ${c.notAfter.toISOString()})`);
}

function readStdinSecret(): string {
  const text = readFileSync(0, 'utf8');
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new TypeError('no secret on standard input (pipe it in, or use --generate)');
  return line;
}

/**
 * `lienthong agency add|list|show|bind-cert|revoke-cert|replace-cert|set-secret`: the axis registry admin
 * commands, on the database of the configuration (MONGODB_URI, or the embedded one in LIENTHONG_DATA_DIR).
 */
export function registerAgencyCommands(program: Command): void {
  const agency = program.command('agency').description('the axis agency registry (codes, certificates, system secrets)');

  agency
    .command('add <code> <name>')
    .description('register an agency; its parent (--parent, one of its ancestors, else derived from the code) must be registered first')
    .option('--parent <code>', 'parent code (the registry pcode): one of the code ancestors, e.g. 000.00.00.H44 for 001.00.99.H44')
    .action(
      run(async (code: string, name: string, opts: { parent?: string }) => {
        const a = await withRegistry((deps, uc) => uc.registerAgency(deps, { code, name, ...(opts.parent ? { parentCode: opts.parent } : {}) }));
        out(`registered ${a.code} (parent ${a.parentCode ?? '-'})`);
      }),
    );

  agency
    .command('list')
    .description('list registered agencies, ordered by code')
    .option('--parent <code>', 'only the children of this agency')
    .option('--page <n>', 'page (from 1)', '1')
    .option('--page-size <n>', 'agencies per page (1-100)', '100')
    .option('--json', 'JSON output')
    .action(
      run(async (opts: { parent?: string; page: string; pageSize: string; json?: boolean }) => {
        const r = await withRegistry((deps, uc) => uc.listAgencies(deps, { page: Number(opts.page), pageSize: Number(opts.pageSize), ...(opts.parent ? { parentCode: opts.parent } : {}) }));
        if (opts.json) return out(JSON.stringify({ items: r.items.map(agencyJson), total: r.total, page: r.page, pageSize: r.pageSize }));
        for (const a of r.items) out(`${a.code}  ${a.name}  (parent ${a.parentCode ?? '-'}, ${a.certificates.filter((c) => c.status === 'active').length} active cert)`);
        out(`${r.items.length} of ${r.total}`);
      }),
    );

  agency
    .command('show <code>')
    .description('one agency with its certificates and children')
    .option('--json', 'JSON output')
    .action(
      run(async (code: string, opts: { json?: boolean }) => {
        const d = await withRegistry((deps, uc) => uc.showAgency(deps, code));
        if (opts.json) return out(JSON.stringify({ ...agencyJson(d.agency), children: d.children }));
        printAgency(d.agency);
        for (const c of d.children) out(`  child ${c.code}  ${c.name}`);
      }),
    );

  agency
    .command('bind-cert <code> <certificateFile>')
    .description("bind a certificate (PEM or DER) to the agency: a seal (default) signs its packages and documents; a person certificate is a leader's signature on documents")
    .option('--role <role>', 'seal | person', 'seal')
    .action(
      run(async (code: string, file: string, opts: { role: string }) => {
        const r = await withRegistry((deps, uc) => uc.bindCertificate(deps, { code, certificate: new Uint8Array(readFileSync(file)), role: opts.role as 'seal' | 'person' }));
        out(`${r.changed ? 'bound' : 'already bound'} ${r.certificate.sha256} to ${code} as ${r.certificate.role}`);
      }),
    );

  agency
    .command('revoke-cert <code> <sha256>')
    .description('revoke a bound certificate (by its SHA-256 fingerprint); final')
    .action(
      run(async (code: string, sha256: string) => {
        const r = await withRegistry((deps, uc) => uc.revokeCertificate(deps, { code, sha256 }));
        out(`${r.changed ? 'revoked' : 'already revoked'} ${sha256.toLowerCase()} of ${code}`);
      }),
    );

  agency
    .command('replace-cert <code> <oldSha256> <certificateFile>')
    .description('key rollover: revoke one certificate and bind another in one write')
    .action(
      run(async (code: string, oldSha256: string, file: string) => {
        const r = await withRegistry((deps, uc) => uc.replaceCertificate(deps, { code, oldSha256, certificate: new Uint8Array(readFileSync(file)) }));
        out(r.changed ? `replaced ${oldSha256.toLowerCase()} of ${code}` : 'nothing to change');
      }),
    );

  agency
    .command('set-secret <code>')
    .description('set the system secret the agency authenticates with (read from standard input, never from the command line)')
    .option('--generate', 'generate a random secret and print it once')
    .action(
      run(async (code: string, opts: { generate?: boolean }) => {
        const secret = opts.generate ? randomBytes(24).toString('base64url') : readStdinSecret();
        await withRegistry((deps, uc) => uc.setSecret(deps, { code, secret }));
        if (opts.generate) out(secret);
        else out(`secret set for ${code}`);
      }),
    );
}
