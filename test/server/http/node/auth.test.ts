import { expect } from 'chai';
import { createDevelopmentPki, type DevelopmentPki } from '../../../../crypto/index.js';
import { composeAxis, composeAxisRegistry } from '../../../../server/compose/axis.js';
import { composeNode, type NodeRole } from '../../../../server/compose/node.js';
import { seedDevelopmentRegistry } from '../../../../server/axis/index.js';
import { loadConfig } from '../../../../server/config/config.js';
import { parseAgencyCode } from '../../../../server/domain/agency/index.js';
import { createApp } from '../../../../server/http/create-app.js';
import { createLogger } from '../../../../server/logger.js';
import { createTestClock } from '../../../support/clock.js';
import { useDatabase } from '../../../support/database.js';
import { listen, readJson } from '../../../support/http.js';

const G22 = parseAgencyCode('000.00.00.G22');
const H27 = parseAgencyCode('000.00.00.H27');
const PASSWORD = 'demo-password-123';
const axisSecret = (code: string) => `axis-secret-${code}-0123456789abcdef`;

describe('server/http node and axis authentication: tokens against the user store, throttling @db', () => {
  const db = useDatabase();
  const clock = createTestClock();
  let baseUrl = '';
  let close: () => Promise<void> = async () => undefined;
  let node: NodeRole;
  let pki: DevelopmentPki;

  before(async function () {
    this.timeout(60_000);
    pki = await createDevelopmentPki({ now: clock(), agencies: [G22, H27].map((code) => ({ code, name: code })) });
    // Few free failures, so the test needs few scrypt rounds; an address allows more than an account.
    const config = loadConfig({ LIENTHONG_TOKEN_SECRET: 'auth-test-token-secret-0123456789abcdef', LIENTHONG_LOG_LEVEL: 'silent', LIENTHONG_LOGIN_FREE_FAILURES: '2', LIENTHONG_ADDRESS_FREE_FAILURES: '6' });
    const logger = createLogger({ level: 'silent' });
    const connection = db.connection();
    const trust = { trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl] };
    const axis = await composeAxis({ config, logger, connection, ...trust, now: clock });
    await seedDevelopmentRegistry(await composeAxisRegistry(connection, clock), {
      agencies: pki.agencies.map((a) => ({ code: a.code, name: a.name, certificates: [a.seal.identity.certificate], secret: axisSecret(a.code) })),
    });
    node = await composeNode({ config, logger, connection, ...trust, axisUrl: 'http://127.0.0.1:9', now: clock });
    await node.seedDevelopment({ agencies: pki.agencies.map((a) => ({ code: parseAgencyCode(a.code), name: a.name, seal: a.seal, person: a.person, axisSecret: axisSecret(a.code) })), demoPassword: PASSWORD });
    const server = await listen(createApp({ logger, jsonBodyBytes: config.limits.jsonBodyBytes, openapi: [axis.openapi, node.openapi], ready: async () => true, axisRouter: axis.router, nodeRouter: node.router }));
    baseUrl = server.baseUrl;
    close = server.close;
  });
  after(() => close());

  const login = (agencyCode: string, username: string, password: string) => fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode, username, password }) });
  const inbox = (token: string) => fetch(`${baseUrl}/api/v1/documents?box=inbox`, { headers: { authorization: `Bearer ${token}` } });
  const axisToken = (systemId: string, secret: string) => fetch(`${baseUrl}/axis/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ systemId, secret }) });
  const codeOf = async (r: Response) => `${r.status} ${(await readJson(r)).code ?? ''}`.trim();

  it('when a user is disabled, then the token issued before is refused at once (401), and so is a new login', async () => {
    const token = (await readJson(await login(G22, 'vanthu', PASSWORD))).accessToken as string;
    expect((await inbox(token)).status).to.equal(200);
    const user = (await node.deps.users.findByUsername(G22, 'vanthu'))!;
    await node.deps.users.setDisabled(user.id, true);
    try {
      expect(await codeOf(await inbox(token))).to.equal('401 ERR_UNAUTHENTICATED');
      expect(await codeOf(await login(G22, 'vanthu', PASSWORD))).to.equal('401 ERR_UNAUTHENTICATED');
    } finally {
      await node.deps.users.setDisabled(user.id, false);
    }
    expect((await inbox(token)).status).to.equal(200);
  });

  it('when a node token is signed with another key, then 401 ERR_UNAUTHENTICATED', async () => {
    const token = (await readJson(await login(G22, 'lanhdao', PASSWORD))).accessToken as string;
    const [h, p] = token.split('.') as [string, string, string];
    const { createHmac } = await import('node:crypto');
    const otherSig = createHmac('sha256', 'another-key-of-at-least-32-characters!!').update(`${h}.${p}`).digest('base64url');
    expect(await codeOf(await inbox(`${h}.${p}.${otherSig}`))).to.equal('401 ERR_UNAUTHENTICATED');
  });

  it('when an account keeps failing, then 429 with Retry-After that doubles, the right password waits too, and success clears it', async () => {
    for (let i = 0; i < 3; i++) expect(await codeOf(await login(H27, 'vanthu', 'wrong-password'))).to.equal('401 ERR_UNAUTHENTICATED');
    // 3 failures with 2 free: locked for 1 s.
    let r = await login(H27, 'vanthu', PASSWORD);
    expect(r.status).to.equal(429);
    expect(r.headers.get('retry-after')).to.equal('1');
    expect((await readJson(r)).code).to.equal('ERR_TOO_MANY_REQUESTS');
    clock.advance(1_100);
    expect(await codeOf(await login(H27, 'vanthu', 'wrong-password'))).to.equal('401 ERR_UNAUTHENTICATED');
    r = await login(H27, 'vanthu', 'wrong-password');
    expect(r.status).to.equal(429);
    expect(r.headers.get('retry-after')).to.equal('2');
    clock.advance(2_100);
    expect((await login(H27, 'vanthu', PASSWORD)).status).to.equal(200);
    // The success forgot the account's failures: one wrong password is a plain 401 again.
    expect(await codeOf(await login(H27, 'vanthu', 'wrong-password'))).to.equal('401 ERR_UNAUTHENTICATED');
    expect((await login(H27, 'vanthu', PASSWORD)).status).to.equal(200);
  });

  it('when an address fails across many accounts, then that address is locked for every account (429)', async () => {
    clock.advance(3_600_000); // earlier tests' failures of this address are forgotten
    const guesses = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    for (const u of guesses) expect(await codeOf(await login(G22, u, 'guess-password'))).to.equal('401 ERR_UNAUTHENTICATED');
    const r = await login(G22, 'lanhdao', PASSWORD);
    expect(r.status).to.equal(429);
    expect(Number(r.headers.get('retry-after'))).to.be.greaterThan(0);
    clock.advance(3_600_000);
    expect((await login(G22, 'lanhdao', PASSWORD)).status).to.equal(200);
  });

  it('when a system keeps sending a wrong secret to the axis, then 429 with Retry-After; a token still works, signed ES256 with a key from /axis/v1/jwks', async () => {
    clock.advance(3_600_000);
    const good = await readJson(await axisToken(H27, axisSecret(H27)));
    const header = JSON.parse(Buffer.from((good.accessToken as string).split('.')[0]!, 'base64url').toString());
    expect(header.alg).to.equal('ES256');
    const jwks = await readJson(await fetch(`${baseUrl}/axis/v1/jwks`));
    expect((jwks.keys as Array<{ kid: string }>).map((k) => k.kid)).to.include(header.kid);
    for (let i = 0; i < 3; i++) expect(await codeOf(await axisToken(H27, 'wrong-secret-0123456789'))).to.equal('401 ERR_UNAUTHENTICATED');
    const r = await axisToken(H27, axisSecret(H27));
    expect(r.status).to.equal(429);
    expect(r.headers.get('retry-after')).to.equal('1');
    const list = await fetch(`${baseUrl}/axis/v1/edocs`, { headers: { authorization: `Bearer ${good.accessToken}` } });
    expect(list.status).to.equal(200);
  });
  it('when an agency admin manages users, then add, lockout lifted by a password reset, disable and enable work on its own agency only', async () => {
    clock.advance(3_600_000); // earlier tests' failures of this address are forgotten
    const call = (token: string, method: string, path: string, body?: unknown) =>
      fetch(`${baseUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const admin = (await readJson(await login(G22, 'quantri', PASSWORD))).accessToken as string;
    const clerk = (await readJson(await login(G22, 'vanthu', PASSWORD))).accessToken as string;
    const listed = await readJson(await call(admin, 'GET', '/users'));
    expect((listed.items as Array<{ username: string }>).map((u) => u.username)).to.deep.equal(['kiemtoan', 'lanhdao', 'quantri', 'vanthu']);
    expect(JSON.stringify(listed)).to.not.include('scrypt');
    expect(await codeOf(await call(clerk, 'GET', '/users'))).to.equal('403 ERR_FORBIDDEN');
    expect(await codeOf(await call(admin, 'POST', '/users', { username: 'Bad Name', fullName: 'x', roles: ['clerk'] }))).to.equal('400 ERR_VALIDATION');

    const added = await call(admin, 'POST', '/users', { username: 'vanthu2', fullName: 'Nguyễn Văn Hai', roles: ['clerk'] });
    expect(added.status).to.equal(201);
    const { user, temporaryPassword } = await readJson(added);
    expect(user).to.include({ username: 'vanthu2', fullName: 'Nguyễn Văn Hai', disabled: false });
    expect(await codeOf(await call(admin, 'POST', '/users', { username: 'vanthu2', fullName: 'again', roles: ['clerk'] }))).to.equal('409 ERR_CONFLICT');
    expect((await login(G22, 'vanthu2', temporaryPassword)).status).to.equal(200);

    // Locked out after 3 failures (2 free); the admin's reset gives a new password and lifts the lock at once.
    for (let i = 0; i < 3; i++) await login(G22, 'vanthu2', 'wrong-password');
    expect(await codeOf(await login(G22, 'vanthu2', temporaryPassword))).to.equal('429 ERR_TOO_MANY_REQUESTS');
    const reset = await readJson(await call(admin, 'POST', `/users/${user.id}/password`));
    expect(reset.temporaryPassword).to.be.a('string').and.not.equal(temporaryPassword);
    expect((await login(G22, 'vanthu2', reset.temporaryPassword)).status).to.equal(200);

    const disabled = await readJson(await call(admin, 'POST', `/users/${user.id}/disabled`, { disabled: true }));
    expect(disabled.disabled).to.equal(true);
    expect(await codeOf(await login(G22, 'vanthu2', reset.temporaryPassword))).to.equal('401 ERR_UNAUTHENTICATED');
    await call(admin, 'POST', `/users/${user.id}/disabled`, { disabled: false });
    expect((await login(G22, 'vanthu2', reset.temporaryPassword)).status).to.equal(200);

    // Not oneself, not another agency's user (404, as if it did not exist).
    const self = (listed.items as Array<{ id: string; username: string }>).find((u) => u.username === 'quantri')!;
    expect(await codeOf(await call(admin, 'POST', `/users/${self.id}/disabled`, { disabled: true }))).to.equal('400 ERR_VALIDATION');
    const other = (await node.deps.users.findByUsername(H27, 'vanthu'))!;
    expect(await codeOf(await call(admin, 'POST', `/users/${other.id}/disabled`, { disabled: true }))).to.equal('404 ERR_NOT_FOUND');
    expect(await codeOf(await call(admin, 'POST', `/users/${other.id}/password`))).to.equal('404 ERR_NOT_FOUND');
    expect((await node.deps.users.findById(other.id))!.disabled).to.equal(false);
  });
});
