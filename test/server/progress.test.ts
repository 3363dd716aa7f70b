import { expect } from 'chai';
import { withHeartbeat } from '../../server/progress.js';

describe('server/progress', () => {
  it('when work lasts several beats, then each beat says it is still going, and the end says how long it took', async () => {
    const said: string[] = [];
    const r = await withHeartbeat(
      (l) => said.push(l),
      'building',
      () => new Promise((ok) => setTimeout(() => ok(42), 260)),
      60,
    );
    expect(r).to.equal(42);
    expect(said.filter((l) => /^… still building: \d+ s elapsed$/.test(l)).length).to.be.at.least(2);
    expect(said.at(-1)).to.match(/^building: done in \d+ s$/);
  });

  it('when work is quick or fails, then nothing is said and the failure passes through', async () => {
    const said: string[] = [];
    expect(
      await withHeartbeat(
        (l) => said.push(l),
        'quick',
        async () => 'ok',
        10_000,
      ),
    ).to.equal('ok');
    const e = await withHeartbeat(
      (l) => said.push(l),
      'failing',
      async () => Promise.reject(new TypeError('x')),
      10_000,
    ).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(TypeError);
    expect(said).to.deep.equal([]);
  });
});
