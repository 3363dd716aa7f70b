import { createCipheriv, createDecipheriv, createPrivateKey, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevelopmentPki, createKeySigner, issueCrl, type DevAgency, type DevCertificateAuthority, type DevIdentity, type DevKeyType, type DevelopmentPki, type OcspResponder } from '../../crypto/index.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { withHeartbeat } from '../progress.js';

const FILE = 'development-pki.sealed';
const FORMAT = 'lienthong-dev-pki/1';
const DAY = 86_400_000;

interface StoredKeyPair {
  certificate: string;
  key: string;
}
interface StoredPki {
  format: typeof FORMAT;
  root: StoredKeyPair;
  issuingCa: StoredKeyPair;
  agencies: { code: string; name: string; parentName?: string; seal: StoredKeyPair; person: StoredKeyPair }[];
  /** The development TSA (absent in files written before it existed: the PKI is then created anew). */
  tsa?: StoredKeyPair;
  /** The development OCSP responder (absent in older files: the PKI is then created anew). */
  ocsp?: StoredKeyPair;
  /** The OCSP URL its end-entity certificates name in authorityInfoAccess (absent: none). */
  ocspUrl?: string;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function sealingKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'lienthong', 'development pki at rest', 32));
}

function seal(plain: Buffer, secret: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function unseal(sealed: Buffer, secret: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}

function toStored(pki: DevelopmentPki, ocspUrl: string | undefined): StoredPki {
  const pair = (p: { certificate: Uint8Array; privateKeyPkcs8: Uint8Array }) => ({ certificate: b64(p.certificate), key: b64(p.privateKeyPkcs8) });
  const idPair = (d: DevIdentity) => ({ certificate: b64(d.identity.certificate), key: b64(d.privateKeyPkcs8) });
  return {
    format: FORMAT,
    root: pair(pki.root),
    issuingCa: pair(pki.issuingCa),
    agencies: pki.agencies.map((a) => ({ code: a.code, name: a.name, ...(a.parentName ? { parentName: a.parentName } : {}), seal: idPair(a.seal), person: idPair(a.person) })),
    tsa: idPair(pki.tsa),
    ocsp: idPair(pki.ocsp),
    ...(ocspUrl ? { ocspUrl } : {}),
  };
}

/**
 * The URL of the axis's development OCSP responder, when the development PKI can know it before the server
 * listens: LIENTHONG_AXIS_URL, else (roles `all` and `axis`) this server's own address from HOST and PORT
 * (`0.0.0.0` / `::` reached as 127.0.0.1). Undefined with PORT=0: the port is known only once bound.
 */
export function developmentOcspUrl(config: Pick<Config, 'axisUrl' | 'role' | 'host' | 'port'>): string | undefined {
  if (config.axisUrl) return `${config.axisUrl}/axis/v1/ocsp`;
  if (config.role === 'node' || !config.port) return undefined;
  const host = config.host === '0.0.0.0' || config.host === '::' || config.host === '' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/axis/v1/ocsp`;
}

/** Rebuilds the PKI from storage, with CRLs issued afresh so they are never stale after a long pause. */
function fromStored(s: StoredPki, now: Date): DevelopmentPki {
  const ca = (p: StoredKeyPair): DevCertificateAuthority => {
    const pkcs8 = unb64(p.key);
    return { certificate: unb64(p.certificate), privateKeyPkcs8: pkcs8, privateKey: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }) };
  };
  const root = ca(s.root);
  const issuingCa = ca(s.issuingCa);
  const chain = Object.freeze([issuingCa.certificate, root.certificate]);
  const identity = (p: StoredKeyPair): DevIdentity => {
    const k = ca(p);
    return { identity: Object.freeze({ signer: createKeySigner(k.privateKey), certificate: k.certificate, chain }), privateKey: k.privateKey, privateKeyPkcs8: k.privateKeyPkcs8 };
  };
  const agencies: DevAgency[] = s.agencies.map((a) => ({ code: a.code, name: a.name, ...(a.parentName ? { parentName: a.parentName } : {}), seal: identity(a.seal), person: identity(a.person) }));
  const thisUpdate = new Date(now.getTime() - 3_600_000);
  return {
    root,
    issuingCa,
    crl: issueCrl({ issuer: issuingCa, revoked: [], thisUpdate, nextUpdate: new Date(now.getTime() + 30 * DAY) }),
    rootCrl: issueCrl({ issuer: root, revoked: [], thisUpdate, nextUpdate: new Date(now.getTime() + 365 * DAY) }),
    agencies,
    tsa: identity(s.tsa!),
    ocsp: identity(s.ocsp!),
  };
}

/**
 * The development PKI kept in a data folder, read only (null when there is none). Throws when the file does
 * not open with this key-encryption key.
 */
export function readDevelopmentPki(dataDir: string, secret: string, now: Date): DevelopmentPki | null {
  let sealed: Buffer;
  try {
    sealed = readFileSync(join(dataDir, 'pki', FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const stored = JSON.parse(unseal(sealed, secret).toString('utf8')) as StoredPki;
  if (stored.format !== FORMAT) throw new Error(`${join(dataDir, 'pki', FILE)}: unknown format`);
  return fromStored(stored, now);
}

/**
 * The development CA as a revocation source: empty CRLs of the issuing CA (30 days) and of the root (a year),
 * issued afresh whenever the refresher asks (before nextUpdate), so a long-running development service never
 * runs on stale revocation data.
 */
export function developmentCrlSource(pki: Pick<DevelopmentPki, 'root' | 'issuingCa'>): { name: string; load(now: Date): Promise<readonly Uint8Array[]> } {
  return {
    name: 'development CA',
    async load(now) {
      const thisUpdate = new Date(now.getTime() - 3_600_000);
      return [issueCrl({ issuer: pki.issuingCa, revoked: [], thisUpdate, nextUpdate: new Date(now.getTime() + 30 * DAY) }), issueCrl({ issuer: pki.root, revoked: [], thisUpdate, nextUpdate: new Date(now.getTime() + 365 * DAY) })];
    },
  };
}

/**
 * The development OCSP responder (RFC 6960) the axis serves at POST /axis/v1/ocsp: its delegated responder
 * certificate signs, it answers for the issuing CA, and says `good` for every serial of that CA, as the
 * development CA's CRL (always empty) does: the development CA revokes nothing.
 */
export function developmentOcspResponder(pki: Pick<DevelopmentPki, 'issuingCa' | 'ocsp'>): OcspResponder {
  return { identity: pki.ocsp.identity, issuers: [pki.issuingCa.certificate], statusOf: () => ({ status: 'good' }) };
}

/**
 * The development PKI of a data folder: created on first start for the given agencies and kept in
 * `<dataDir>/pki/development-pki.sealed` (AES-256-GCM under a key derived from the key-encryption key, mode 0600,
 * written atomically), so restarts keep the keys bound in the registry. Created anew when the agency list
 * changed or the file cannot be opened with this secret.
 */
export async function loadOrCreateDevelopmentPki(options: {
  dataDir: string;
  secret: string;
  agencies: readonly { code: string; name: string; parentName?: string }[];
  now: Date;
  logger: Logger;
  /** Written into end-entity certificates' authorityInfoAccess (id-ad-ocsp); a stored PKI for another URL is created anew. */
  ocspUrl?: string;
  /** Default rsa2048. */
  keyType?: DevKeyType;
}): Promise<DevelopmentPki> {
  const dir = join(options.dataDir, 'pki');
  const file = join(dir, FILE);
  const wanted = options.agencies
    .map((a) => a.code)
    .sort()
    .join(',');
  try {
    const stored = JSON.parse(unseal(readFileSync(file), options.secret).toString('utf8')) as StoredPki;
    if (
      stored.format === FORMAT &&
      stored.tsa &&
      stored.ocsp &&
      stored.agencies
        .map((a) => a.code)
        .sort()
        .join(',') === wanted &&
      stored.ocspUrl === options.ocspUrl
    )
      return fromStored(stored, options.now);
    options.logger.warn(
      stored.ocspUrl !== options.ocspUrl ? { storedOcspUrl: stored.ocspUrl ?? null, ocspUrl: options.ocspUrl ?? null } : {},
      stored.ocspUrl !== options.ocspUrl ? 'development PKI names another OCSP URL in its certificates: creating a new one' : 'development PKI does not match the registry: creating a new one',
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') options.logger.warn({ err: e }, 'development PKI unreadable: creating a new one');
  }
  options.logger.info({ agencies: options.agencies.length }, 'creating the development PKI (first start; keys for every agency, under a minute)');
  const pki = await withHeartbeat(
    (line) => options.logger.info(line),
    'creating the development PKI',
    () => createDevelopmentPki({ now: options.now, agencies: options.agencies, ...(options.ocspUrl ? { ocspUrl: options.ocspUrl } : {}), ...(options.keyType ? { keyType: options.keyType } : {}) }),
  );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, seal(Buffer.from(JSON.stringify(toStored(pki, options.ocspUrl))), options.secret), { mode: 0o600 });
  renameSync(tmp, file);
  return pki;
}
