import { randomUUID } from 'node:crypto';
import { createMemoryThrottleStore, createThrottle } from '../../../server/auth/throttle.js';
import { keysFromTokenSecret } from '../../../server/compose/service-keys.js';
import type mongoose from 'mongoose';
import { createDevelopmentPki, type DevelopmentPki, type DevAgency } from '../../../crypto/index.js';
import { createAxisServices, type AxisDeps, type AxisServices } from '../../../server/axis/index.js';
import { parseAgencyCode, type AgencyCode } from '../../../server/domain/agency/index.js';
import { buildEdocPackage, buildStatusPackage, signPackage } from '../../../server/domain/edxml/index.js';
import type { StatusCode } from '../../../server/domain/status/index.js';
import { AXIS_COLLECTIONS, createAgencyRepository, createDeliveryRepository, createSubmissionRepository, createTraceRepository, ensureAxisIndexes } from '../../../storage/axis/index.js';
import { createGridFsBlobStore } from '../../../storage/index.js';
import { edxmlDay, testClock } from '../../support/clock.js';

/** The agencies of the axis tests: codes from DOMAIN.md's checked table. */
export const AGENCIES = [
  { code: '000.00.00.G22', name: 'Văn phòng Chính phủ (DEV)' },
  { code: '000.00.00.G12', name: 'Bộ Tài chính (DEV)' },
  { code: '000.00.18.G12', name: 'Tổng cục Thuế (DEV)', parentName: 'Bộ Tài chính (DEV)' },
  { code: '000.00.00.H27', name: 'Ủy ban nhân dân tỉnh Hà Tĩnh (DEV)' },
  { code: '000.00.00.H49', name: 'Ủy ban nhân dân tỉnh Quảng Ninh (DEV)' },
] as const;

export const G22 = parseAgencyCode('000.00.00.G22');
export const G12 = parseAgencyCode('000.00.00.G12');
export const TAX = parseAgencyCode('000.00.18.G12');
export const H27 = parseAgencyCode('000.00.00.H27');
export const H49 = parseAgencyCode('000.00.00.H49');
/** A well-formed code nobody registered. */
export const UNREGISTERED = parseAgencyCode('000.00.00.G17');

export const secretOf = (code: string) => `dev-secret-for-${code}-0123456789`;

let pki: Promise<DevelopmentPki> | undefined;
/** One development PKI per test process (keys are slow to make; STYLE.md: generate once, cache). */
export function testPki(): Promise<DevelopmentPki> {
  pki ??= createDevelopmentPki({ now: testClock(), agencies: AGENCIES.map((a) => ({ ...a })) });
  return pki;
}

export function agencyOf(p: DevelopmentPki, code: string): DevAgency {
  const a = p.agencies.find((x) => x.code === code);
  if (!a) throw new Error(`no dev agency ${code}`);
  return a;
}

let counter = 0;
/** A fresh document number, so each test's DocumentId is its own. */
export const nextNumber = () => String(++counter + Math.floor(Math.random() * 1000) * 1000);

export function edocBytes(input: { from: AgencyCode; to: readonly AgencyCode[]; number?: string; subject?: string; date?: string }): { bytes: Uint8Array; documentId: string } {
  const number = input.number ?? nextNumber();
  const date = input.date ?? edxmlDay();
  const documentId = `${input.from},${date},${number}/TEST-VT`;
  const bytes = buildEdocPackage({
    MessageHeader: {
      From: { OrganId: input.from, OrganName: `Cơ quan ${input.from}` },
      To: input.to.map((c) => ({ OrganId: c, OrganName: `Cơ quan ${c}` })),
      DocumentId: documentId,
      Code: { CodeNumber: number, CodeNotation: 'TEST-VT' },
      PromulgationInfo: { Place: 'Hà Nội', PromulgationDate: date },
      DocumentType: { Type: 1, TypeName: 'Công văn' },
      Subject: input.subject ?? 'Về việc thử nghiệm trục liên thông',
      SignerInfo: { FullName: 'Nguyễn Văn A' },
      ToPlaces: [],
      OtherInfo: { Priority: 0 },
      ResponseFor: [],
    },
    TraceHeaderList: { TraceHeader: [], Bussiness: { BussinessDocType: 0, Paper: 0 } },
    Attachments: [{ ContentId: 'cid:vanban', AttachmentName: 'vanban.pdf', ContentType: 'application/pdf', Content: new TextEncoder().encode(`%PDF-1.7 test ${number}`), Zipped: false }],
  });
  return { bytes, documentId };
}

export function statusBytes(input: { from: AgencyCode; original: { sender: AgencyCode; documentId: string }; statusCode: StatusCode; description?: string }): Uint8Array {
  const [, date = edxmlDay(), code = '1/TEST-VT'] = input.original.documentId.split(',');
  return buildStatusPackage({
    From: { OrganId: input.from, OrganName: `Cơ quan ${input.from}` },
    ResponseFor: { OrganId: input.original.sender, Code: code, PromulgationDate: date, DocumentId: input.original.documentId },
    StatusCode: input.statusCode,
    ...(input.description ? { Description: input.description } : {}),
    Timestamp: `${edxmlDay()} 10:30:00`,
  });
}

/** Signs with the agency's seal (the certificate the registry binds). */
export async function sealSign(p: DevelopmentPki, code: string, bytes: Uint8Array): Promise<Uint8Array> {
  return signPackage(bytes, agencyOf(p, code).seal.identity, testClock());
}

export const TOKEN_SECRET = 'test-token-secret-0123456789-abcdefghijkl';

/** The axis use cases over the real repositories on `connection`. */
export async function axisOn(connection: mongoose.Connection, p: DevelopmentPki, overrides: Partial<AxisDeps> = {}): Promise<{ services: AxisServices; deps: AxisDeps }> {
  await ensureAxisIndexes(connection);
  const deps: AxisDeps = {
    registry: createAgencyRepository(connection),
    packages: createSubmissionRepository(connection),
    deliveries: createDeliveryRepository(connection),
    trace: createTraceRepository(connection),
    blobs: createGridFsBlobStore(connection, AXIS_COLLECTIONS.packagesBucket),
    now: () => testClock(),
    newId: randomUUID,
    tokenKeys: (await keysFromTokenSecret(TOKEN_SECRET)).axisTokenKeys,
    tokenTtlSeconds: 600,
    throttle: createThrottle(createMemoryThrottleStore(), () => testClock()),
    trustAnchors: [p.root.certificate],
    crls: [p.crl, p.rootCrl],
    allowSha1: false,
    limits: { packageBytes: 2 * 1024 * 1024, signatureBytes: 64 * 1024 },
    ...overrides,
  };
  return { services: createAxisServices(deps), deps };
}

/** Seeds every test agency with its seal certificate bound and its secret set. */
export async function seedAll(services: AxisServices, p: DevelopmentPki) {
  return services.seedDevelopmentRegistry({
    agencies: AGENCIES.map((a) => ({ code: a.code, name: a.name, certificates: [agencyOf(p, a.code).seal.identity.certificate], secret: secretOf(a.code) })),
  });
}
