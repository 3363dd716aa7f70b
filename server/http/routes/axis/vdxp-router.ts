import express, { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import type { AxisServices, VdxpSignedRequest } from '../../../axis/index.js';
import { DomainError } from '../../../domain/errors.js';
import type { Logger } from '../../../logger.js';
import { vdxpErrorHandler } from '../../error-mapper.js';
import { vdxpAgencyView, vdxpDeliveryView, vdxpOk, vdxpSentView } from './vdxp-views.js';

const MAX_SIGNED_HEADERS = 40;

/** The `XroadVnpt-*` headers of a request (lower-case names); a repeated one is refused. */
function signedRequestOf(req: Request): VdxpSignedRequest {
  const headers: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('xroadvnpt-')) continue;
    if (typeof value !== 'string') throw new DomainError('ERR_VALIDATION', `header ${name.slice(0, 64)} given more than once`);
    if (++count > MAX_SIGNED_HEADERS) throw new DomainError('ERR_VALIDATION', 'too many XroadVnpt-* headers');
    headers[name] = value;
  }
  return { headers, ...(req.ip ? { address: req.ip } : {}) };
}

function readFileDoc(maxBytes: number) {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 256, parts: 5, headerPairs: 50 } }).single('file_doc');
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!req.is('multipart/form-data')) throw new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'sendEdoc takes multipart/form-data with the part file_doc');
    await new Promise<void>((resolve, reject) => {
      upload(req, res, (err: unknown) => {
        if (!err) return resolve();
        if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return reject(new DomainError('ERR_PAYLOAD_TOO_LARGE', 'file_doc is larger than the package limit'));
        reject(new DomainError('ERR_VALIDATION', `multipart body refused: ${err instanceof multer.MulterError ? err.code : 'malformed'}`));
      });
    });
    next();
  };
}

function fileOf(req: Request): Uint8Array {
  const f = req.file;
  if (!f) throw new DomainError('ERR_VALIDATION', 'missing part file_doc', { details: { field: 'file_doc' } });
  return new Uint8Array(f.buffer.buffer, f.buffer.byteOffset, f.buffer.byteLength);
}

/**
 * The VDXP-compatible facade under `/axis/vdxp` (issue 14 §4), shaped like the VDXP client SDKs (SDKVXP
 * KnobstickServiceImp: `<endpoint>/sendEdoc`, `/getReceivedEdocList`, `/getEdoc`, `/updateStatus`, and
 * `/getSentEdocList`, `/getAgenciesList`). Parameters travel as signed `XroadVnpt-*` headers, answers are
 * `{status, ErrorCode, ErrorDesc, data | DocId}`; wire format in server/http/openapi/vdxp.ts.
 */
export function createVdxpRouter(services: AxisServices, logger: Logger): Router {
  const router = Router();
  const fileDoc = readFileDoc(services.limits.packageBytes);
  // The SDKs POST these with Content-Type application/json and no body; a body is never read.
  const noBody = express.raw({ type: () => true, limit: 1024 });

  router.post('/sendEdoc', fileDoc, async (req: Request, res: Response) => {
    const r = await services.vdxp.sendEdoc({ request: signedRequestOf(req), file: fileOf(req) });
    res.status(r.duplicate ? 200 : 201).json({ ...vdxpOk(), DocId: r.docId, duplicate: r.duplicate });
  });

  router.post('/getReceivedEdocList', noBody, async (req: Request, res: Response) => {
    const r = await services.vdxp.getReceivedEdocList({ request: signedRequestOf(req) });
    res.json({ ...vdxpOk(), data: r.items.map(vdxpDeliveryView), total: r.total });
  });

  router.post('/getSentEdocList', noBody, async (req: Request, res: Response) => {
    const r = await services.vdxp.getSentEdocList({ request: signedRequestOf(req) });
    res.json({ ...vdxpOk(), data: r.items.map(vdxpSentView), total: r.total });
  });

  router.post('/getEdoc', noBody, async (req: Request, res: Response) => {
    const r = await services.vdxp.getEdoc({ request: signedRequestOf(req) });
    res.json({ ...vdxpOk(), data: Buffer.from(r.packageBytes.buffer, r.packageBytes.byteOffset, r.packageBytes.byteLength).toString('base64'), item: vdxpDeliveryView(r.delivery) });
  });

  // downloadEdoc: the SDK (HttpConnection.download, GET) writes the response body to <folder>/<docId>.edxml as it
  // comes, so the package travels as the raw bytes, not base64 in JSON; failures are the usual JSON envelope.
  router.get('/downloadEdoc', async (req: Request, res: Response) => {
    const r = await services.vdxp.getEdoc({ request: signedRequestOf(req) });
    res
      .status(200)
      .type('application/xml')
      .set('content-disposition', `attachment; filename="${r.delivery.docId}.edxml"`)
      .send(Buffer.from(r.packageBytes.buffer, r.packageBytes.byteOffset, r.packageBytes.byteLength));
  });

  // countReceiveEdoc / countReceiveStatus (GET): {count} of the packages waiting.
  for (const [op, type] of [
    ['countReceiveEdoc', 'edoc'],
    ['countReceiveStatus', 'status'],
  ] as const) {
    router.get(`/${op}`, async (req: Request, res: Response) => {
      res.json({ ...vdxpOk(), count: await services.vdxp.countReceived({ request: signedRequestOf(req), type }) });
    });
  }

  router.post('/updateStatus', noBody, async (req: Request, res: Response) => {
    const r = await services.vdxp.updateStatus({ request: signedRequestOf(req) });
    res.json({ ...vdxpOk(), DocId: r.delivery.docId, changed: r.changed });
  });

  const agencies = async (req: Request, res: Response) => {
    const r = await services.vdxp.getAgenciesList({ request: signedRequestOf(req) });
    res.json({ ...vdxpOk(), data: r.items.map(vdxpAgencyView), total: r.total });
  };
  router.get('/getAgenciesList', agencies);
  router.post('/getAgenciesList', noBody, agencies);

  // registerAgency: the agency is the JSON body (the SDK's `data`), the headers authenticate the system.
  router.post('/registerAgency', express.json({ limit: 4096, type: () => true }), async (req: Request, res: Response) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DomainError('ERR_VALIDATION', 'registerAgency takes a JSON object {code, pcode, name}');
    const r = await services.vdxp.registerAgency({ request: signedRequestOf(req), body: body as Record<string, unknown> });
    res.status(201).json({ ...vdxpOk(), data: vdxpAgencyView(r) });
  });

  router.post('/deleteAgency', noBody, async (req: Request, res: Response) => {
    const r = await services.vdxp.deleteAgency({ request: signedRequestOf(req) });
    res.json({ ...vdxpOk(), code: r.code });
  });

  router.use((req: Request, _res: Response) => {
    throw new DomainError('ERR_NOT_FOUND', `no VDXP operation ${req.method} ${req.path}`);
  });
  router.use(vdxpErrorHandler(logger));
  return router;
}
