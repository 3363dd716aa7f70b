import { hashSecret, verifySecret } from '../auth/password.js';
import { decodeCertificates, isCryptoError, parseCertificate } from '../../crypto/index.js';
import { type AgencyCode, ancestorsOf, parentAgencyCode, parseAgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import { CERTIFICATE_ROLES, type AgencyChanges, type AgencyRecord, type AgencyRegistry, type BoundCertificate, type CertificateRole } from '../domain/ports/axis/index.js';
import { forgetSecretCheck } from './authenticate-system.js';
import { toSkipLimit, type AxisPrincipal, type PageRequest } from './deps.js';
import type { RequestKeyBox } from './vdxp/request-keys.js';

/** What the registry use cases need (the admin CLI builds only this). */
export interface RegistryDeps {
  readonly registry: AgencyRegistry;
  readonly now: () => Date;
  /** Seals the secret for the VDXP facade's request signatures (absent: VDXP requests are refused). */
  readonly requestKeys?: RequestKeyBox;
}

const MAX_ATTEMPTS = 8;

async function requireAgency(deps: RegistryDeps, code: AgencyCode): Promise<AgencyRecord> {
  const record = await deps.registry.findByCode(code);
  if (!record) throw new DomainError('ERR_AGENCY_UNKNOWN', `agency ${code} is not registered`, { details: { code } });
  return record;
}

/**
 * Read, change, write back guarded by the version (one single-document write); retried when another
 * writer moved the version in between. `change` returns null when there is nothing to do.
 */
async function updateAgency(deps: RegistryDeps, code: AgencyCode, change: (current: AgencyRecord) => Omit<AgencyChanges, 'updatedAt'> | null): Promise<{ record: AgencyRecord; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await requireAgency(deps, code);
    const changes = change(current);
    if (changes === null) return { record: current, changed: false };
    const updated = await deps.registry.update(code, current.version, { ...changes, updatedAt: deps.now() });
    if (updated) return { record: updated, changed: true };
  }
  throw new DomainError('ERR_CONFLICT', `agency ${code} is being changed concurrently; try again`);
}

/**
 * Registers an agency. Its parent is the given `parentCode` (the real registry's `pcode`) when that is one of
 * the code's ancestors by the group rules — so a code whose nearest derived parent is not registered can hang
 * under a registered grandparent — otherwise the derived parent; either must be registered first.
 */
export async function registerAgency(deps: RegistryDeps, input: { code: string; name: string; parentCode?: string | null }): Promise<AgencyRecord> {
  const code = parseAgencyCode(input.code);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 300) throw new DomainError('ERR_VALIDATION', 'agency name must be 1…300 characters', { details: { field: 'name' } });
  const derived = parentAgencyCode(code);
  let parentCode = derived;
  if (input.parentCode !== undefined && input.parentCode !== null && input.parentCode !== derived) {
    const ancestors: readonly string[] = ancestorsOf(code);
    if (!ancestors.includes(input.parentCode)) {
      throw new DomainError('ERR_VALIDATION', `the parent of ${code} must be one of its ancestors (${ancestors.join(', ') || 'none'}), not ${input.parentCode}`, {
        details: { field: 'parentCode', derived },
      });
    }
    parentCode = parseAgencyCode(input.parentCode);
  }
  if (parentCode && !(await deps.registry.findByCode(parentCode))) {
    throw new DomainError('ERR_AGENCY_UNKNOWN', `parent agency ${parentCode} is not registered`, { details: { code: parentCode } });
  }
  return deps.registry.create({ code, name, parentCode, certificates: [], createdAt: deps.now() });
}

export async function listAgencies(deps: RegistryDeps, input: PageRequest & { parentCode?: string }): Promise<{ items: readonly AgencyRecord[]; total: number; page: number; pageSize: number }> {
  const { skip, limit } = toSkipLimit(input);
  const parentCode = input.parentCode === undefined ? undefined : parseAgencyCode(input.parentCode);
  const page = await deps.registry.list({ ...(parentCode ? { parentCode } : {}), skip, limit });
  return { items: page.items, total: page.total, page: input.page, pageSize: input.pageSize };
}

