import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { axisJwks, axisVerifyKey, issueAxisToken, issueNodeToken, nodeTokenKey, verifyAxisToken, verifyNodeToken, type AxisTokenKeys, type NodeTokenKeys } from '../../../server/auth/token.js';
import { hashSecret, verifySecret } from '../../../server/auth/password.js';
import { createTestClock } from '../../support/clock.js';

const clock = createTestClock();
const nodeKeys = (secret: string): NodeTokenKeys => ({ current: nodeTokenKey(secret), previous: [] });
async function axisKeys(): Promise<AxisTokenKeys> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const v = await axisVerifyKey(publicKey);
  return { signing: { kid: v.kid, privateKey }, verify: [v] };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('server/auth/token', () => {
  const A = nodeKeys('x'.repeat(40));
  const B = nodeKeys('y'.repeat(40));

  it('when a node token is issued, then it verifies with its claims and key id until it expires', async () => {
    const now = clock();
    const t = await issueNodeToken({ subject: 'u1', agencyCode: '000.00.00.G22', roles: ['clerk'], ttlSeconds: 60 }, A, now);
    const c = await verifyNodeToken(t, A, new Date(now.getTime() + 59_000));
    expect(c).to.include({ subject: 'u1', agencyCode: '000.00.00.G22', scope: 'node', keyId: A.current.kid });
    expect(c.roles).to.deep.equal(['clerk']);
    expect(await codeOf(verifyNodeToken(t, A, new Date(now.getTime() + 60_000)))).to.equal('ERR_UNAUTHENTICATED');
  });

  it('when a node token is signed by another key, tampered with, or garbage, then it is refused', async () => {
    const now = clock();
    const byOther = await issueNodeToken({ subject: 'u1', agencyCode: '000.00.00.G22', ttlSeconds: 60 }, B, now);
    expect(await codeOf(verifyNodeToken(byOther, A, now))).to.equal('ERR_UNAUTHENTICATED');
    // The other key under the right key id: the signature still fails.
    const sameKid = await issueNodeToken({ subject: 'u1', agencyCode: '000.00.00.G22', ttlSeconds: 60 }, { current: { kid: A.current.kid, secret: B.current.secret }, previous: [] }, now);
    expect(await codeOf(verifyNodeToken(sameKid, A, now))).to.equal('ERR_UNAUTHENTICATED');
    const t = await issueNodeToken({ subject: 'u1', agencyCode: '000.00.00.G12', ttlSeconds: 60 }, A, now);
    const [h, payload, sig] = t.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), agency: '000.00.00.G22' })).toString('base64url');
    expect(await codeOf(verifyNodeToken(`${h}.${forged}.${sig}`, A, now))).to.equal('ERR_UNAUTHENTICATED');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: A.current.kid })).toString('base64url')}.${payload}.`;
    expect(await codeOf(verifyNodeToken(unsigned, A, now))).to.equal('ERR_UNAUTHENTICATED');
    expect(await codeOf(verifyNodeToken('garbage', A, now))).to.equal('ERR_UNAUTHENTICATED');
  });

  it('when the node key is rotated, then tokens of the previous key still verify and new ones carry the new kid', async () => {
    const now = clock();
    const old = await issueNodeToken({ subject: 'u1', agencyCode: '000.00.00.G22', ttlSeconds: 60 }, A, now);
    const rotated: NodeTokenKeys = { current: B.current, previous: [A.current] };
    expect((await verifyNodeToken(old, rotated, now)).keyId).to.equal(A.current.kid);
    const fresh = await issueNodeToken({ subject: 'u1', agencyCode: '000.00.00.G22', ttlSeconds: 60 }, rotated, now);
    expect((await verifyNodeToken(fresh, rotated, now)).keyId).to.equal(B.current.kid);
    expect(await codeOf(verifyNodeToken(fresh, A, now))).to.equal('ERR_UNAUTHENTICATED');
  });

  it('when an axis token is issued (ES256), then the public key alone verifies it and another key pair does not', async () => {
    const now = clock();
    const axis = await axisKeys();
    const other = await axisKeys();
    const t = await issueAxisToken({ subject: '000.00.00.H27', agencyCode: '000.00.00.H27', ttlSeconds: 60, secretVersion: 'v1' }, axis, now);
    expect(JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString())).to.include({ alg: 'ES256', kid: axis.signing.kid });
    const jwks = await axisJwks(axis.verify);
    expect(jwks.keys[0]).to.include({ kty: 'EC', crv: 'P-256', kid: axis.signing.kid });
    expect(jwks.keys[0]).to.not.have.property('d');
    expect(await verifyAxisToken(t, axis.verify, now)).to.include({ agencyCode: '000.00.00.H27', scope: 'axis', secretVersion: 'v1' });
    expect(await codeOf(verifyAxisToken(t, other.verify, now))).to.equal('ERR_UNAUTHENTICATED');
    const forged = await issueAxisToken({ subject: '000.00.00.H27', agencyCode: '000.00.00.H27', ttlSeconds: 60 }, { signing: { kid: axis.signing.kid, privateKey: other.signing.privateKey } }, now);
    expect(await codeOf(verifyAxisToken(forged, axis.verify, now))).to.equal('ERR_UNAUTHENTICATED');
  });

  it('when a node token is presented as an axis token or the other way round, then it is refused', async () => {
    const now = clock();
    const axis = await axisKeys();
    const n = await issueNodeToken({ subject: 'u1', agencyCode: '000.00.00.G22', ttlSeconds: 60 }, A, now);
    const a = await issueAxisToken({ subject: '000.00.00.G22', agencyCode: '000.00.00.G22', ttlSeconds: 60 }, axis, now);
    expect(await codeOf(verifyAxisToken(n, axis.verify, now))).to.equal('ERR_UNAUTHENTICATED');
    expect(await codeOf(verifyNodeToken(a, A, now))).to.equal('ERR_UNAUTHENTICATED');
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
