import { createHash, randomBytes } from 'node:crypto';
import { exportPkcs12, type DevIdentity } from '../../crypto/index.js';
import { hashSecret } from '../auth/password.js';
import type { AgencyCode } from '../domain/agency/index.js';
import { isDomainError } from '../domain/errors.js';
import type { UserRole } from '../domain/ports/node/index.js';
import type { NodeDeps } from './deps.js';

export interface ProvisionUser {
  readonly username: string;
  readonly fullName: string;
  readonly roles: readonly UserRole[];
  readonly password: string;
  /** Its scrypt hash when the caller made it already (the demo users share one: one hash instead of one per user). */
  readonly passwordHash?: string;
  /** A person key (leaders): PKCS#12 and its password. */
  readonly person?: { readonly pkcs12: Uint8Array; readonly password: string };
}

export interface ProvisionAgencyInput {
  readonly code: AgencyCode;
  readonly name: string;
  readonly seal: { readonly pkcs12: Uint8Array; readonly password: string };
  /** The agency's system secret at the axis. */
  readonly axisSecret: string;
  readonly users: readonly ProvisionUser[];
  /** Reset the password of users that exist already. Default false. */
  readonly resetPasswords?: boolean;
}

/** Hosts an agency on this node (idempotent): its record, seal key, axis secret and users with their keys. */
export async function provisionHostedAgency(deps: Pick<NodeDeps, 'agencies' | 'keys' | 'users' | 'now' | 'newId'>, input: ProvisionAgencyInput): Promise<void> {
  await deps.agencies.upsert({ code: input.code, name: input.name, now: deps.now() });
  await deps.keys.putPkcs12({ agencyCode: input.code, kind: 'seal' }, input.seal.pkcs12, input.seal.password);
  await deps.keys.putSecret(`axis-secret:${input.code}`, input.axisSecret);
  for (const u of input.users) {
    let user = await deps.users.findByUsername(input.code, u.username);
    if (!user) {
      try {
        user = await deps.users.create({ id: deps.newId(), agencyCode: input.code, username: u.username, fullName: u.fullName, roles: u.roles, passwordHash: u.passwordHash ?? (await hashSecret(u.password)), createdAt: deps.now() });
      } catch (e) {
        if (!isDomainError(e, 'ERR_DUPLICATE_KEY')) throw e;
        user = await deps.users.findByUsername(input.code, u.username);
      }
    } else if (input.resetPasswords) {
      await deps.users.setPasswordHash(user.id, u.passwordHash ?? (await hashSecret(u.password)));
    }
    if (user && u.person) await deps.keys.putPkcs12({ agencyCode: input.code, kind: 'person', userId: user.id }, u.person.pkcs12, u.person.password);
  }
}

/** A development identity as PKCS#12 with a random password (what a real deployment would import). */
export function devIdentityToPkcs12(dev: DevIdentity, friendlyName: string): { pkcs12: Uint8Array; password: string } {
  const password = randomBytes(18).toString('base64url');
  return { pkcs12: exportPkcs12({ privateKeyPkcs8: dev.privateKeyPkcs8, certificate: dev.identity.certificate, chain: dev.identity.chain, password, friendlyName }), password };
}

/** Bumped when what `seedDevelopmentNode` writes for an agency changes, so every node seeds again once. */
const SEED_VERSION = 2; // 2: the admin and auditor demo users

/**
 * What a development agency was seeded with: its seal and person certificates, its axis secret and the demo
 * password. Kept sealed in the key store (like the axis secret itself), so only the key-encryption key reads it.
 */
function seedFingerprint(a: { readonly code: AgencyCode; readonly seal: DevIdentity; readonly person: DevIdentity; readonly axisSecret: string }, demoPassword: string): string {
  const h = createHash('sha256').update(`lienthong-dev-seed-v${SEED_VERSION}\0${a.code}\0`);
  for (const part of [a.seal.identity.certificate, a.person.identity.certificate]) h.update(part).update('\0');
  return h.update(a.axisSecret).update('\0').update(demoPassword).digest('base64url');
}

/**
 * Hosts development agencies with the demo users of issue 5 §3 — a clerk `vanthu` and a leader `lanhdao` (who
 * holds the agency's development person key) — and an admin `quantri` and an auditor `kiemtoan` (issues 12, 13)
 * per agency, all with `demoPassword` (hashed once for all of them).
 *
 * A restart with the same PKI, secrets and demo password skips an agency whose seed is recorded and whose
 * users still exist: re-wrapping two PKCS#12 files and hashing passwords per agency made every restart
 * of the development service cost tens of seconds on a busy 2-core machine. Anything changed seeds again.
 */
export async function seedDevelopmentNode(
  deps: Pick<NodeDeps, 'agencies' | 'keys' | 'users' | 'now' | 'newId'>,
  input: {
    readonly agencies: readonly { readonly code: AgencyCode; readonly name: string; readonly seal: DevIdentity; readonly person: DevIdentity; readonly axisSecret: string }[];
    readonly demoPassword: string;
  },
): Promise<void> {
  let passwordHash: string | undefined; // hashed once, and only when an agency is seeded
  const password = input.demoPassword;
  for (const a of input.agencies) {
    const marker = `dev-seed:${a.code}`;
    const fingerprint = seedFingerprint(a, input.demoPassword);
    if ((await deps.keys.getSecret(marker)) === fingerprint && (await seededUsersExist(deps, a.code))) continue;
    passwordHash ??= await hashSecret(password);
    await provisionHostedAgency(deps, {
      code: a.code,
      name: a.name,
      seal: devIdentityToPkcs12(a.seal, `seal ${a.code}`),
      axisSecret: a.axisSecret,
      resetPasswords: true,
      users: [
        { username: 'vanthu', fullName: `Văn thư (DEV) ${a.code}`, roles: ['clerk'], password, passwordHash },
        { username: 'lanhdao', fullName: `Lãnh đạo (DEV) ${a.code}`, roles: ['leader'], password, passwordHash, person: devIdentityToPkcs12(a.person, `person ${a.code}`) },
        { username: 'quantri', fullName: `Quản trị (DEV) ${a.code}`, roles: ['admin'], password, passwordHash },
        { username: 'kiemtoan', fullName: `Kiểm toán (DEV) ${a.code}`, roles: ['auditor'], password, passwordHash },
      ],
    });
    await deps.keys.putSecret(marker, fingerprint); // last: a seed interrupted before this runs again
  }
}

const DEMO_USERNAMES = ['vanthu', 'lanhdao', 'quantri', 'kiemtoan'] as const;

async function seededUsersExist(deps: Pick<NodeDeps, 'users'>, code: AgencyCode): Promise<boolean> {
  for (const username of DEMO_USERNAMES) if (!(await deps.users.findByUsername(code, username))) return false;
  return true;
}