export interface AgencyDetail {
  readonly agency: AgencyRecord;
  readonly children: readonly { readonly code: AgencyCode; readonly name: string }[];
}

/** One agency with its direct children (at most 1000; the registry list pages beyond). */
export async function showAgency(deps: RegistryDeps, code: string): Promise<AgencyDetail> {
  const agency = await requireAgency(deps, parseAgencyCode(code));
  const children = await deps.registry.list({ parentCode: agency.code, skip: 0, limit: 1000 });
  return { agency, children: children.items.map((c) => ({ code: c.code, name: c.name })) };
}

function parseRole(role: unknown): CertificateRole {
  if (role === undefined) return 'seal';
  if (typeof role === 'string' && (CERTIFICATE_ROLES as readonly string[]).includes(role)) return role as CertificateRole;
  throw new DomainError('ERR_VALIDATION', `a certificate role is one of ${CERTIFICATE_ROLES.join(', ')}`, { details: { field: 'role' } });
}

function readCertificate(bytes: Uint8Array, now: Date, role: CertificateRole = 'seal'): BoundCertificate {
  let der: Uint8Array;
  try {
    const all = decodeCertificates(bytes);
    if (all.length !== 1) throw new DomainError('ERR_VALIDATION', 'give exactly one certificate', { details: { count: all.length } });
    der = all[0] as Uint8Array;
    const c = parseCertificate(der);
    if (c.isCa) throw new DomainError('ERR_VALIDATION', 'a CA certificate cannot be bound to an agency');
    return Object.freeze({
      sha256: c.sha256,
      der: new Uint8Array(der),
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      role,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      status: 'active',
      boundAt: now,
    });
  } catch (e) {
    if (isCryptoError(e)) throw new DomainError('ERR_VALIDATION', `not a certificate: ${e.message}`, { cause: e, details: { reason: e.code } });
    throw e;
  }
}

/**
 * Binds a certificate (DER or PEM) to an agency code in a role (default `seal`). A `seal` signs the agency's
 * packages (the axis accepts packages signed with an active seal of the sender only) and is its signature on
 * documents; a `person` certificate is one of its competent people's personal signing certificates, valid on
 * documents only before the seal (Decree 30/2020 Art. 5 and 32). A certificate belongs to one agency in one
 * role; a revoked binding is final. Binding again is a no-op.
 */
export async function bindCertificate(deps: RegistryDeps, input: { code: string; certificate: Uint8Array; role?: CertificateRole }): Promise<{ record: AgencyRecord; certificate: BoundCertificate; changed: boolean }> {
  const code = parseAgencyCode(input.code);
  const cert = readCertificate(input.certificate, deps.now(), parseRole(input.role));
  const holder = await deps.registry.findByCertificate(cert.sha256);
  if (holder && holder.code !== code) {
    throw new DomainError('ERR_CONFLICT', `certificate is bound to another agency (${holder.code})`, { details: { sha256: cert.sha256, boundTo: holder.code } });
  }
  const { record, changed } = await updateAgency(deps, code, (current) => {
    const existing = current.certificates.find((c) => c.sha256 === cert.sha256);
    if (existing && existing.role !== cert.role) {
      throw new DomainError('ERR_CONFLICT', `this certificate is bound to ${code} as its ${existing.role}`, { details: { sha256: cert.sha256, role: existing.role } });
    }
    if (existing?.status === 'active') return null;
    if (existing) throw new DomainError('ERR_CONFLICT', 'this certificate was revoked for this agency; bind a new one', { details: { sha256: cert.sha256 } });
    return { certificates: [...current.certificates, cert] };
  });
  return { record, certificate: record.certificates.find((c) => c.sha256 === cert.sha256) ?? cert, changed };
}

function normaliseFingerprint(sha256: string): string {
  const fp = sha256.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(fp)) throw new DomainError('ERR_VALIDATION', 'certificate fingerprint must be 64 hex digits (SHA-256)', { details: { field: 'sha256' } });
  return fp;
}

