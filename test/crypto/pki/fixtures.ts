import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { createDevelopmentPki, encodePem, generateKey, type DevKeyType, type DevelopmentPki } from '../../../crypto/index.js';
import { testClock } from '../../support/clock.js';

/** The one instant of these tests, from the suite's clock; OpenSSL is told it with `AT_NOW` (`-attime`). */
export const NOW = testClock();
/** OpenSSL's verify option that makes it judge validity at `NOW` instead of at its own wall clock. */
export const AT_NOW: readonly string[] = ['-attime', String(Math.floor(NOW.getTime() / 1000))];
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

const pkis = new Map<DevKeyType, Promise<DevelopmentPki>>();
const keys = new Map<string, Promise<{ privateKey: KeyObject; publicKey: KeyObject }>>();

/** A development PKI per key type, generated once per test process. */
export function devPki(keyType: DevKeyType = 'rsa2048'): Promise<DevelopmentPki> {
  let p = pkis.get(keyType);
  if (!p) {
    p = createDevelopmentPki({
      now: NOW,
      keyType,
      agencies: [
        { code: '000.00.00.G22', name: 'Văn phòng Chính phủ (DEV)' },
        { code: '000.00.18.G12', name: 'Tổng cục Thuế (DEV)', parentName: 'Bộ Tài chính (DEV)' },
      ],
    });
    pkis.set(keyType, p);
  }
  return p;
}

/** A named spare key pair, generated once per test process. */
export function spareKey(name: string, type: DevKeyType = 'rsa2048'): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  const id = `${name}:${type}`;
  let k = keys.get(id);
  if (!k) {
    k = generateKey(type);
    keys.set(id, k);
  }
  return k;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the system `openssl` (the independent tool these tests check against). */
export function openssl(args: readonly string[], input?: Uint8Array): RunResult {
  const r = spawnSync('openssl', args, { input, encoding: 'buffer' });
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** A scratch directory for files handed to OpenSSL; remove with `cleanup`. */
export function scratch(): { dir: string; file: (name: string, data: string | Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-pki-'));
  return {
    dir,
    file: (name, data) => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function certPem(der: Uint8Array): string {
  return encodePem('CERTIFICATE', der);
}

export function crlPem(der: Uint8Array): string {
  return encodePem('X509 CRL', der);
}

