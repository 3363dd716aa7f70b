import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importPkcs12 } from '../../crypto/index.js';
import { isAgencyCode, parseAgencyCode, type AgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';

/** One hosted agency's material from the keys folder: its seal PKCS#12, the password, its axis secret, its name. */
export interface KeysDirAgency {
  readonly code: AgencyCode;
  readonly name: string;
  readonly seal: { readonly pkcs12: Uint8Array; readonly password: string };
  readonly axisSecret: string;
}

const SEAL_SUFFIX = '.seal.p12';

/** `000.00.00.G22` → `LIENTHONG_KEY_PASSWORD_000_00_00_G22`. */
export const envNameFor = (prefix: string, code: string) => `${prefix}_${code.replace(/\./g, '_')}`;

const invalid = (message: string, cause?: unknown) => new DomainError('ERR_CONFIG_INVALID', `invalid configuration: LIENTHONG_KEYS_DIR: ${message}`, cause === undefined ? {} : { cause });

function readSecret(dir: string, file: string, env: NodeJS.ProcessEnv, variable: string): string | undefined {
  try {
    const v = readFileSync(join(dir, file), 'utf8').replace(/\r?\n$/, '');
    if (v) return v;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw invalid(`cannot read ${file}`, e);
  }
  return env[variable] || undefined;
}

/**
 * Reads the agencies' keys from a folder: one `<code>.seal.p12` per agency, its password in
 * `<code>.seal.password` or the variable `LIENTHONG_KEY_PASSWORD_<code with _ for .>`, its axis secret in
 * `<code>.axis-secret` or `LIENTHONG_AXIS_SECRET_<code>`, its name in `<code>.name` (else the code). Every
 * PKCS#12 is opened now, so a wrong password stops the start (one line) before the database is opened.
 * Passwords never come from the command line.
 */
export function readKeysDir(dir: string, env: NodeJS.ProcessEnv = process.env): KeysDirAgency[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw invalid(`cannot read the folder ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, e);
  }
  const agencies: KeysDirAgency[] = [];
  for (const file of names.filter((n) => n.endsWith(SEAL_SUFFIX)).sort()) {
    const code = file.slice(0, -SEAL_SUFFIX.length);
    if (!isAgencyCode(code)) throw invalid(`${file}: ${code} is not an agency code`);
    const password = readSecret(dir, `${code}.seal.password`, env, envNameFor('LIENTHONG_KEY_PASSWORD', code));
    if (password === undefined) throw invalid(`${file}: no password (${code}.seal.password or ${envNameFor('LIENTHONG_KEY_PASSWORD', code)})`);
    const axisSecret = readSecret(dir, `${code}.axis-secret`, env, envNameFor('LIENTHONG_AXIS_SECRET', code));
    if (axisSecret === undefined || axisSecret.length < 16) throw invalid(`${code}: no axis secret of 16 characters or more (${code}.axis-secret or ${envNameFor('LIENTHONG_AXIS_SECRET', code)})`);
    const pkcs12 = new Uint8Array(readFileSync(join(dir, file)));
    try {
      importPkcs12(pkcs12, password);
    } catch (e) {
      throw invalid(`${file} does not open (${(e as { code?: string }).code ?? 'error'})`, e);
    }
    const name = readSecret(dir, `${code}.name`, {}, '')?.trim() || code;
    agencies.push({ code: parseAgencyCode(code), name, seal: { pkcs12, password }, axisSecret });
  }
  if (agencies.length === 0) throw invalid(`${dir} holds no <agencycode>${SEAL_SUFFIX} file`);
  return agencies;
}
