import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

/** The variable a PKCS#12 password may come from when neither flag is given. */
export const PASSWORD_ENV = 'LIENTHONG_P12_PASSWORD';

/** Adds `--password-file FILE` (`-` reads standard input) and the discouraged `--password` to a command. */
export function passwordOptions(command: Command): Command {
  return command
    .option('--password-file <file>', `file holding the PKCS#12 password (first line; "-" reads standard input; or set ${PASSWORD_ENV})`)
    .option('--password <pw>', 'PKCS#12 password on the command line (visible to other users in the process list: prefer --password-file)');
}

/**
 * The PKCS#12 password from `--password-file` (its first line; `-` is standard input), else
 * LIENTHONG_P12_PASSWORD, else `--password`. Throws an Error with a usage message when there is none.
 */
export function readPassword(opts: { password?: unknown; passwordFile?: unknown }, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof opts.passwordFile === 'string') {
    let text: string;
    try {
      text = readFileSync(opts.passwordFile === '-' ? 0 : opts.passwordFile, 'utf8');
    } catch (e) {
      throw new Error(`cannot read the password file ${opts.passwordFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
    const line = text.split(/\r?\n/)[0] ?? '';
    if (!line) throw new Error(`the password file ${opts.passwordFile} is empty`);
    return line;
  }
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (typeof opts.password === 'string') return opts.password;
  throw new Error(`a PKCS#12 password is needed: --password-file FILE (or - for standard input), or ${PASSWORD_ENV}`);
}
