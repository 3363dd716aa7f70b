import { isCryptoError } from '../../crypto/index.js';
import { isDomainError } from '../domain/errors.js';

/** Exit statuses shared by the verify commands (issue 2 §5). */
export const EXIT = { passed: 0, failed: 1, indeterminate: 2, usage: 3 } as const;

/** Prints one clear line for a coded error (no stack trace) and exits with the usage/unparseable status. */
export function failCli(e: unknown): never {
  if (isDomainError(e) || isCryptoError(e)) {
    process.stderr.write(`lienthong: ${e.code}: ${e.message}\n`);
  } else if (e instanceof Error) {
    process.stderr.write(`lienthong: ${e.message}\n`);
  } else {
    process.stderr.write(`lienthong: ${String(e)}\n`);
  }
  process.exit(EXIT.usage);
}
