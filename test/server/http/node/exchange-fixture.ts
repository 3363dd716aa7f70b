import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDevelopmentPki, signPdf, type DevAgency, type DevelopmentPki } from '../../../../crypto/index.js';
import { composeAxis, composeAxisRegistry, type AxisRole } from '../../../../server/compose/axis.js';
import { composeNode, type NodeRole } from '../../../../server/compose/node.js';
import { seedDevelopmentRegistry } from '../../../../server/axis/index.js';
import { loadConfig } from '../../../../server/config/config.js';
import { parseAgencyCode, type AgencyCode } from '../../../../server/domain/agency/index.js';
import { createApp } from '../../../../server/http/create-app.js';
import { createWebAppRouter } from '../../../../server/http/web-app.js';
import { createLogger } from '../../../../server/logger.js';
import type { TestDatabase } from '../../../support/database.js';
import { listen, readJson } from '../../../support/http.js';
import { testClock, type TestClock } from '../../../support/clock.js';
import { eventually } from '../../../support/eventually.js';

/** test/vectors/pdf/, resolved from dist/test/server/http/node/. */
const VECTORS = fileURLToPath(new URL('../../../../../test/vectors/pdf/', import.meta.url));
export const UNSIGNED_PDF = new Uint8Array(readFileSync(`${VECTORS}no-signature.pdf`));

export const G22 = parseAgencyCode('000.00.00.G22');
export const H27 = parseAgencyCode('000.00.00.H27');
export const H49 = parseAgencyCode('000.00.00.H49');
/** Registered at the axis but not hosted by the node: the tests drive it by hand. */
export const G12 = parseAgencyCode('000.00.00.G12');
export const PASSWORD = 'demo-password-123';
const NAMES: Record<string, string> = { [G22]: 'Văn phòng Chính phủ', [H27]: 'Ủy ban nhân dân tỉnh Hà Tĩnh', [H49]: 'Ủy ban nhân dân tỉnh Quảng Ninh', [G12]: 'Bộ Tài chính' };
export const secretOf = (code: string) => `axis-secret-${code}-0123456789abcdef`;

export interface Exchange {
  readonly baseUrl: string;
  /** While true, the node reaches the axis at a closed port (the axis is down for it). */
  axisDown: boolean;
  /** Further node processes' workers on the same database (scale-out), when asked for. */
  readonly extraNodes: readonly NodeRole[];
  readonly pki: DevelopmentPki;
  readonly node: NodeRole;
  /** The axis in this process: its use cases, for what an agency the node does not host sends (G12). */
  readonly axis: AxisRole;
  /** The clock the axis, the node and the PKI run on. */
  readonly clock: TestClock;
  agency(code: AgencyCode): DevAgency;
  close(): Promise<void>;
}

