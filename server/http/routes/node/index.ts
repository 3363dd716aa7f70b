import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import multer from 'multer';
import type { AgencyCode } from '../../../domain/agency/index.js';
import { DomainError } from '../../../domain/errors.js';
import type { NodeDeps, NodePrincipal } from '../../../node/deps.js';
import { retryFailedMessages } from '../../../node/dispatch-queue.js';
import { changeStatus, recallDocument } from '../../../node/change-status.js';
import { login } from '../../../node/login.js';
import { authenticateNodeToken, requireRole } from '../../../node/principal.js';
import { findOwnDocument, listDocuments, readDocumentAttachment, readDocumentFile } from '../../../node/queries.js';
import { sendDocument } from '../../../node/send-document.js';
import { documentDetailView, documentSummaryView } from '../../../node/views.js';
import { bearerAuth } from '../../auth.js';
import { parseWith } from '../../validate.js';
import { AttachmentParams, DisabledBody, IdempotencyKeyHeader, IdParams, ListQuery, LoginBody, NewUserBody, RecallBody, ReportQuery, StatusBody } from './requests.js';
import { exportMonthlyReport, REPORT_FORMATS, REPORT_MEDIA_TYPES, type ReportFormat } from '../../../node/report/export-report.js';
import { listRegistryAgencies } from '../../../node/registry-directory.js';
import { addAgencyUser, listAgencyUsers, resetAgencyUserPassword, setAgencyUserDisabled, unlockAgencyUser } from '../../../node/users/manage-users.js';
import { readAgencyRegistryEntry } from '../../../node/users/agency-certificates.js';
import { acceptedFormat } from '../report-format.js';

export interface NodeServices {
  readonly deps: NodeDeps;
  /** Called after a change that queued a message, so the dispatcher runs now rather than at its next tick. */
  readonly onQueued?: () => void;
}

const principalOf = (res: Response) => res.locals.principal as NodePrincipal;

/** Multipart upload with limits; multer's errors become coded domain errors. */
function upload(pdfBytes: number) {
  const m = multer({ storage: multer.memoryStorage(), limits: { fileSize: pdfBytes, files: 1, fields: 2, fieldSize: 256 * 1024, parts: 4, headerPairs: 100 } }).single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      next(new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data with a `file` (PDF) and a `metadata` (JSON) part'));
      return;
    }
    m(req, res, (err: unknown) => {
      if (!err) return next();
      const e = err as { code?: string; field?: string; message?: string };
      if (e.code === 'LIMIT_FILE_SIZE' || e.code === 'LIMIT_FIELD_VALUE' || e.code === 'LIMIT_PART_COUNT') {
        next(new DomainError('ERR_PAYLOAD_TOO_LARGE', `upload too large (${e.code})`, { details: { limit: e.code, ...(e.code === 'LIMIT_FILE_SIZE' ? { maxBytes: pdfBytes } : {}) } }));
      } else if (e.code?.startsWith('LIMIT_')) {
        next(new DomainError('ERR_VALIDATION', `unexpected multipart content (${e.code}${e.field ? ` ${e.field}` : ''})`, { details: { issues: [{ path: e.field ?? 'body', message: e.code }] } }));
      } else {
        next(new DomainError('ERR_VALIDATION', 'malformed multipart body', { cause: err }));
      }
    });
  };
}

