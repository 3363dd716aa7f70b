import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';

/**
 * The clock of the system OpenSSL, read off a certificate it dates itself. For tests of what OpenSSL stamps
 * with its own time and has no option to set (`openssl ocsp` responses, the signing time of `openssl cms -sign`).
 */
export function opensslNow(): Date {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=clock', '-days', '1', '-config', '/dev/null'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req: ${r.stderr}`);
  return new Date(new X509Certificate(r.stdout).validFrom);
}
