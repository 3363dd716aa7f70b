import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads a development secret kept in `<dataDir>/secrets/<name>`, creating it on first use (mode 0600, written
 * to a temporary file and renamed, so a crash never leaves half a secret). Production sets the variables.
 */
export function readOrCreateSecret(dataDir: string, name: string, create: () => string = () => randomBytes(32).toString('base64url')): { value: string; created: boolean } {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, name);
  try {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return { value, created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = create();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${value}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return { value, created: true };
}
