import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const work = mkdtempSync(join(tmpdir(), 'pdf-test-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let n = 0;

/** Writes bytes to a fresh temp file and returns its path. */
export function tempFile(bytes: Uint8Array, ext = '.pdf'): string {
  const p = join(work, `f${++n}${ext}`);
  writeFileSync(p, bytes);
  return p;
}

export function run(cmd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `pdfsig` (poppler) output for a file, parsed per signature. */
export function pdfsig(bytes: Uint8Array): { status: number; text: string; signatures: Array<{ valid: boolean; total: boolean; text: string }> } {
  const r = run('pdfsig', [tempFile(bytes)]);
  const text = r.stdout + r.stderr;
  const parts = text.split(/^Signature #\d+:$/m).slice(1);
  return {
    status: r.status,
    text,
    signatures: parts.map((p) => ({
      valid: /Signature Validation: Signature is Valid\./.test(p),
      total: /Total document signed/.test(p),
      text: p,
    })),
  };
}

/** `qpdf --check`: exit 0 (and no warnings) when the file is structurally sound. */
export function qpdfCheck(bytes: Uint8Array): { status: number; text: string } {
  const r = run('qpdf', ['--check', tempFile(bytes)]);
  return { status: r.status, text: r.stdout + r.stderr };
}

const require = createRequire(import.meta.url);

/** Be Vietnam Pro Regular from the npm package (never downloaded at run time). */
export function vietnameseFont(): Uint8Array {
  return new Uint8Array(readFileSync(require.resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf')));
}
