import { expect } from 'chai';
import { issueToken, verifyToken } from '../../../server/auth/token.js';
import { hashSecret, verifySecret } from '../../../server/auth/password.js';

const SECRET = 'x'.repeat(40);
const NOW = new Date('2026-11-23T02:00:00Z');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('server/auth/token', () => {
  it('when a token is issued, then it verifies with its claims until it expires', () => {
    const t = issueToken({ subject: 'u1', agencyCode: '000.00.00.G22', scope: 'node', roles: ['clerk'], ttlSeconds: 60 }, SECRET, NOW);
    const c = verifyToken(t, SECRET, new Date(NOW.getTime() + 59_000), 'node');
    expect(c).to.include({ subject: 'u1', agencyCode: '000.00.00.G22', scope: 'node' });
    expect(c.roles).to.deep.equal(['clerk']);
    expect(codeOf(() => verifyToken(t, SECRET, new Date(NOW.getTime() + 60_000), 'node'))).to.equal('ERR_UNAUTHENTICATED');
  });

  it('when the scope, secret or payload differ, then the token is refused', () => {
    const t = issueToken({ subject: 's', agencyCode: '000.00.00.G12', scope: 'axis', ttlSeconds: 60 }, SECRET, NOW);
    expect(codeOf(() => verifyToken(t, SECRET, NOW, 'node'))).to.equal('ERR_UNAUTHENTICATED');
    expect(codeOf(() => verifyToken(t, 'y'.repeat(40), NOW, 'axis'))).to.equal('ERR_UNAUTHENTICATED');
    const [v, payload, mac] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), agencyCode: '000.00.00.G22' })).toString('base64url');
    expect(codeOf(() => verifyToken(`${v}.${forged}.${mac}`, SECRET, NOW, 'axis'))).to.equal('ERR_UNAUTHENTICATED');
    expect(codeOf(() => verifyToken('garbage', SECRET, NOW, 'axis'))).to.equal('ERR_UNAUTHENTICATED');
  });
});

describe('server/auth/password', () => {
  it('when a secret is hashed, then only the same secret verifies and the hash is salted', async () => {
    const a = await hashSecret('đúng mật khẩu');
    const b = await hashSecret('đúng mật khẩu');
    expect(a).to.not.equal(b);
    expect(a).to.not.include('đúng');
    expect(await verifySecret('đúng mật khẩu', a)).to.equal(true);
    expect(await verifySecret('sai mật khẩu', a)).to.equal(false);
    expect(await verifySecret('x', 'not-a-hash')).to.equal(false);
  });
});