/** Revokes a binding: packages signed with that certificate are refused from now on. Repeating it is a no-op. */
export async function revokeCertificate(deps: RegistryDeps, input: { code: string; sha256: string }): Promise<{ record: AgencyRecord; changed: boolean }> {
  const code = parseAgencyCode(input.code);
  const fp = normaliseFingerprint(input.sha256);
  const at = deps.now();
  return updateAgency(deps, code, (current) => {
    const existing = current.certificates.find((c) => c.sha256 === fp);
    if (!existing) throw new DomainError('ERR_NOT_FOUND', `no certificate ${fp} is bound to ${code}`, { details: { sha256: fp } });
    if (existing.status === 'revoked') return null;
    return { certificates: current.certificates.map((c) => (c.sha256 === fp ? { ...c, status: 'revoked' as const, revokedAt: at } : c)) };
  });
}

/** Revokes one binding and binds a new certificate in the same single-document write (key rollover). */
export async function replaceCertificate(deps: RegistryDeps, input: { code: string; oldSha256: string; certificate: Uint8Array }): Promise<{ record: AgencyRecord; changed: boolean }> {
  const code = parseAgencyCode(input.code);
  const fp = normaliseFingerprint(input.oldSha256);
  const at = deps.now();
  const old0 = (await requireAgency(deps, code)).certificates.find((c) => c.sha256 === fp);
  const cert = readCertificate(input.certificate, at, old0?.role ?? 'seal');
  if (cert.sha256 === fp) throw new DomainError('ERR_VALIDATION', 'the new certificate is the one being replaced', { details: { sha256: fp } });
  const holder = await deps.registry.findByCertificate(cert.sha256);
  if (holder && holder.code !== code) {
    throw new DomainError('ERR_CONFLICT', `certificate is bound to another agency (${holder.code})`, { details: { sha256: cert.sha256, boundTo: holder.code } });
  }
  return updateAgency(deps, code, (current) => {
    const old = current.certificates.find((c) => c.sha256 === fp);
    if (!old) throw new DomainError('ERR_NOT_FOUND', `no certificate ${fp} is bound to ${code}`, { details: { sha256: fp } });
    const fresh = current.certificates.find((c) => c.sha256 === cert.sha256);
    if (fresh?.status === 'revoked') throw new DomainError('ERR_CONFLICT', 'the new certificate was revoked for this agency', { details: { sha256: cert.sha256 } });
    if (old.status === 'revoked' && fresh?.status === 'active') return null;
    const revoked = current.certificates.map((c) => (c.sha256 === fp && c.status === 'active' ? { ...c, status: 'revoked' as const, revokedAt: at } : c));
    return { certificates: fresh ? revoked : [...revoked, cert] };
  });
}

/**
 * Sets (or replaces) an agency's system secret: its scrypt hash for `/axis/v1`, and, when the deps hold the
 * request-key box, the secret sealed for the VDXP facade's HMAC (an old sealed copy is cleared otherwise).
 */
export async function setSecret(deps: RegistryDeps, input: { code: string; secret: string }): Promise<AgencyRecord> {
  const code = parseAgencyCode(input.code);
  if (typeof input.secret !== 'string' || input.secret.length < 16 || input.secret.length > 512) {
    throw new DomainError('ERR_VALIDATION', 'a system secret must be 16…512 characters', { details: { field: 'secret' } });
  }
  await requireAgency(deps, code);
  const secretHash = await hashSecret(input.secret);
  const requestKeySealed = deps.requestKeys ? deps.requestKeys.seal(code, input.secret) : '';
  const { record } = await updateAgency(deps, code, () => ({ secretHash, requestKeySealed }));
  forgetSecretCheck(deps.registry, code); // the old tokens end now in this process (others: SECRET_CHECK_CACHE_MS)
  return record;
}

export interface SeedAgency {
  readonly code: string;
  readonly name: string;
  readonly parentCode?: string | null;
  /** DER (or PEM) seal certificates to bind. */
  readonly certificates: readonly Uint8Array[];
  /** DER (or PEM) personal signing certificates of its demo leaders (role `person`). */
  readonly personCertificates?: readonly Uint8Array[];
  readonly secret?: string;
}

export interface SeedResult {
  readonly created: number;
  readonly certificatesBound: number;
  readonly secretsSet: number;
}

/**
 * Seeds the development registry idempotently: creates missing agencies (parents first), binds certificates
 * not yet bound, sets the secret when none is set or it differs. Running it twice changes nothing.
 */
