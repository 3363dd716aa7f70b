import { expect } from 'chai';
import { loadConfig } from '../../../server/config/config.js';

describe('server/config', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const c = loadConfig({});
    expect(c).to.include({ port: 8080, role: 'all', dataDir: '.data', pollIntervalMs: 3000, allowSha1: false });
    expect(c.mongodbUri).to.equal(undefined);
  });

  it('when values are bad, then loading fails with ERR_CONFIG_INVALID naming each variable', () => {
    let err: { code?: string; details?: { problems?: string[] } } | undefined;
    try {
      loadConfig({ PORT: 'eighty', LIENTHONG_ROLE: 'both', MONGODB_URI: 'postgres://x' });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.code).to.equal('ERR_CONFIG_INVALID');
    const names = (err?.details?.problems ?? []).map((p) => p.split(':')[0]);
    expect(names).to.have.members(['PORT', 'LIENTHONG_ROLE', 'MONGODB_URI']);
  });
});
