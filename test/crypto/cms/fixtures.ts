import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, type KeyObject } from 'node:crypto';
import { createTimestampRequest, readTimestampReply, respondToTimestampRequest, type SignatureTimestamper } from '../../../crypto/tsp/index.js';
import { createDevelopmentPki, encodePem, generateKey, issueCertificate, issueCrl, type DevelopmentPki, type DevKeyType, type IssueCertificateOptions } from '../../../crypto/pki/index.js';
import { createKeySigner, type SigningIdentity } from '../../../crypto/keys/index.js';

/** A test identity: the signing identity plus its key for openssl. */
export interface TestIdentity {
  readonly identity: SigningIdentity;
  readonly privateKey: KeyObject;
  /** Paths of PEM files for openssl. */
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CmsFixture {
  readonly now: Date;
  readonly dir: string;
  readonly pki: DevelopmentPki;
  readonly rootPem: string;
  readonly chainPem: string;
  readonly crls: readonly Uint8Array[];
  readonly rsa: TestIdentity;
  /** Issues an end-entity certificate under the development issuing CA. */
  issue(name: string, options?: { keyType?: DevKeyType; cert?: Partial<IssueCertificateOptions> }): Promise<TestIdentity>;
  write(name: string, bytes: Uint8Array | string): string;
  /** Runs openssl with arguments; throws with stderr when it fails. */
  openssl(args: readonly string[]): string;
  /** A timestamper answered by the development TSA as if its clock read `at` (RFC 3161, through request and reply). */
  stamp(at: Date): SignatureTimestamper;
}

let cached: Promise<CmsFixture> | undefined;

/** The policy OID of the development TSA in tests (a private arc, not registered). */
export const TEST_TSA_POLICY = '1.3.6.1.4.1.59999.3161.1';

/** One development PKI per test process (keys are slow to make), files in a temporary folder for openssl. */
export function cmsFixture(): Promise<CmsFixture> {
  cached ??= cmsFixtureAt(new Date(Date.UTC(2026, 5, 1, 8, 0, 0)));
  return cached;
}

/** A fresh fixture whose PKI is made at `now` (e.g. the system OpenSSL's own clock, for what it stamps). */
export async function cmsFixtureAt(now: Date): Promise<CmsFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-cms-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const pki = await createDevelopmentPki({ now, agencies: [{ code: '000.00.00.H01', name: 'Văn phòng Thử nghiệm' }] });
  const write = (name: string, bytes: Uint8Array | string): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const rootPem = write('root.pem', encodePem('CERTIFICATE', pki.root.certificate));
  const chainPem = write('chain.pem', encodePem('CERTIFICATE', pki.issuingCa.certificate) + encodePem('CERTIFICATE', pki.root.certificate));
  const toTest = (name: string, identity: SigningIdentity, privateKey: KeyObject): TestIdentity => ({
    identity,
    privateKey,
    certPem: write(`${name}.pem`, encodePem('CERTIFICATE', identity.certificate)),
    keyPem: write(`${name}.key`, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
  });
  const seal = pki.agencies[0]!.seal;
  let serial = 0x1000;
  return {
    now,
    dir,
    pki,
    rootPem,
    chainPem,
    crls: [pki.crl],
    rsa: toTest('seal', seal.identity, seal.privateKey),
    async issue(name, options = {}) {
      const key = await generateKey(options.keyType ?? 'rsa2048');
      const certificate = issueCertificate({
        subject: { CN: `${name} (TEST)`, O: 'lienthong tests', C: 'VN' },
        publicKey: key.publicKey,
        issuer: pki.issuingCa,
        notBefore: new Date(now.getTime() - 3_600_000),
        notAfter: new Date(now.getTime() + 365 * 86_400_000),
        keyUsage: ['digitalSignature', 'nonRepudiation'],
        crlDistributionPoint: 'http://pki.lienthong.invalid/crl/issuing-ca.crl',
        serialNumber: (serial++).toString(16),
        ...options.cert,
      });
      // createKeySigner refuses nothing by size; signDetached refuses RSA < 2048, openssl signs those cases.
      return toTest(name, { signer: createKeySigner(key.privateKey), certificate, chain: [pki.issuingCa.certificate, pki.root.certificate] }, key.privateKey);
    },
    write,
    stamp(at) {
      return async (signatureValue) => {
        const request = createTimestampRequest(signatureValue);
        const reply = await respondToTimestampRequest(request.der, { tsa: { identity: pki.tsa.identity, policy: TEST_TSA_POLICY }, now: at, serialNumber: randomBytes(8) });
        return readTimestampReply(reply, request, signatureValue, { trustAnchors: [pki.root.certificate], crls: [pki.crl], at: now, now }).token;
      };
    },
    openssl(args) {
      try {
        return execFileSync('openssl', args, { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr ?? err.message}`, { cause: e });
      }
    },
  };
}

/** A CRL of the development issuing CA revoking `serialHex` an hour before `now`. */
export function revokingCrl(f: CmsFixture, serialHex: string): Uint8Array {
  return issueCrl({
    issuer: f.pki.issuingCa,
    revoked: [{ serialNumber: serialHex, revocationDate: new Date(f.now.getTime() - 1_800_000), reason: 'keyCompromise' }],
    thisUpdate: new Date(f.now.getTime() - 600_000),
    nextUpdate: new Date(f.now.getTime() + 30 * 86_400_000),
  });
}
