import { createECDH, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { axisVerifyKey, nodeTokenKey, type AxisTokenKeys, type NodeTokenKeys } from '../auth/token.js';
import type { Config } from '../config/config.js';
import { DomainError } from '../domain/errors.js';
import { readOrCreateSecret } from './dev-secrets.js';

/**
 * One key per purpose (issue 10 §5): node tokens (HMAC), axis tokens (ES256 key pair), and the key-encryption
 * key that seals private keys and secrets at rest. None of them opens what another guards.
 */
export interface ServiceKeys {
  readonly nodeTokenKeys: NodeTokenKeys;
  readonly axisTokenKeys: AxisTokenKeys;
  readonly keyEncryptionKey: string;
  /** Where they came from, for the banner. */
  readonly source: 'configured' | 'derived from LIENTHONG_TOKEN_SECRET (development)' | 'generated (development)';
}

const invalid = (message: string, cause?: unknown) => new DomainError('ERR_CONFIG_INVALID', `invalid configuration: ${message}`, cause === undefined ? {} : { cause });

function readText(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw invalid(`${variable}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, e);
  }
}

function derive(secret: string, purpose: string, bytes = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'lienthong-token-secret', purpose, bytes));
}

/** P-256 group order: a derived scalar must be in [1, n). */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** An EC P-256 private key derived from a secret (so processes sharing LIENTHONG_TOKEN_SECRET agree on it). */
function derivedEcKey(secret: string): KeyObject {
  for (let i = 0; ; i++) {
    const d = derive(secret, `axis token key ${i}`);
    const n = BigInt(`0x${d.toString('hex')}`);
    if (n === 0n || n >= P256_ORDER) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const pub = ecdh.getPublicKey();
    return createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33, 65).toString('base64url') }, format: 'jwk' });
  }
}

function privateEcKey(variable: string, pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw invalid(`${variable}: not a PEM private key`, e);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw invalid(`${variable}: must be an EC P-256 key (ES256)`);
  return key;
}

async function axisKeys(privateKey: KeyObject, extraPublic: readonly KeyObject[]): Promise<AxisTokenKeys> {
  const current = await axisVerifyKey(createPublicKey(privateKey));
  const others = await Promise.all(extraPublic.map((k) => axisVerifyKey(k)));
  return Object.freeze({ signing: Object.freeze({ kid: current.kid, privateKey }), verify: Object.freeze([current, ...others.filter((o) => o.kid !== current.kid)]) });
}

/** Node token keys from text: one secret per line, the first signs, the others are still accepted (rotation). */
function nodeKeysFrom(variable: string, text: string): NodeTokenKeys {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0 || lines.some((l) => l.length < 32)) throw invalid(`${variable}: every secret must be at least 32 characters`);
  const [current, ...previous] = lines.map((l) => nodeTokenKey(l));
  return Object.freeze({ current: current!, previous: Object.freeze(previous) });
}

/**
 * The service's keys: configured ones first (files read and checked now, before the database is opened); in
 * development, the rest derived from LIENTHONG_TOKEN_SECRET when it is set (processes sharing it agree), else
 * generated once into `<dataDir>/secrets` (mode 0600). Production never derives or generates
 * (checkServeConfig refused that configuration already).
 */
export async function resolveServiceKeys(config: Config): Promise<ServiceKeys> {
  const k = config.keys;
  const production = config.mode === 'production';
  const legacy = production ? undefined : config.tokenSecret;
  const dev = (name: string, create?: () => string) => readOrCreateSecret(config.dataDir, name, create).value;
  let generated = false;
  let derived = false;
  const note = () => (legacy ? (derived = true) : (generated = true));

  const nodeTokenKeys = k.nodeTokenSecretFile
    ? nodeKeysFrom('LIENTHONG_NODE_TOKEN_SECRET_FILE', readText('LIENTHONG_NODE_TOKEN_SECRET_FILE', k.nodeTokenSecretFile))
    : k.nodeTokenSecret
      ? nodeKeysFrom('LIENTHONG_NODE_TOKEN_SECRET', k.nodeTokenSecret)
      : production
        ? undefined
        : (note(), nodeKeysFrom('node-token-secret', legacy ? derive(legacy, 'node tokens').toString('base64url') : dev('node-token-secret')));

  const keyEncryptionKey = k.keyEncryptionKeyFile
    ? readText('LIENTHONG_KEY_ENCRYPTION_KEY_FILE', k.keyEncryptionKeyFile).trim()
    : (k.keyEncryptionKey ?? (production ? undefined : (note(), legacy ? derive(legacy, 'key encryption').toString('base64url') : dev('key-encryption-key'))));
  if (keyEncryptionKey !== undefined && keyEncryptionKey.length < 32) throw invalid('the key-encryption key must be at least 32 characters');

  const publicKeys = config.keys.axisTokenPublicKeyFiles.map((f) => {
    try {
      const key = createPublicKey(readText('LIENTHONG_AXIS_TOKEN_PUBLIC_KEYS', f));
      return key;
    } catch (e) {
      if (e instanceof DomainError) throw e;
      throw invalid(`LIENTHONG_AXIS_TOKEN_PUBLIC_KEYS: ${f} is not a PEM public key`, e);
    }
  });
  const privateKey = k.axisTokenKeyFile
    ? privateEcKey('LIENTHONG_AXIS_TOKEN_KEY_FILE', readText('LIENTHONG_AXIS_TOKEN_KEY_FILE', k.axisTokenKeyFile))
    : production
      ? undefined
      : (note(),
        legacy
          ? derivedEcKey(legacy)
          : privateEcKey(
              'axis-token-key.pem',
              dev('axis-token-key.pem', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim()),
            ));

  // In production a role that does not need a key has none; a stand-in nobody holds keeps the types whole.
  const unused = () => nodeTokenKey(derive(`unused ${Math.random()}`, 'unused'));
  return Object.freeze({
    nodeTokenKeys: nodeTokenKeys ?? Object.freeze({ current: unused(), previous: [] }),
    axisTokenKeys: await axisKeys(privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, publicKeys),
    keyEncryptionKey: keyEncryptionKey ?? derive(`unused ${Math.random()}`, 'unused').toString('base64url'),
    source: derived ? 'derived from LIENTHONG_TOKEN_SECRET (development)' : generated ? 'generated (development)' : 'configured',
  });
}

/** Node and axis token keys derived from one development secret (what tests and LIENTHONG_TOKEN_SECRET use). */
export async function keysFromTokenSecret(tokenSecret: string): Promise<Pick<ServiceKeys, 'nodeTokenKeys' | 'axisTokenKeys' | 'keyEncryptionKey'>> {
  return {
    nodeTokenKeys: nodeKeysFrom('token secret', derive(tokenSecret, 'node tokens').toString('base64url')),
    axisTokenKeys: await axisKeys(derivedEcKey(tokenSecret), []),
    keyEncryptionKey: derive(tokenSecret, 'key encryption').toString('base64url'),
  };
}

/**
 * A development agency's axis secret. With LIENTHONG_TOKEN_SECRET: derived from it (processes sharing it agree);
 * otherwise random, kept in `<dataDir>/secrets/axis-secret-<code>`. The axis stores only its scrypt hash, the
 * node its own copy sealed under the key-encryption key.
 */
export function developmentAxisSecret(config: Config, code: string): string {
  if (config.tokenSecret) return createHmac('sha256', config.tokenSecret).update(`axis-secret:${code}`).digest('base64url');
  return readOrCreateSecret(config.dataDir, `axis-secret-${code}`).value;
}
