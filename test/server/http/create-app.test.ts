import { expect } from 'chai';
import express from 'express';
import { createApp } from '../../../server/http/create-app.js';
import { createLogger } from '../../../server/logger.js';
import { DomainError } from '../../../server/domain/errors.js';
import { listen, readJson } from '../../support/http.js';

describe('server/http/create-app', () => {
  let baseUrl = '';
  let close: () => Promise<void> = async () => undefined;
  let ready = true;

  before(async () => {
    const router = express.Router();
    router.post('/echo', (req, res) => {
      res.json({ got: req.body });
    });
    router.get('/boom', () => {
      throw new DomainError('ERR_STATUS_TRANSITION', 'cannot go from 06 to 03');
    });
    router.get('/crash', () => {
      throw new Error('secret internal detail');
    });
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      jsonBodyBytes: 1024,
      nodeRouter: router,
      openapi: [],
      ready: async () => ready,
    });
    ({ baseUrl, close } = await listen(app));
  });
  after(() => close());

  it('when a route does not exist, then the answer is a problem+json 404 with a code', async () => {
    const r = await fetch(`${baseUrl}/api/v1/nope`);
    expect(r.status).to.equal(404);
    expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect((await readJson(r)).code).to.equal('ERR_NOT_FOUND');
  });

  it('when a domain error is thrown, then the mapper answers its status and code', async () => {
    const r = await fetch(`${baseUrl}/api/v1/boom`);
    expect(r.status).to.equal(409);
    expect((await readJson(r)).code).to.equal('ERR_STATUS_TRANSITION');
  });

  it('when an unknown error is thrown, then 500 is answered without leaking its message', async () => {
    const r = await fetch(`${baseUrl}/api/v1/crash`);
    expect(r.status).to.equal(500);
    const body = await r.text();
    expect(body).to.not.include('secret internal detail');
    expect(JSON.parse(body).code).to.equal('ERR_INTERNAL');
  });

  it('when the JSON body is too large or malformed, then 413 or 400 with a code', async () => {
    const big = await fetch(`${baseUrl}/api/v1/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(2000) }) });
    expect(big.status).to.equal(413);
    expect((await readJson(big)).code).to.equal('ERR_PAYLOAD_TOO_LARGE');
    const bad = await fetch(`${baseUrl}/api/v1/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(bad.status).to.equal(400);
    expect((await readJson(bad)).code).to.equal('ERR_VALIDATION');
  });

  it('when the database is down, then /readyz is 503 while /healthz stays 200', async () => {
    ready = false;
    expect((await fetch(`${baseUrl}/readyz`)).status).to.equal(503);
    expect((await fetch(`${baseUrl}/healthz`)).status).to.equal(200);
    ready = true;
    expect((await fetch(`${baseUrl}/readyz`)).status).to.equal(200);
  });

  it('when /openapi.json is fetched, then it is an OpenAPI 3.1 document', async () => {
    const doc = await readJson(await fetch(`${baseUrl}/openapi.json`));
    expect(doc.openapi).to.equal('3.1.0');
    expect(doc.paths).to.have.property('/healthz');
  });
});