export async function seedDevelopmentRegistry(deps: RegistryDeps, input: { agencies: readonly SeedAgency[] }): Promise<SeedResult> {
  let created = 0;
  let certificatesBound = 0;
  let secretsSet = 0;
  const ordered = [...input.agencies].sort((a, b) => parentDepth(a.code) - parentDepth(b.code));
  for (const a of ordered) {
    const code = parseAgencyCode(a.code);
    if (!(await deps.registry.findByCode(code))) {
      try {
        await registerAgency(deps, { code, name: a.name, parentCode: a.parentCode ?? null });
        created++;
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'ERR_AGENCY_EXISTS')) throw e; // another process seeded it
      }
    }
    for (const der of a.certificates) {
      if ((await bindCertificate(deps, { code, certificate: der })).changed) certificatesBound++;
    }
    for (const der of a.personCertificates ?? []) {
      if ((await bindCertificate(deps, { code, certificate: der, role: 'person' })).changed) certificatesBound++;
    }
    if (a.secret !== undefined) {
      const current = await requireAgency(deps, code);
      const unsealed = deps.requestKeys !== undefined && !current.requestKeySealed;
      if (!current.secretHash || unsealed || !(await verifySecret(a.secret, current.secretHash))) {
        await setSecret(deps, { code, secret: a.secret });
        secretsSet++;
      }
    }
  }
  return { created, certificatesBound, secretsSet };
}

function parentDepth(code: string): number {
  let depth = 0;
  for (let c = parentAgencyCode(parseAgencyCode(code)); c; c = parentAgencyCode(c)) depth++;
  return depth;
}

/** Only an agency itself may register or revoke its people's certificates (its administrator holds its system credentials). */
function requireSelf(principal: AxisPrincipal, code: AgencyCode): void {
  if (principal.agencyCode !== code) throw new DomainError('ERR_FORBIDDEN', "an agency registers only its own people's certificates", { details: { code } });
}

/**
 * An agency's administrator registers the personal signing certificate of one of its competent people (a
 * leader), through the axis API with the agency's own credentials: role `person` only. Seals stay with the
 * axis operator (CLI `agency bind-cert`), since a seal also signs packages.
 */
export async function registerPersonCertificate(deps: RegistryDeps, input: { principal: AxisPrincipal; code: string; certificate: Uint8Array; role?: string }): Promise<{ record: AgencyRecord; certificate: BoundCertificate; changed: boolean }> {
  const code = parseAgencyCode(input.code);
  requireSelf(input.principal, code);
  if (parseRole(input.role ?? 'person') !== 'person') {
    throw new DomainError('ERR_FORBIDDEN', 'an agency registers person certificates; seals are bound by the axis operator', { details: { field: 'role' } });
  }
  return bindCertificate(deps, { code, certificate: input.certificate, role: 'person' });
}

/** The agency revokes one of its people's certificates (a leader left office); its seals stay with the operator. */
export async function revokePersonCertificate(deps: RegistryDeps, input: { principal: AxisPrincipal; code: string; sha256: string }): Promise<{ record: AgencyRecord; changed: boolean }> {
  const code = parseAgencyCode(input.code);
  requireSelf(input.principal, code);
  const fp = normaliseFingerprint(input.sha256);
  const held = (await requireAgency(deps, code)).certificates.find((c) => c.sha256 === fp);
  if (held && held.role !== 'person') throw new DomainError('ERR_FORBIDDEN', 'a seal is revoked by the axis operator', { details: { sha256: fp } });
  return revokeCertificate(deps, { code, sha256: fp });
}

/** Who holds a certificate: the agency it is bound to and in which role (a verifier names a foreign signature by it). */
export async function findCertificateHolder(deps: RegistryDeps, sha256: string): Promise<{ readonly code: AgencyCode; readonly name: string; readonly certificate: BoundCertificate }> {
  const fp = normaliseFingerprint(sha256);
  const holder = await deps.registry.findByCertificate(fp);
  const certificate = holder?.certificates.find((c) => c.sha256 === fp);
  if (!holder || !certificate) throw new DomainError('ERR_NOT_FOUND', 'no agency holds this certificate', { details: { sha256: fp } });
  return { code: holder.code, name: holder.name, certificate };
}
