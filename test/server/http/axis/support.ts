import type mongoose from 'mongoose';
import type { DevelopmentPki, PdfPool } from '../../../../crypto/index.js';
import { composeAxis, type AxisRole } from '../../../../server/compose/axis.js';
import { testClock } from '../../../support/clock.js';
import { loadConfig } from '../../../../server/config/config.js';
import { createApp } from '../../../../server/http/create-app.js';
import { createLogger } from '../../../../server/logger.js';
import { listen, readJson } from '../../../support/http.js';
import { TOKEN_SECRET, seedAll } from '../../axis/fixtures.js';

export const PACKAGE_LIMIT = 300_000;
/** The axis operator's secret of the test axis (national report). */
export const OPERATOR_SECRET = 'operator-secret-of-the-test-axis-0123456789';

export interface AxisServer {
  readonly baseUrl: string;
  readonly role: AxisRole;
  close(): Promise<void>;
}

/** The axis role composed exactly as `serve` does, on a real database, listening on a free port. */
export async function startAxis(connection: mongoose.Connection, pki: DevelopmentPki, logLines?: string[], options: { pdfPool?: PdfPool } = {}): Promise<AxisServer> {
  const config = loadConfig({ LIENTHONG_TOKEN_SECRET: TOKEN_SECRET, LIENTHONG_PACKAGE_BYTES: String(PACKAGE_LIMIT), LIENTHONG_LOG_LEVEL: 'silent', LIENTHONG_AXIS_OPERATOR_SECRET: OPERATOR_SECRET });
  const logger = logLines ? createLogger({ level: 'info' }, { write: (line: string) => void logLines.push(line) }) : createLogger({ level: 'silent' });
  const role = await composeAxis({ config, logger, connection, trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl], now: testClock, ...(options.pdfPool ? { pdfPool: options.pdfPool } : {}) });
  await seedAll(role.services, pki);
  const app = createApp({ logger, jsonBodyBytes: config.limits.jsonBodyBytes, axisRouter: role.router, vdxpRouter: role.vdxpRouter, openapi: [role.openapi, role.vdxpOpenapi], ready: async () => true });
  const { baseUrl, close } = await listen(app);
  return {
    baseUrl,
    role,
    close: async () => {
      await close();
      await role.stop();
    },
  };
}

/** A small HTTP client of the axis API, written against the OpenAPI fragment. */
export function client(baseUrl: string) {
  const url = (p: string) => `${baseUrl}/axis/v1${p}`;
  const auth = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return {
    async token(systemId: string, secret: string): Promise<Response> {
      return fetch(url('/auth/token'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId, secret }) });
    },
    async send(token: string | undefined, parts: { package?: Uint8Array; signature?: Uint8Array; type?: string }): Promise<Response> {
      const form = new FormData();
      if (parts.package) form.append('package', new Blob([parts.package], { type: 'application/xml' }), 'package.edxml');
      if (parts.signature) form.append('signature', new Blob([parts.signature], { type: 'application/pkcs7-signature' }), 'package.p7s');
      if (parts.type !== undefined) form.append('type', parts.type);
      return fetch(url('/edocs'), { method: 'POST', headers: auth(token), body: form });
    },
    async list(token: string | undefined, query = ''): Promise<Response> {
      return fetch(url(`/edocs${query}`), { headers: auth(token) });
    },
    async download(token: string | undefined, docId: string): Promise<Response> {
      return fetch(url(`/edocs/${docId}`), { headers: auth(token) });
    },
    async ack(token: string | undefined, docId: string, status: string): Promise<Response> {
      return fetch(url(`/edocs/${docId}/ack`), { method: 'POST', headers: { ...auth(token), 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
    },
    async trace(token: string | undefined, docId: string): Promise<Response> {
      return fetch(url(`/edocs/${docId}/trace`), { headers: auth(token) });
    },
    async get(token: string | undefined, path: string): Promise<Response> {
      return fetch(url(path), { headers: auth(token) });
    },
  };
}

/** The problem code of an error answer, with its status, e.g. `401 ERR_UNAUTHENTICATED`. */
export async function problemOf(r: Response): Promise<string> {
  const ct = r.headers.get('content-type') ?? '';
  if (!ct.startsWith('application/problem+json')) return `${r.status} (not a problem document: ${ct})`;
  return `${r.status} ${(await readJson(r)).code}`;
}

/** Counts of everything a send can write, to prove a refused request wrote nothing. */
export async function snapshot(connection: mongoose.Connection) {
  const count = (c: string) => connection.collection(c).countDocuments();
  return {
    submissions: await count('axis_submissions'),
    deliveries: await count('axis_deliveries'),
    files: await count('axis_packages.files'),
    chunks: await count('axis_packages.chunks'),
    trace: await count('axis_trace'),
  };
}