/** The axis and one node hosting G22, H27, H49 in one app over real HTTP, on the test database. */
export async function startExchange(
  db: TestDatabase,
  options: {
    dispatch?: { baseDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
    receive?: { baseDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
    extraNodes?: number;
    /** The node's poll and dispatch timers (default 150 ms and 100 ms). */
    pollIntervalMs?: number;
    dispatchIntervalMs?: number;
    dialect?: 'lienthong' | 'vdxp';
  } = {},
): Promise<Exchange> {
  const clock = testClock;
  const pki = await createDevelopmentPki({ now: new Date(clock().getTime() - 60_000), agencies: [G22, H27, H49, G12].map((code) => ({ code, name: NAMES[code]! })) });
  const config = loadConfig({
    LIENTHONG_TOKEN_SECRET: 'test-token-secret-0123456789abcdef-xyz',
    LIENTHONG_LOG_LEVEL: 'silent',
    LIENTHONG_POLL_INTERVAL_MS: String(options.pollIntervalMs ?? 150),
    LIENTHONG_AXIS_DIALECT: options.dialect ?? 'lienthong',
  });
  const logger = createLogger({ level: process.env.TEST_NODE_LOG_LEVEL ?? 'silent' });
  const connection = db.connection();
  const trust = { trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl] };
  const axis = await composeAxis({ config, logger, connection, ...trust, now: clock });
  const seed = { agencies: pki.agencies.map((a) => ({ code: a.code, name: a.name, certificates: [a.seal.identity.certificate], personCertificates: [a.person.identity.certificate], secret: secretOf(a.code) })) };
  // The VDXP facade's HMAC needs the secrets sealed under the axis's key: seed through the axis's own deps then.
  if (options.dialect === 'vdxp') await axis.services.seedDevelopmentRegistry(seed);
  else await seedDevelopmentRegistry(await composeAxisRegistry(connection, clock), seed);
  let baseUrl = '';
  const state = { axisDown: false };
  const nodeOptions = {
    config,
    logger,
    connection,
    ...trust,
    now: clock,
    axisUrl: () => (state.axisDown ? 'http://127.0.0.1:9' : baseUrl),
    dispatchIntervalMs: options.dispatchIntervalMs ?? 100,
    ...(options.dispatch ? { dispatch: options.dispatch } : {}),
    ...(options.receive ? { receive: options.receive } : {}),
  };
  const node = await composeNode({ ...nodeOptions, workerId: 'node-1' });
  const extraNodes: NodeRole[] = [];
  for (let i = 0; i < (options.extraNodes ?? 0); i++) extraNodes.push(await composeNode({ ...nodeOptions, workerId: `node-${i + 2}` }));
  const app = createApp({
    logger,
    jsonBodyBytes: config.limits.jsonBodyBytes,
    openapi: [axis.openapi, axis.vdxpOpenapi, node.openapi],
    ready: async () => true,
    axisRouter: axis.router,
    vdxpRouter: axis.vdxpRouter,
    nodeRouter: node.router,
    webRouter: createWebAppRouter(),
  });
  const server = await listen(app);
  baseUrl = server.baseUrl;
  const byCode = (code: AgencyCode) => pki.agencies.find((a) => a.code === code)!;
  await node.seedDevelopment({
    agencies: [G22, H27, H49].map((code) => ({ code, name: NAMES[code]!, seal: byCode(code).seal, person: byCode(code).person, axisSecret: secretOf(code) })),
    demoPassword: PASSWORD,
  });
  node.startWorkers();
  for (const n of extraNodes) n.startWorkers();
  return {
    baseUrl,
    pki,
    node,
    axis,
    clock,
    extraNodes,
    get axisDown() {
      return state.axisDown;
    },
    set axisDown(v: boolean) {
      state.axisDown = v;
    },
    agency: byCode,
    async close() {
      await Promise.all([node.stop(), ...extraNodes.map((n) => n.stop())]);
      await server.close();
      await axis.stop();
    },
  };
}

export async function loginAs(baseUrl: string, agencyCode: string, username: string, password = PASSWORD): Promise<string> {
  const r = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode, username, password }) });
  const body = await readJson(r);
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(body)}`);
  return body.accessToken as string;
}

let numbers = 100;
/** Metadata for a document to `to`, with a fresh number. */
export function metadataFor(to: readonly string[], over: Record<string, unknown> = {}): Record<string, unknown> {
  numbers++;
  return {
    to,
    subject: 'Về việc thử nghiệm gửi nhận văn bản điện tử',
    codeNumber: String(numbers),
    codeNotation: 'VPCP-KSTT',
    promulgationDate: testClock.day(),
    promulgationPlace: 'Hà Nội',
    documentType: { type: 1, typeName: 'Công văn' },
    signer: { competence: 'KT. BỘ TRƯỞNG', position: 'THỨ TRƯỞNG', fullName: 'Nguyễn Văn A' },
    priority: 0,
    paper: false,
    ...over,
  };
}

/** The unsigned test PDF signed by an agency's person key (what a leader's own signing tool produces). */
export async function personSignedPdf(agency: DevAgency): Promise<Uint8Array> {
  return (await signPdf(UNSIGNED_PDF, { identity: agency.person.identity, role: 'signer', signingTime: testClock(), appearance: false })).pdf;
}

export async function postDocument(baseUrl: string, token: string, pdf: Uint8Array, metadata: unknown, idempotencyKey?: string): Promise<Response> {
  const form = new FormData();
  form.set('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  form.set('file', new Blob([pdf], { type: 'application/pdf' }), 'cong-van.pdf');
  return fetch(`${baseUrl}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) }, body: form });
}

export async function api(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

export { eventually };

/** The inbox document of `token`'s agency with edXML DocumentId `documentId`, once it arrived. */
export async function inboxDocument(baseUrl: string, token: string, documentId: string, ms?: number): Promise<Record<string, any>> {
  return eventually(
    `${documentId} in the inbox`,
    async () => {
      const list = await readJson(await api(baseUrl, token, 'GET', '/documents?box=inbox&pageSize=100'));
      const hit = (list.items as Array<Record<string, any>>).find((d) => d.documentId === documentId);
      return hit ? readJson(await api(baseUrl, token, 'GET', `/documents/${hit.id}`)) : undefined;
    },
    ms,
  );
}
