import type mongoose from 'mongoose';
import type { AgencyCode } from '../../server/domain/agency/index.js';
import { DomainError } from '../../server/domain/errors.js';
import type { AgencyChanges, AgencyPage, AgencyRecord, AgencyRegistry, BoundCertificate, NewAgency } from '../../server/domain/ports/axis/index.js';
import { isDuplicateKeyError, translateMongoError } from '../mongo-errors.js';
import { bufferOf, bytesOf } from '../binary.js';
import { createRecordLock } from '../record-lock.js';
import { axisModels } from './models.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = Record<string, any>;

function toCertificate(c: Raw): BoundCertificate {
  return Object.freeze({
    sha256: String(c.sha256),
    der: bytesOf(c.der),
    subject: String(c.subject),
    issuer: String(c.issuer),
    serialNumber: String(c.serialNumber),
    // bindings made before roles existed were all seals
    role: c.role === 'person' ? 'person' : 'seal',
    notBefore: new Date(c.notBefore),
    notAfter: new Date(c.notAfter),
    status: c.status === 'revoked' ? 'revoked' : 'active',
    boundAt: new Date(c.boundAt),
    ...(c.revokedAt ? { revokedAt: new Date(c.revokedAt) } : {}),
  });
}

function toRecord(d: Raw): AgencyRecord {
  return Object.freeze({
    code: d.code as AgencyCode,
    name: String(d.name),
    parentCode: (d.parentCode ?? null) as AgencyCode | null,
    certificates: Object.freeze(((d.certificates ?? []) as Raw[]).map(toCertificate)),
    ...(typeof d.secretHash === 'string' ? { secretHash: d.secretHash } : {}),
    ...(typeof d.requestKeySealed === 'string' ? { requestKeySealed: d.requestKeySealed } : {}),
    version: Number(d.version),
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
  });
}

const certificateDoc = (c: BoundCertificate) => ({ ...c, der: bufferOf(c.der) });

/** The agency registry in MongoDB (collection axis_agencies). */
export function createAgencyRepository(connection: mongoose.Connection): AgencyRegistry {
  const { Agency } = axisModels(connection);
  const withLock = createRecordLock(connection, 'axis_record_locks');
  return {
    async create(agency: NewAgency): Promise<AgencyRecord> {
      const doc = {
        code: agency.code,
        name: agency.name,
        parentCode: agency.parentCode,
        certificates: agency.certificates.map(certificateDoc),
        ...(agency.secretHash ? { secretHash: agency.secretHash } : {}),
        ...(agency.requestKeySealed ? { requestKeySealed: agency.requestKeySealed } : {}),
        version: 1,
        createdAt: agency.createdAt,
        updatedAt: agency.createdAt,
      };
      try {
        await Agency.collection.insertOne({ ...doc });
      } catch (e) {
        if (isDuplicateKeyError(e)) throw new DomainError('ERR_AGENCY_EXISTS', `agency ${agency.code} is already registered`, { cause: e, details: { code: agency.code } });
        translateMongoError(e, 'agency');
      }
      return toRecord(doc);
    },

    async findByCode(code: AgencyCode): Promise<AgencyRecord | null> {
      const d = await Agency.findOne({ code })
        .lean<Raw>()
        .catch((e) => translateMongoError(e));
      return d ? toRecord(d) : null;
    },

    async existingCodes(codes: readonly AgencyCode[]): Promise<readonly AgencyCode[]> {
      if (codes.length === 0) return [];
      const found = await Agency.find({ code: { $in: [...codes] } }, { code: 1 })
        .lean<Raw[]>()
        .catch((e) => translateMongoError(e));
      return found.map((d) => d.code as AgencyCode);
    },

    async list(query): Promise<AgencyPage> {
      const filter = query.parentCode === undefined ? {} : { parentCode: query.parentCode };
      try {
        const items = await Agency.find(filter).sort({ code: 1 }).skip(query.skip).limit(query.limit).lean<Raw[]>();
        // A short page is the last one: its total is known without a count (an agency's children, read with every agency shown).
        const total = items.length < query.limit && (items.length > 0 || query.skip === 0) ? query.skip + items.length : await Agency.countDocuments(filter);
        return { items: items.map(toRecord), total };
      } catch (e) {
        return translateMongoError(e);
      }
    },

    async findByCertificate(sha256: string): Promise<AgencyRecord | null> {
      const d = await Agency.findOne({ 'certificates.sha256': sha256 })
        .lean<Raw>()
        .catch((e) => translateMongoError(e));
      return d ? toRecord(d) : null;
    },

    async remove(code: AgencyCode, expectedVersion: number): Promise<boolean> {
      try {
        const r = await withLock(`agency:${code}`, () => Agency.collection.deleteOne({ code, version: expectedVersion }));
        return r.deletedCount === 1;
      } catch (e) {
        return translateMongoError(e, 'agency');
      }
    },

    async update(code: AgencyCode, expectedVersion: number, changes: AgencyChanges): Promise<AgencyRecord | null> {
      const set: Raw = { updatedAt: changes.updatedAt };
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.certificates !== undefined) set.certificates = changes.certificates.map(certificateDoc);
      if (changes.secretHash !== undefined) set.secretHash = changes.secretHash;
      if (changes.requestKeySealed !== undefined) set.requestKeySealed = changes.requestKeySealed;
      try {
        const r = await withLock(`agency:${code}`, () => Agency.collection.updateOne({ code, version: expectedVersion }, { $set: set, $inc: { version: 1 } }));
        if (r.matchedCount === 0) return null;
      } catch (e) {
        translateMongoError(e, 'agency');
      }
      const d = await Agency.findOne({ code })
        .lean<Raw>()
        .catch((e) => translateMongoError(e));
      return d ? toRecord(d) : null;
    },
  };
}
