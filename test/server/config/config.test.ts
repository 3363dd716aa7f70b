import { expect } from 'chai';
import { checkServeConfig, loadConfig } from '../../../server/config/config.js';

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

  it('when NODE_ENV or LIENTHONG_MODE says production, then the mode is production; otherwise development', () => {
    expect(loadConfig({}).mode).to.equal('development');
    expect(loadConfig({ NODE_ENV: 'production' }).mode).to.equal('production');
    expect(loadConfig({ LIENTHONG_MODE: 'production' }).mode).to.equal('production');
    expect(loadConfig({ NODE_ENV: 'test' }).mode).to.equal('development');
    expect(() => checkServeConfig(loadConfig({}))).to.not.throw();
  });

  it('when production mode is given the all-purpose LIENTHONG_TOKEN_SECRET or a demo password, then serving refuses them by name', () => {
    let err: { code?: string; message?: string } | undefined;
    try {
      checkServeConfig(loadConfig({ LIENTHONG_MODE: 'production', LIENTHONG_TOKEN_SECRET: 'x'.repeat(40), LIENTHONG_DEMO_PASSWORD: 'demo-password' }));
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.code).to.equal('ERR_CONFIG_INVALID');
    expect(err?.message).to.include('LIENTHONG_TOKEN_SECRET').and.include('LIENTHONG_DEMO_PASSWORD');
  });

  it('when a production axis has its anchors, a CRL URL and its token key, then serving needs nothing of the node', () => {
    const c = loadConfig({ NODE_ENV: 'production', LIENTHONG_ROLE: 'axis', LIENTHONG_TRUST_ANCHORS: 'a.pem, b.pem', LIENTHONG_CRL_URLS: 'http://ca.example/ca.crl', LIENTHONG_AXIS_TOKEN_KEY_FILE: 'k.pem' });
    expect(c.trust.anchorFiles).to.deep.equal(['a.pem', 'b.pem']);
    expect(() => checkServeConfig(c)).to.not.throw();
    expect(() => loadConfig({ LIENTHONG_CRL_URLS: 'ftp://x/y.crl' }))
      .to.throw()
      .with.property('code', 'ERR_CONFIG_INVALID');
  });

  it('when a production node has an OCSP responder and no CRL source, then OCSP counts as its revocation source; a non-HTTP OCSP URL is refused', () => {
    const node = { NODE_ENV: 'production', LIENTHONG_ROLE: 'node', LIENTHONG_TRUST_ANCHORS: 'a.pem', LIENTHONG_NODE_TOKEN_SECRET: 'n'.repeat(40), LIENTHONG_KEY_ENCRYPTION_KEY: 'k'.repeat(40), LIENTHONG_KEYS_DIR: 'keys' };
    const c = loadConfig({ ...node, LIENTHONG_OCSP_URL: 'http://ocsp.ca.example/' });
    expect(c.ocspUrl).to.equal('http://ocsp.ca.example/');
    expect(() => checkServeConfig(c)).to.not.throw();
    let err: { code?: string; message?: string } | undefined;
    try {
      checkServeConfig(loadConfig(node));
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.code).to.equal('ERR_CONFIG_INVALID');
    expect(err?.message).to.include('LIENTHONG_OCSP_URL');
    expect(() => loadConfig({ LIENTHONG_OCSP_URL: 'ldap://ocsp.example' }))
      .to.throw()
      .with.property('code', 'ERR_CONFIG_INVALID');
  });
});