/** The clerk API under /api/v1 (issue 5 §1). Handlers parse, call one use case, map the result. */
export function createNodeRouter(services: NodeServices): Router {
  const { deps } = services;
  const router = express.Router();
  const auth = bearerAuth((token) => authenticateNodeToken(deps, token));

  router.post('/auth/login', async (req, res) => {
    const body = parseWith(LoginBody, req.body, 'body');
    res.json(await login(deps, { ...body, ...(req.ip ? { address: req.ip } : {}) }));
  });

  router.post('/documents', auth, upload(deps.pdfBytes), async (req, res) => {
    const key = req.get('idempotency-key');
    if (key !== undefined && !IdempotencyKeyHeader.safeParse(key).success)
      throw new DomainError('ERR_VALIDATION', 'Idempotency-Key must be 1–200 visible ASCII characters', { details: { issues: [{ path: 'headers.idempotency-key', message: 'invalid' }] } });
    const body = req.body as Record<string, unknown> | undefined;
    const file = req.file;
    if (!file) throw new DomainError('ERR_VALIDATION', 'the `file` part (PDF) is missing', { details: { issues: [{ path: 'file', message: 'required' }] } });
    if (typeof body?.metadata !== 'string') throw new DomainError('ERR_VALIDATION', 'the `metadata` part (JSON) is missing', { details: { issues: [{ path: 'metadata', message: 'required' }] } });
    // eslint-disable-next-line no-control-regex -- control characters are what it replaces
    const name = (file.originalname || 'document.pdf').replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200);
    const r = await sendDocument(deps, principalOf(res), { metadata: body.metadata, file: { bytes: new Uint8Array(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength), name }, ...(key !== undefined ? { idempotencyKey: key } : {}) });
    services.onQueued?.();
    res.status(202).location(`${req.baseUrl}/documents/${r.id}`).json({ id: r.id, documentId: r.documentId, replayed: r.replayed });
  });

  router.get('/documents', auth, async (req, res) => {
    const q = parseWith(ListQuery, req.query, 'query');
    const page = await listDocuments(deps, principalOf(res), q);
    res.json({ items: page.items.map(documentSummaryView), total: page.total, page: page.page, pageSize: page.pageSize });
  });

  router.get('/documents/:id', auth, async (req, res) => {
    const { id } = parseWith(IdParams, req.params, 'params');
    res.json(documentDetailView(await findOwnDocument(deps, principalOf(res), id)));
  });

  router.get('/documents/:id/file', auth, async (req, res) => {
    const { id } = parseWith(IdParams, req.params, 'params');
    const f = await readDocumentFile(deps, principalOf(res), id);
    res
      .type('application/pdf')
      .attachment(f.name)
      .send(Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength));
  });

  router.get('/documents/:id/attachments/:index', auth, async (req, res) => {
    const { id, index } = parseWith(AttachmentParams, req.params, 'params');
    const a = await readDocumentAttachment(deps, principalOf(res), id, index);
    // The declared type is the sender's word: always served as bytes to save, never rendered on this origin
    // (type after attachment(), which would set one from the file name's extension).
    // eslint-disable-next-line no-control-regex -- control characters are what it replaces
    const name = a.name.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200) || `attachment-${index}`;
    res
      .attachment(name)
      .type('application/octet-stream')
      .set('x-content-type-options', 'nosniff')
      .send(Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength));
  });

  router.post('/documents/:id/status', auth, async (req, res) => {
    const { id } = parseWith(IdParams, req.params, 'params');
    const body = parseWith(StatusBody, req.body, 'body');
    const doc = await changeStatus(deps, principalOf(res), id, { code: body.code, ...(body.description ? { description: body.description } : {}) });
    services.onQueued?.();
    res.json(documentDetailView(doc));
  });

  router.post('/documents/:id/recall', auth, async (req, res) => {
    const { id } = parseWith(IdParams, req.params, 'params');
    const body = parseWith(RecallBody, req.body, 'body');
    const doc = await recallDocument(deps, principalOf(res), id, body);
    services.onQueued?.();
    res.json(documentDetailView(doc));
  });

  router.post('/documents/:id/retry', auth, async (req, res) => {
    const { id } = parseWith(IdParams, req.params, 'params');
    const p = principalOf(res);
    requireRole(p, ['clerk', 'leader', 'admin']);
    const doc = await retryFailedMessages(deps, await findOwnDocument(deps, p, id));
    services.onQueued?.();
    res.json(documentDetailView(doc));
  });

  router.get('/agencies', auth, async (_req, res) => {
    const items = await listRegistryAgencies(deps, principalOf(res));
    res.json({ items: items.map((a) => ({ code: a.code, name: a.name, parentCode: a.parentCode })), total: items.length });
  });

  router.get('/users', auth, async (_req, res) => {
    const items = await listAgencyUsers(deps, principalOf(res));
    res.json({ items, total: items.length });
  });

  router.post('/users', auth, async (req, res) => {
    const body = parseWith(NewUserBody, req.body, 'body');
    const r = await addAgencyUser(deps, principalOf(res), body);
    res.status(201).set('cache-control', 'no-store').json(r);
  });

  router.post('/users/:id/disabled', auth, async (req, res) => {
    const { id } = parseWith(IdParams, req.params, 'params');
    const body = parseWith(DisabledBody, req.body, 'body');
    res.json(await setAgencyUserDisabled(deps, principalOf(res), id, body.disabled));
  });

  router.post('/users/:id/password', auth, async (req, res) => {
    const { id } = parseWith(IdParams, req.params, 'params');
    res.set('cache-control', 'no-store').json(await resetAgencyUserPassword(deps, principalOf(res), id));
  });

  router.post('/users/:id/unlock', auth, async (req, res) => {
    const { id } = parseWith(IdParams, req.params, 'params');
    res.json(await unlockAgencyUser(deps, principalOf(res), id));
  });

  router.get('/agency', auth, async (_req, res) => {
    const a = await readAgencyRegistryEntry(deps, principalOf(res));
    res.json({
      code: a.code,
      name: a.name,
      parentCode: a.parentCode,
      certificates: a.certificates.map((c) => ({
        sha256: c.sha256,
        status: c.status,
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
        boundAt: c.boundAt.toISOString(),
        ...(c.revokedAt ? { revokedAt: c.revokedAt.toISOString() } : {}),
      })),
    });
  });

  router.get('/reports/monthly', auth, async (req, res) => {
    const q = parseWith(ReportQuery, req.query, 'query');
    const format: ReportFormat = q.format ?? acceptedFormat(req, REPORT_FORMATS, (f) => REPORT_MEDIA_TYPES[f]);
    const file = await exportMonthlyReport(deps, principalOf(res), { format, ...(q.month ? { month: q.month } : {}), ...(q.agency ? { agency: q.agency as AgencyCode } : {}) });
    if (format === 'json') {
      res.json(file.report);
      return;
    }
    res.type(file.contentType).attachment(file.filename).send(Buffer.from(file.bytes));
  });

  return router;
}
