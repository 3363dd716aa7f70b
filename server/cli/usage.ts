import { readFileSync } from 'node:fs';
import { EXIT, failCli } from './exit.js';

/** A mistake in how a command was called (a missing file, a bad option): one line on stderr, exit 3. */
export class UsageError extends Error {}

/** Commander's collector for a repeatable option (`--cert A --cert B`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The bytes of an input file; a file that cannot be read is a usage error naming it. */
export function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Ends the command for `e`: a usage error as one line and exit 3, anything else through {@link failCli}. */
export function fail(e: unknown): never {
  if (e instanceof UsageError) {
    process.stderr.write(`lienthong: ${e.message}\n`);
    process.exit(EXIT.usage);
  }
  failCli(e);
}
