import { expect } from 'chai';
import { buildReport, Checklist } from '../../../crypto/report/index.js';

describe('crypto/report buildReport', () => {
  it('when the facts are consistent, then the report is deeply frozen and leaves the certificate out of JSON', () => {
    const checks = new Checklist();
    checks.pass('format');
    checks.pass('message-digest', 'SHA-256');
    const report = buildReport({
      indication: 'TOTAL_PASSED',
      intact: true,
      valid: true,
      trusted: true,
      signerCertificate: new Uint8Array([1, 2, 3]),
      validationTime: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      poe: 'none',
      checks: checks.checks,
    });
    expect(Object.isFrozen(report)).to.equal(true);
    expect(Object.isFrozen(report.checks)).to.equal(true);
    expect(Object.isFrozen(report.checks[0])).to.equal(true);
    expect(report.signerCertificate).to.deep.equal(new Uint8Array([1, 2, 3]));
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    expect(json).to.not.have.property('signerCertificate');
    expect(json.validationTime).to.equal('2026-01-02T03:04:05.000Z');
    expect(json.checks).to.deep.equal([
      { name: 'format', passed: true },
      { name: 'message-digest', passed: true, detail: 'SHA-256' },
    ]);
  });

  it('when TOTAL_PASSED is claimed without trust, then TypeError', () => {
    expect(() => buildReport({ indication: 'TOTAL_PASSED', intact: true, valid: true, trusted: false, validationTime: new Date(0), poe: 'none', checks: [] })).to.throw(TypeError);
  });

  it('when a sub-indication belongs to the other family, then TypeError', () => {
    expect(() => buildReport({ indication: 'TOTAL_FAILED', subIndication: 'TRY_LATER', intact: true, valid: true, trusted: false, validationTime: new Date(0), poe: 'none', checks: [] })).to.throw(TypeError);
    expect(() => buildReport({ indication: 'INDETERMINATE', intact: true, valid: true, trusted: false, validationTime: new Date(0), poe: 'none', checks: [] })).to.throw(TypeError);
  });

  it('when a failure is reported, then the reason and sub-indication are kept', () => {
    const r = buildReport({
      indication: 'INDETERMINATE',
      subIndication: 'TRY_LATER',
      reason: 'no CRL',
      intact: true,
      valid: true,
      trusted: false,
      validationTime: '2026-01-01T00:00:00.000Z',
      poe: 'none',
      checks: [{ name: 'chain:revocation', passed: false, detail: 'no CRL' }],
    });
    expect(r.subIndication).to.equal('TRY_LATER');
    expect(r.reason).to.equal('no CRL');
  });
});
