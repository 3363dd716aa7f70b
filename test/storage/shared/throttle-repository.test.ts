import { expect } from 'chai';
import { createThrottle, lockDuration, type ThrottlePolicy } from '../../../server/auth/throttle.js';
import { isDomainError } from '../../../server/domain/errors.js';
import { createAxisThrottleStore } from '../../../storage/axis/throttle-store.js';
import { createNodeThrottleStore } from '../../../storage/node/throttle-store.js';
import { createTestClock } from '../../support/clock.js';
import { useDatabase } from '../../support/database.js';

const POLICY: ThrottlePolicy = { freeFailures: 3, baseLockMs: 1000, maxLockMs: 60_000, forgetAfterMs: 3_600_000 };

/**
 * The throttle's failures live in the database, so a lockout holds across the processes of a cluster: two
 * store instances on one database stand for two node processes behind a load balancer.
 */
describe('storage throttle repository @db', () => {
  const db = useDatabase();

  it('when 10 failures of one key race through two processes, then every one is counted once, in order', async () => {
    const a = createNodeThrottleStore(db.connection());
    const b = createNodeThrottleStore(db.connection());
    const t = createTestClock()().getTime();
    const lockFor = (n: number) => lockDuration(POLICY, n);
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).recordFailure('account:race', t, POLICY.forgetAfterMs, lockFor)));
    expect(after.map((e) => e.failures).sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 10 }, (_, i) => i + 1));
    expect((await a.get('account:race'))?.failures).to.equal(10);
    expect((await b.get('account:race'))?.lockedUntil).to.equal(t + lockDuration(POLICY, 10));
  });

  it('when one process locks an account, then another process refuses it too, until the lock ends or a success resets it', async () => {
    const clock = createTestClock();
    const one = createThrottle(createNodeThrottleStore(db.connection()), clock, { account: POLICY, address: { ...POLICY, freeFailures: 100 } });
    const other = createThrottle(createNodeThrottleStore(db.connection()), clock, { account: POLICY, address: { ...POLICY, freeFailures: 100 } });
    const who = { account: '000.00.00.G22/vanthu', address: '10.0.0.7' };
    for (let i = 0; i < POLICY.freeFailures + 1; i++) await one.fail(who);
    const refused = await other.check(who).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isDomainError(refused) && refused.code).to.equal('ERR_TOO_MANY_REQUESTS');
    clock.advance(POLICY.baseLockMs + 1);
    await other.check(who);
    await other.succeed(who);
    for (let i = 0; i < POLICY.freeFailures; i++) await one.fail(who);
    await other.check(who);
  });

  it('when the node and the axis count the same key, then their counts stay apart', async () => {
    const t = createTestClock()().getTime();
    const node = createNodeThrottleStore(db.connection());
    const axis = createAxisThrottleStore(db.connection());
    await node.recordFailure('account:shared', t, POLICY.forgetAfterMs, () => 0);
    await node.recordFailure('account:shared', t, POLICY.forgetAfterMs, () => 0);
    expect((await axis.recordFailure('account:shared', t, POLICY.forgetAfterMs, () => 0)).failures).to.equal(1);
  });

  it('when a key had no failure for longer than the forget window, then counting starts afresh', async () => {
    const t = createTestClock()().getTime();
    const store = createNodeThrottleStore(db.connection());
    await store.recordFailure('address:10.0.0.9', t, 1000, () => 0);
    await store.recordFailure('address:10.0.0.9', t + 10, 1000, () => 0);
    expect((await store.recordFailure('address:10.0.0.9', t + 5000, 1000, () => 0)).failures).to.equal(1);
  });
});
