import express, { Router, type Request, type Response } from 'express';
import { DomainError } from '../../../domain/errors.js';
import { NATIONAL_REPORT_FORMATS, nationalMediaTypeOf, type AxisPrincipal, type AxisServices, type NationalReportFormat } from '../../../axis/index.js';
import { acceptedFormat } from '../report-format.js';
import { bearerAuth } from '../../auth.js';
import { parseWith } from '../../validate.js';
import { readSendParts, sendPartsOf } from './multipart.js';
import { AckBody, AgencyListQuery, CertificateBody, CodeCertParams, CodeParams, DocIdParams, ListQuery, NationalReportQuery, SendType, ShaParams, TokenBody } from './requests.js';
import { agencyDetailView, agencyView, certificateHolderView, deliveryView, downloadView, sendResultView, tokenView, traceView } from './views.js';

/** PEM text as it is, anything else as base64 DER (readCertificate accepts both). */
const certificateBytes = (text: string) => (text.includes('-----BEGIN') ? new Uint8Array(Buffer.from(text, 'utf8')) : new Uint8Array(Buffer.from(text, 'base64')));

const principalOf = (res: Response) => res.locals.principal as AxisPrincipal;

/**
 * The axis API under `/axis/v1` (issue 4 §3; wire format in server/http/openapi/axis.ts). Handlers parse,
 * call one use case and map the result; every error is thrown and mapped by the one error handler.
 */
export function createAxisRouter(services: AxisServices): Router {
  const router = Router();
  const auth = bearerAuth((token) => services.verifyToken(token));
  const operatorAuth = bearerAuth((token) => services.verifyOperatorToken(token));

  router.post('/auth/token', async (req: Request, res: Response) => {
    const body = parseWith(TokenBody, req.body, 'body');
    res.json(tokenView(await services.authenticateSystem({ ...body, ...(req.ip ? { address: req.ip } : {}) })));
  });

  router.get('/jwks', async (_req: Request, res: Response) => {
    res.json(await services.publicTokenKeys());
  });

  router.post('/edocs', auth, readSendParts(Math.max(services.limits.packageBytes, services.limits.signatureBytes)), async (req: Request, res: Response) => {
    const parts = sendPartsOf(req);
    const { type } = parseWith(SendType, { type: parts.type }, 'body');
    const result = await services.submitPackage({ principal: principalOf(res), type, packageBytes: parts.packageBytes, signature: parts.signature });
    res.status(result.duplicate ? 200 : 201).json(sendResultView(result));
  });

  router.get('/edocs', auth, async (req: Request, res: Response) => {
    const q = parseWith(ListQuery, req.query, 'query');
    const r = await services.listDeliveries({ principal: principalOf(res), state: q.status, ...(q.type ? { type: q.type } : {}), page: q.page, pageSize: q.pageSize });
    res.json({ items: r.items.map(deliveryView), total: r.total, page: r.page, pageSize: r.pageSize });
  });

  router.get('/edocs/:docId', auth, async (req: Request, res: Response) => {
    const { docId } = parseWith(DocIdParams, req.params, 'params');
    res.json(downloadView(await services.downloadPackage({ principal: principalOf(res), docId })));
  });

  router.post('/edocs/:docId/ack', auth, async (req: Request, res: Response) => {
    const { docId } = parseWith(DocIdParams, req.params, 'params');
    const body = parseWith(AckBody, req.body, 'body');
    const r = await services.acknowledgeDelivery({ principal: principalOf(res), docId, status: body.status, ...(body.reason ? { reason: body.reason } : {}) });
    res.json({ docId, state: r.delivery.state, changed: r.changed });
  });

  router.get('/edocs/:docId/trace', auth, async (req: Request, res: Response) => {
    const { docId } = parseWith(DocIdParams, req.params, 'params');
    const entries = await services.traceOfDocument({ principal: principalOf(res), docId });
    res.json({ items: entries.map(traceView) });
  });

  // RFC 3161 §3.4: the time-stamp protocol over HTTP, unauthenticated like any public TSA; a small body cap.
  router.post('/tsa', express.raw({ type: 'application/timestamp-query', limit: 64 * 1024 }), async (req: Request, res: Response) => {
    if (!req.is('application/timestamp-query') || !Buffer.isBuffer(req.body)) {
      throw new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'POST a DER TimeStampReq as application/timestamp-query');
    }
    const reply = await services.issueTimestamp({ request: new Uint8Array(req.body) });
    res.status(200).type('application/timestamp-reply').send(Buffer.from(reply));
  });

  // RFC 6960 Appendix A.1: OCSP over HTTP POST, unauthenticated like any public responder; a small body cap.
  router.post('/ocsp', express.raw({ type: 'application/ocsp-request', limit: 64 * 1024 }), async (req: Request, res: Response) => {
    if (!req.is('application/ocsp-request') || !Buffer.isBuffer(req.body)) {
      throw new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'POST a DER OCSPRequest as application/ocsp-request');
    }
    const reply = await services.answerOcsp({ request: new Uint8Array(req.body) });
    res.status(200).type('application/ocsp-response').send(Buffer.from(reply));
  });

  router.get('/agencies', auth, async (req: Request, res: Response) => {
    const q = parseWith(AgencyListQuery, req.query, 'query');
    const r = await services.listAgencies({ page: q.page, pageSize: q.pageSize, ...(q.parentCode ? { parentCode: q.parentCode } : {}) });
    res.json({ items: r.items.map(agencyView), total: r.total, page: r.page, pageSize: r.pageSize });
  });

  router.get('/agencies/:code', auth, async (req: Request, res: Response) => {
    const { code } = parseWith(CodeParams, req.params, 'params');
    res.json(agencyDetailView(await services.showAgency(code)));
  });

  router.get('/reports/monthly', operatorAuth, async (req: Request, res: Response) => {
    const q = parseWith(NationalReportQuery, req.query, 'query');
    const format: NationalReportFormat = q.format ?? acceptedFormat(req, NATIONAL_REPORT_FORMATS, nationalMediaTypeOf);
    const file = await services.exportNationalReport({ format, ...(q.month ? { month: q.month } : {}) });
    if (format === 'json') {
      res.json(file.report);
      return;
    }
    res.type(file.contentType).attachment(file.filename).send(Buffer.from(file.bytes));
  });

  router.post('/agencies/:code/certificates', auth, async (req: Request, res: Response) => {
    const { code } = parseWith(CodeParams, req.params, 'params');
    const body = parseWith(CertificateBody, req.body, 'body');
    const r = await services.registerPersonCertificate({ principal: principalOf(res), code, certificate: certificateBytes(body.certificate), ...(body.role ? { role: body.role } : {}) });
    res.status(r.changed ? 201 : 200).json(agencyView(r.record));
  });

  router.post('/agencies/:code/certificates/:sha256/revoke', auth, async (req: Request, res: Response) => {
    const { code, sha256 } = parseWith(CodeCertParams, req.params, 'params');
    const r = await services.revokePersonCertificate({ principal: principalOf(res), code, sha256 });
    res.json(agencyView(r.record));
  });

  router.get('/certificates/:sha256', auth, async (req: Request, res: Response) => {
    const { sha256 } = parseWith(ShaParams, req.params, 'params');
    res.json(certificateHolderView(await services.findCertificateHolder(sha256)));
  });

  return router;
}
