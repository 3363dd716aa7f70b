import { expect } from 'chai';
import { createDevelopmentPki, type DevelopmentPki } from '../../../crypto/index.js';
import { verifySecret } from '../../../server/auth/password.js';
import { composeNode, type NodeRole } from '../../../server/compose/node.js';
import { loadConfig } from '../../../server/config/config.js';
import { parseAgencyCode } from '../../../server/domain/agency/index.js';
import { createLogger } from '../../../server/logger.js';
import { createTestClock } from '../../support/clock.js';
import { useDatabase } from '../../support/database.js';

const G22 = parseAgencyCode('000.00.00.G22');

describe('server/node development seeding on restart @db', () => {
  const db = useDatabase();
  const clock = createTestClock();
  let node: NodeRole;
  let pki: DevelopmentPki;
  const seed = (demoPassword: string, p: DevelopmentPki = pki) =>
    node.seedDevelopment({ agencies: p.agencies.map((a) => ({ code: parseAgencyCode(a.code), name: a.name, seal: a.seal, person: a.person, axisSecret: `axis-secret-${a.code}-0123456789abcdef` })), demoPassword });
  const hashOf = async (username: string) => (await node.deps.users.findByUsername(G22, username))!.passwordHash;

  before(async function () {
    this.timeout(60_000);
    pki = await createDevelopmentPki({ now: clock(), agencies: [{ code: G22, name: G22 }] });
    const config = loadConfig({ LIENTHONG_TOKEN_SECRET: 'dev-seed-test-token-secret-0123456789abcdef', LIENTHONG_LOG_LEVEL: 'silent' });
    node = await composeNode({ config, logger: createLogger({ level: 'silent' }), connection: db.connection(), trustAnchors: [pki.root.certificate], crls: [pki.crl, pki.rootCrl], axisUrl: 'http://127.0.0.1:9', now: clock });
  });

  it('when the same PKI and demo password are seeded again, then nothing is rewritten (the salted hashes stay)', async function () {
    this.timeout(30_000);
    await seed('first-demo-password');
    const before = [await hashOf('vanthu'), await hashOf('lanhdao')];
    await seed('first-demo-password');
    expect([await hashOf('vanthu'), await hashOf('lanhdao')]).to.deep.equal(before);
  });

  it('when the demo password changes, then the agency is seeded again and the new password opens it', async function () {
    this.timeout(30_000);
    const old = await hashOf('vanthu');
    await seed('second-demo-password');
    const now = await hashOf('vanthu');
    expect(now).to.not.equal(old);
    expect(await verifySecret('second-demo-password', now)).to.equal(true);
    expect(await verifySecret('second-demo-password', await hashOf('lanhdao'))).to.equal(true);
  });

  it('when a seeded user was deleted, then the next seed creates it again', async function () {
    this.timeout(30_000);
    const user = (await node.deps.users.findByUsername(G22, 'lanhdao'))!;
    const deleted = await db
      .connection()
      .collection('node_users')
      .deleteOne({ _id: user.id as never });
    expect(deleted.deletedCount).to.equal(1);
    await seed('second-demo-password');
    const again = await node.deps.users.findByUsername(G22, 'lanhdao');
    expect(again).to.not.equal(null);
    expect(await node.deps.keys.getIdentity({ agencyCode: G22, kind: 'person', userId: again!.id })).to.not.equal(null);
  });
});
