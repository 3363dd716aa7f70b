import { expect } from 'chai';
import type { Request, Response } from 'express';
import multer from 'multer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKeepAliveTransport, multipartBody } from '../../../../server/node/axis-client/keep-alive-transport.js';

interface Part {
  name: string;
  value: Buffer;
  filename?: string;
  mimeType?: string;
}

/** Parses a multipart body with multer, as the axis does (server/http/routes/axis/multipart.ts). */
function parseMultipart(req: IncomingMessage, res: ServerResponse): Promise<Part[]> {
  const upload = multer({ storage: multer.memoryStorage() }).fields([{ name: 'package' }, { name: 'signature' }]);
  const r = req as unknown as Request;
  return new Promise((resolve, reject) =>
    upload(r, res as unknown as Response, (err: unknown) => {
      if (err) return reject(err);
      const files = r.files as Record<string, Express.Multer.File[]>;
      const fields = Object.entries(r.body as Record<string, string>).map(([name, value]) => ({ name, value: Buffer.from(value) }));
      resolve([...fields, ...['package', 'signature'].flatMap((n) => (files[n] ?? []).map((f) => ({ name: n, value: f.buffer, filename: f.originalname, mimeType: f.mimetype })))]);
    }),
  );
}

describe('server/node/axis-client keep-alive transport', () => {
  let server: Server;
  let base = '';
  let connections = 0;
  let onRequest: (req: IncomingMessage, res: ServerResponse, nth: number) => void = () => undefined;
  before(async () => {
    server = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      onRequest(req, res, socket.served);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => (connections = 0));

  it('when a package is uploaded, then the multipart parser of the axis (multer) reads back every field and file byte for byte', async () => {
    const pkg = new Uint8Array(300_000).map((_, i) => (i * 31) % 256);
    const sig = new Uint8Array([0x30, 0x82, 0x0d, 0x0a, 0x2d, 0x2d]); // CR LF "--" inside a part
    let got: Part[] = [];
    onRequest = (req, res) => {
      void parseMultipart(req, res).then((parts) => {
        got = parts;
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ docId: 'd1' }));
      });
    };
    const form = multipartBody([
      { name: 'type', value: 'edoc' },
      { name: 'package', value: pkg.subarray(1000), filename: 'package.edxml', contentType: 'application/xml' },
      { name: 'signature', value: sig, filename: 'package.p7s', contentType: 'application/pkcs7-signature' },
    ]);
    const r = await createKeepAliveTransport({ timeoutMs: 10_000 })(`${base}/edocs`, { method: 'POST', headers: { 'content-type': form.contentType }, body: form.body });
    expect([r.status, r.ok, r.json()]).to.deep.equal([201, true, { docId: 'd1' }]);
    expect(got.map((p) => [p.name, p.filename, p.mimeType])).to.deep.equal([
      ['type', undefined, undefined],
      ['package', 'package.edxml', 'application/xml'],
      ['signature', 'package.p7s', 'application/pkcs7-signature'],
    ]);
    expect(got[0]!.value.toString()).to.equal('edoc');
    expect(Buffer.compare(got[1]!.value, Buffer.from(pkg.subarray(1000)))).to.equal(0);
    expect(Buffer.compare(got[2]!.value, Buffer.from(sig))).to.equal(0);
  });

  it('when calls follow one another, then they share one kept connection', async () => {
    onRequest = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"n":1}');
    const transport = createKeepAliveTransport({ timeoutMs: 10_000 });
    for (let i = 0; i < 5; i++) expect((await transport(`${base}/x`, { method: 'GET', headers: {} })).json()).to.deep.equal({ n: 1 });
    expect(connections).to.equal(1);
  });

  it('when the axis drops a kept connection as a request reuses it, then the request is sent once more on a new connection', async () => {
    let served = 0;
    onRequest = (req, res, nth) => {
      if (nth === 2) return void req.socket.destroy(); // the second request on a kept connection: reset
      served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ served }));
    };
    const transport = createKeepAliveTransport({ timeoutMs: 10_000 });
    expect((await transport(`${base}/a`, { method: 'GET', headers: {} })).json()).to.deep.equal({ served: 1 });
    expect((await transport(`${base}/b`, { method: 'GET', headers: {} })).json()).to.deep.equal({ served: 2 });
    expect(connections).to.equal(2);
  });

  it('when the axis does not answer in time, then the call fails instead of hanging', async () => {
    onRequest = () => undefined; // never answers
    const transport = createKeepAliveTransport({ timeoutMs: 200 });
    const failure = await transport(`${base}/slow`, { method: 'GET', headers: {} }).then(
      () => null,
      (e: Error) => e,
    );
    expect(failure).to.be.instanceOf(Error);
    expect(failure!.message).to.match(/no answer within 200 ms/);
  });
});
