import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import multer from 'multer';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { createApp } from '../../../server/http/create-app.js';
import { createLogger, type Logger } from '../../../server/logger.js';
import { createHttpAxisGateway } from '../../../server/node/axis-client/http-axis-gateway.js';
import { requestIdHeaders } from '../../../server/observability/request-context.js';
import { createTestClock } from '../../support/clock.js';
import { listen } from '../../support/http.js';

interface Line {
  level: number;
  msg?: string;
  reqId?: string;
  req?: { url?: string };
}

/** A logger writing JSON lines into `lines` (the real pino logger of the service, another destination). */
function capturingLogger(lines: Line[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return createLogger({ level: 'debug' }, sink);
}

describe('server/observability request ids', () => {
  const nodeLines: Line[] = [];
  const axisLines: Line[] = [];
  const axisSaw: string[] = [];
  let nodeUrl = '';
  let axisUrl = '';
  const closers: Array<() => Promise<void>> = [];
  const now = createTestClock();

  before(async () => {
    // A stand-in axis (its own app and logger) that records the request ids it is called with and refuses the token.
    const axisLogger = capturingLogger(axisLines);
    const axisRouter = express.Router();
    axisRouter.post('/auth/token', (req, res) => {
      axisSaw.push(String(req.get('x-request-id')));
      res.status(503).json({ code: 'ERR_DATABASE_UNAVAILABLE' });
    });
    axisRouter.get('/edocs', (_req, res) => void res.json({ items: [], total: 0 }));
    axisRouter.get('/edocs/:id', (_req, res) => void res.status(404).json({ code: 'ERR_NOT_FOUND' }));
    const axis = await listen(createApp({ logger: axisLogger, jsonBodyBytes: 1024, axisRouter, openapi: [], ready: async () => true }));
    axisUrl = axis.baseUrl;
    closers.push(axis.close);

    const logger = capturingLogger(nodeLines);
    const gateway = createHttpAxisGateway({ baseUrl: () => axisUrl, secretOf: async () => 'secret', now, headers: requestIdHeaders });
    const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 1024 } });
    const router = express.Router();
    router.post('/json', (req, res) => {
      logger.info({ got: Object.keys(req.body as object).length }, 'json handled');
      res.json({ ok: true });
    });
    router.post('/file', upload.single('file'), async (req, res) => {
      await new Promise((r) => setTimeout(r, 5));
      logger.info({ size: req.file?.size }, 'file handled');
      res.json({ ok: true });
    });
    router.get('/call-axis', async (_req, res, next) => {
      try {
        await gateway.listPending(parseAgencyCode('000.00.00.G22'), { page: 1, pageSize: 10 });
        res.json({ ok: true });
      } catch (e) {
        next(e);
      }
    });
    const node = await listen(createApp({ logger, jsonBodyBytes: 1024, nodeRouter: router, openapi: [], ready: async () => true }));
    nodeUrl = node.baseUrl;
    closers.push(node.close);
  });
  after(async () => {
    for (const c of closers) await c();
  });

  it('when a request carries a well-formed X-Request-Id, then it is echoed and is on every log line of the request', async () => {
    const r = await fetch(`${nodeUrl}/api/v1/json`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'abc-123' }, body: '{"a":1}' });
    expect(r.status).to.equal(200);
    expect(r.headers.get('x-request-id')).to.equal('abc-123');
    const mine = nodeLines.filter((l) => l.reqId === 'abc-123').map((l) => l.msg);
    expect(mine).to.include('json handled');
    expect(mine).to.include('request completed');
  });

  it('when a multipart upload is parsed, then the handler still logs under the request id', async () => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(10)]), 'a.bin');
    const r = await fetch(`${nodeUrl}/api/v1/file`, { method: 'POST', headers: { 'x-request-id': 'upload-7' }, body: form });
    expect(r.status).to.equal(200);
    expect(nodeLines.find((l) => l.msg === 'file handled')?.reqId).to.equal('upload-7');
  });

  it('when the id is absent or malformed, then a fresh one is made and echoed', async () => {
    const bad = await fetch(`${nodeUrl}/api/v1/nope`, { headers: { 'x-request-id': 'has spaces and {braces}' } });
    const made = bad.headers.get('x-request-id') ?? '';
    expect(made).to.match(/^[0-9a-f-]{36}$/);
    const none = await fetch(`${nodeUrl}/api/v1/nope`);
    expect(none.headers.get('x-request-id'))
      .to.match(/^[0-9a-f-]{36}$/)
      .and.not.equal(made);
  });

  it('when a request makes the node call the axis, then the axis receives the same request id', async () => {
    const r = await fetch(`${nodeUrl}/api/v1/call-axis`, { headers: { 'x-request-id': 'caused-42' } });
    expect(r.status).to.equal(503);
    expect(axisSaw).to.include('caused-42');
    expect(axisLines.some((l) => l.reqId === 'caused-42' && l.req?.url === '/axis/v1/auth/token')).to.equal(true);
  });

  it('when a system polls its pending list, then the axis logs it at debug, and a download at info', async () => {
    await (await fetch(`${axisUrl}/axis/v1/edocs?status=pending&page=1`, { headers: { 'x-request-id': 'poll-1' } })).text();
    await (await fetch(`${axisUrl}/axis/v1/edocs/some-id`, { headers: { 'x-request-id': 'download-1' } })).text();
    expect(axisLines.find((l) => l.reqId === 'poll-1' && l.msg === 'request completed')?.level).to.equal(20);
    expect(axisLines.find((l) => l.reqId === 'download-1' && l.msg === 'request completed')?.level).to.equal(30);
  });
});
