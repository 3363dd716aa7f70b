import { X509Certificate, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeySigner, type SigningIdentity } from '../../../../crypto/index.js';
import { createTestClock, type TestClock } from '../../../support/clock.js';

/** A small PKI made with the system OpenSSL (independent of ours): root → issuing CA → person and seal. */
export interface TestPki {
  readonly dir: string;
  readonly rootDer: Uint8Array;
  readonly rootPem: string;
  readonly issuingDer: Uint8Array;
  readonly person: SigningIdentity & { readonly keyPath: string; readonly certPath: string; readonly p12Path: string };
  readonly seal: SigningIdentity & { readonly keyPath: string; readonly certPath: string; readonly p12Path: string };
  readonly other: SigningIdentity & { readonly keyPath: string; readonly certPath: string };
  readonly chainPath: string;
  readonly rootPath: string;
  readonly crlPath: string;
  /**
   * The clock of this PKI: OpenSSL dates its certificates from the moment it makes them, so tests take their
   * instants from here (a minute after the root's notBefore, moving on monotonically), never from the calendar.
   */
  readonly clock: TestClock;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

let cached: TestPki | undefined;

const EXT = `
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[leaf]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
`;

function derOf(dir: string, pem: string): Uint8Array {
  openssl(dir, ['x509', '-in', pem, '-outform', 'DER', '-out', `${pem}.der`]);
  return new Uint8Array(readFileSync(join(dir, `${pem}.der`)));
}

/** Builds the PKI once per process (RSA-2048 keys, certificates valid ten years from today). */
export function testPki(): TestPki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'pdf-pki-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ext.cnf'), EXT);
  const key = (n: string): void => openssl(dir, ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${n}.key`]);
  for (const n of ['root', 'ca', 'person', 'seal', 'other']) key(n);
  const dates = ['-days', '3650'];
  openssl(dir, [
    'req',
    '-new',
    '-x509',
    '-utf8',
    '-key',
    'root.key',
    '-subj',
    '/C=VN/O=Ban Cơ yếu (DEV)/CN=RootCA (DEV)',
    '-days',
    '3650',
    '-config',
    '/dev/null',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    'root.pem',
    '-addext',
    'subjectKeyIdentifier=hash',
    '-set_serial',
    '1',
  ]);
  const issue = (n: string, subj: string, issuer: string, ext: string, serial: string): void => {
    openssl(dir, ['req', '-new', '-utf8', '-key', `${n}.key`, '-subj', subj, '-out', `${n}.csr`, '-config', '/dev/null']);
    openssl(dir, ['x509', '-req', '-in', `${n}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', serial, '-extfile', 'ext.cnf', '-extensions', ext, ...dates, '-out', `${n}.pem`]);
  };
  issue('ca', '/C=VN/O=Ban Cơ yếu (DEV)/CN=CA phục vụ các cơ quan Nhà nước (DEV)', 'root', 'ca', '2');
  issue('person', '/C=VN/O=UBND tỉnh Hà Tĩnh (DEV)/CN=Nguyễn Văn Ánh (DEV)', 'ca', 'leaf', '16');
  issue('seal', '/C=VN/L=Hà Tĩnh/CN=Ủy ban nhân dân tỉnh Hà Tĩnh (DEV)', 'ca', 'leaf', '17');
  issue('other', '/C=VN/CN=Kẻ giả mạo (DEV)', 'ca', 'leaf', '18');
  writeFileSync(join(dir, 'chain.pem'), readFileSync(join(dir, 'ca.pem')));
  const rootDer = derOf(dir, 'root.pem');
  const issuingDer = derOf(dir, 'ca.pem');
  const identity = (n: string) => {
    const der = derOf(dir, `${n}.pem`);
    openssl(dir, ['pkcs12', '-export', '-inkey', `${n}.key`, '-in', `${n}.pem`, '-certfile', 'ca.pem', '-passout', 'pass:secret', '-out', `${n}.p12`]);
    return {
      signer: createKeySigner(createPrivateKey(readFileSync(join(dir, `${n}.key`)))),
      certificate: der,
      chain: [issuingDer],
      keyPath: join(dir, `${n}.key`),
      certPath: join(dir, `${n}.pem`),
      p12Path: join(dir, `${n}.p12`),
    };
  };
  // An empty CRL from the issuing CA, so revocation can be checked.
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\ncrlnumber=${dir}/crlnumber\ndefault_md=sha256\ndefault_crl_days=3650\n`);
  openssl(dir, ['ca', '-gencrl', '-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'ca.crl.pem']);
  cached = {
    dir,
    rootDer,
    rootPem: readFileSync(join(dir, 'root.pem'), 'utf8'),
    issuingDer,
    person: identity('person'),
    seal: identity('seal'),
    other: identity('other'),
    chainPath: join(dir, 'chain.pem'),
    rootPath: join(dir, 'root.pem'),
    crlPath: join(dir, 'ca.crl.pem'),
    clock: createTestClock(new Date(new Date(new X509Certificate(readFileSync(join(dir, 'root.pem'))).validFrom).getTime() + 60_000)),
  };
  return cached;
}
