import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createDevelopmentPki, encodePem, exportPkcs12, type DevKeyType } from '../../../crypto/index.js';
import { readDevelopmentPki } from '../../compose/dev-pki.js';
import { resolveServiceKeys } from '../../compose/service-keys.js';
import { loadConfig } from '../../config/config.js';
import { readPassword } from '../password.js';
import { sayOnStderr, withHeartbeat } from '../../progress.js';

/** The development agency registry of DOMAIN.md, used when no --agency is given. */
export const DEFAULT_DEV_AGENCIES: readonly { code: string; name: string; parentName?: string }[] = [
  { code: '000.00.00.G22', name: 'Văn phòng Chính phủ (DEV)' },
  { code: '000.00.00.G12', name: 'Bộ Tài chính (DEV)' },
  { code: '000.00.18.G12', name: 'Tổng cục Thuế (DEV)', parentName: 'Bộ Tài chính (DEV)' },
  { code: '000.00.00.G09', name: 'Bộ Nội vụ (DEV)' },
  { code: '000.00.00.H49', name: 'Ủy ban nhân dân tỉnh Quảng Ninh (DEV)' },
  { code: '000.00.00.H27', name: 'Ủy ban nhân dân tỉnh Hà Tĩnh (DEV)' },
];

const KEY_TYPES: readonly DevKeyType[] = ['rsa2048', 'rsa3072', 'p256'];
// Agency codes per QCVN 102:2016 Amendment 1: dot-separated groups of 0-9/A-Z, up to 35 characters.
const CODE_RE = /^[0-9A-Z]+(\.[0-9A-Z]+)*$/;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseAgency(spec: string): { code: string; name: string } {
  const eq = spec.indexOf('=');
  const code = eq > 0 ? spec.slice(0, eq).trim() : '';
  const name = eq > 0 ? spec.slice(eq + 1).trim() : '';
  if (!CODE_RE.test(code) || code.length > 35 || name.length === 0) {
    throw new Error(`--agency expects CODE=NAME with an agency code such as 000.00.00.G22, got "${spec}"`);
  }
  return { code, name };
}

function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

interface InitOptions {
  dir: string;
  agency?: string[];
  key: string;
  password?: string;
  passwordFile?: string;
  force?: boolean;
}

/** `lienthong pki init`: writes a development PKI (DEV names, fresh keys) into a directory. */
async function initPki(opts: InitOptions): Promise<void> {
  if (!KEY_TYPES.includes(opts.key as DevKeyType)) throw new Error(`--key must be one of ${KEY_TYPES.join(', ')}`);
  const agencies = opts.agency && opts.agency.length > 0 ? opts.agency.map(parseAgency) : DEFAULT_DEV_AGENCIES;
  if (new Set(agencies.map((a) => a.code)).size !== agencies.length) throw new Error('an agency code is given twice');
  if (existsSync(opts.dir) && readdirSync(opts.dir).length > 0 && !opts.force) {
    throw new Error(`${opts.dir} is not empty (use --force to overwrite)`);
  }
  const onePassword = opts.passwordFile !== undefined || opts.password !== undefined ? readPassword({ passwordFile: opts.passwordFile, password: opts.password }, {}) : undefined;
  const pki = await withHeartbeat(sayOnStderr, `creating keys and certificates for ${agencies.length} agencies`, () => createDevelopmentPki({ now: new Date(), agencies, keyType: opts.key as DevKeyType }));
  mkdirSync(opts.dir, { recursive: true });
  const write = (path: string, data: string | Uint8Array, secret = false): void => {
    writeFileSync(join(opts.dir, path), data, secret ? { mode: 0o600 } : {});
  };
  const passwords: [string, string][] = [];
  const p12 = (path: string, key: Uint8Array, certificate: Uint8Array, chain: readonly Uint8Array[], friendlyName: string): void => {
    const password = onePassword ?? newPassword();
    write(path, exportPkcs12({ privateKeyPkcs8: key, certificate, chain, password, friendlyName }), true);
    passwords.push([path, password]);
  };
  write('root.pem', encodePem('CERTIFICATE', pki.root.certificate));
  write('issuing-ca.pem', encodePem('CERTIFICATE', pki.issuingCa.certificate));
  write('crl.pem', encodePem('X509 CRL', pki.crl));
  write('root-crl.pem', encodePem('X509 CRL', pki.rootCrl));
  p12('root-ca.p12', pki.root.privateKeyPkcs8, pki.root.certificate, [], 'Root CA (DEV)');
  p12('issuing-ca.p12', pki.issuingCa.privateKeyPkcs8, pki.issuingCa.certificate, [pki.root.certificate], 'Issuing CA (DEV)');
  for (const a of pki.agencies) {
    mkdirSync(join(opts.dir, a.code), { recursive: true });
    write(join(a.code, 'seal.pem'), encodePem('CERTIFICATE', a.seal.identity.certificate));
    write(join(a.code, 'person.pem'), encodePem('CERTIFICATE', a.person.identity.certificate));
    p12(join(a.code, 'seal.p12'), a.seal.privateKeyPkcs8, a.seal.identity.certificate, a.seal.identity.chain, `${a.name} seal`);
    p12(join(a.code, 'person.p12'), a.person.privateKeyPkcs8, a.person.identity.certificate, a.person.identity.chain, `${a.name} signer`);
  }
  const passwordLines = passwords.map(([path, pw]) => `${path}\t${pw}`).join('\n');
  write('passwords.txt', `# PKCS#12 passwords of this DEVELOPMENT PKI (file\tpassword)\n${passwordLines}\n`, true);
  write(
    'README.txt',
    [
      'lienthong development PKI — FOR DEVELOPMENT AND TESTS ONLY. Every name carries "(DEV)"; never trust these roots in production.',
      '',
      'root.pem          root CA certificate (trust anchor)',
      'issuing-ca.pem    issuing CA certificate (intermediate)',
      'crl.pem           CRL of the issuing CA (agency certificates); root-crl.pem: CRL of the root',
      'root-ca.p12, issuing-ca.p12   CA keys, to issue CRLs or more certificates',
      '<code>/seal.p12   the agency seal key and certificate (CN = agency, organizationIdentifier = code)',
      '<code>/person.p12 a personal signer of the agency',
      'passwords.txt     the PKCS#12 passwords (mode 0600)',
      '',
      `Key type: ${opts.key}. Agencies: ${pki.agencies.map((a) => `${a.code} ${a.name}`).join('; ')}`,
      '',
      'Example: lienthong cms sign --p12 000.00.00.G22/seal.p12 --password PW --in doc.pdf --out doc.p7s',
      '         lienthong cms verify --in doc.pdf --sig doc.p7s --trust root.pem --crl crl.pem',
      '',
    ].join('\n'),
  );
  process.stdout.write(`development PKI written to ${opts.dir} (${pki.agencies.length} agencies, ${opts.key})\n`);
  process.stdout.write(`PKCS#12 passwords (also in ${join(opts.dir, 'passwords.txt')}):\n${passwordLines}\n`);
}

/**
 * `lienthong pki export`: writes the public half of the service's development PKI (the one in
 * LIENTHONG_DATA_DIR, opened with its key-encryption key) as PEM — root, issuing CA, and CRLs issued now by
 * the same CAs — so files the service signed can be verified outside it (`lienthong pdf verify --trust
 * DIR/root.pem --crl DIR/crl.pem`, openssl). No private key is written.
 */
async function exportPki(opts: { dir: string }): Promise<void> {
  const config = loadConfig();
  if (config.mode === 'production') throw new Error('production mode has no development PKI to export');
  if (!existsSync(join(config.dataDir, 'pki'))) throw new Error(`no development PKI in ${config.dataDir}/pki: start the service once (npm start) or set LIENTHONG_DATA_DIR`);
  const keys = await resolveServiceKeys(config);
  const now = new Date();
  const dev = readDevelopmentPki(config.dataDir, keys.keyEncryptionKey, now);
  if (!dev) throw new Error(`no development PKI in ${config.dataDir}/pki: start the service once (npm start) or set LIENTHONG_DATA_DIR`);
  mkdirSync(opts.dir, { recursive: true });
  const files: [string, string][] = [
    ['root.pem', encodePem('CERTIFICATE', dev.root.certificate)],
    ['issuing-ca.pem', encodePem('CERTIFICATE', dev.issuingCa.certificate)],
    ['crl.pem', encodePem('X509 CRL', dev.crl)],
    ['root-crl.pem', encodePem('X509 CRL', dev.rootCrl)],
  ];
  for (const [name, pem] of files) writeFileSync(join(opts.dir, name), pem);
  process.stdout.write(`development PKI of ${config.dataDir} exported to ${opts.dir}: ${files.map(([n]) => n).join(', ')}\n`);
}

/** Registers `lienthong pki …` on the program. */
export function registerPkiCommands(program: Command): void {
  const pki = program.command('pki').description('Development PKI (root CA, issuing CA, agency seal and personal certificates)');
  pki
    .command('init')
    .description('create a development PKI shaped like the Government CA, every name marked (DEV)')
    .requiredOption('--dir <dir>', 'output directory')
    .option('--agency <CODE=NAME>', 'an agency to issue certificates for (repeatable; default: the development registry)', collect)
    .option('--key <type>', `key type: ${KEY_TYPES.join(' | ')}`, 'rsa2048')
    .option('--password-file <file>', 'file holding one password for every PKCS#12 file ("-": standard input; default: a random one per file)')
    .option('--password <pw>', 'the same on the command line (visible in the process list: prefer --password-file)')
    .option('--force', 'write into a non-empty directory')
    .action(async (opts: InitOptions) => {
      await initPki(opts);
    });
  pki
    .command('export')
    .description("write the service's development root, issuing CA and current CRLs as PEM (LIENTHONG_DATA_DIR), to verify what it signed")
    .requiredOption('--dir <dir>', 'output directory')
    .action(async (opts: { dir: string }) => {
      await exportPki(opts);
    });
}
