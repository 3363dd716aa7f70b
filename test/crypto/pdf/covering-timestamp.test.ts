import { expect } from 'chai';
import { signPdf, verifyPdf } from '../../../crypto/pdf/index.js';
import { issueCrl, parseCertificate } from '../../../crypto/pki/index.js';
import { cmsFixture, type CmsFixture } from '../cms/fixtures.js';
import { pdfLibDocument } from './support/inputs.js';

const minute = 60_000;

/**
 * ETSI EN 319 102-1 §5.6.2.4 (POE of signed data): the agency seal's verified signature timestamp covers the
 * person signature's value (the seal signs the revision that holds it), so its genTime is a proof of
 * existence for the person signature, which carries no timestamp of its own.
 */
describe("crypto/pdf the seal's signature timestamp is a proof of existence for the person signature under it", function () {
  this.timeout(30_000);
  let f: CmsFixture;
  let withTs: Uint8Array;
  let withoutTs: Uint8Array;
  let personSerial: string;
  let genTime: Date;

  before(async () => {
    f = await cmsFixture();
    const person = await f.issue('poe-person');
    personSerial = parseCertificate(person.identity.certificate).serialNumber;
    const signed = (await signPdf(await pdfLibDocument(1), { identity: person.identity, role: 'signer', signingTime: new Date(f.now.getTime() - 8 * minute), appearance: false })).pdf;
    genTime = new Date(f.now.getTime() - 5 * minute);
    const seal = { identity: f.rsa.identity, role: 'seal' as const, signingTime: new Date(f.now.getTime() - 6 * minute), appearance: false as const };
    withTs = (await signPdf(signed, { ...seal, timestamp: f.stamp(genTime) })).pdf;
    withoutTs = (await signPdf(signed, seal)).pdf;
  });

  const crlRevoking = (revocationDate: Date) =>
    issueCrl({
      issuer: f.pki.issuingCa,
      revoked: [{ serialNumber: personSerial, revocationDate, reason: 'keyCompromise' }],
      thisUpdate: new Date(f.now.getTime() - minute),
      nextUpdate: new Date(f.now.getTime() + 86_400_000),
    });

  it("when the person key is revoked after the seal's timestamp, then the person signature passes at that genTime (poe timestamp); without the seal's timestamp it is REVOKED_NO_POE", async () => {
    const options = { trustAnchors: [f.pki.root.certificate], crls: [crlRevoking(new Date(f.now.getTime() - 2 * minute))], now: new Date(f.now.getTime() + 60 * minute) };
    const r = await verifyPdf(withTs, options);
    expect(r.indication, r.explanation).to.equal('TOTAL_PASSED');
    const [person, seal] = r.signatures;
    expect(person!.cms?.poe).to.equal('timestamp');
    expect(person!.cms?.validationTime).to.equal(genTime.toISOString());
    expect(person!.cms?.timestamp).to.equal(undefined); // the proof is the seal's, not its own
    expect(person!.checks.find((c) => c.name === 'covering-timestamp')?.passed).to.equal(true);
    expect(seal!.cms?.poe).to.equal('timestamp');
    expect(seal!.checks.some((c) => c.name === 'covering-timestamp')).to.equal(false);

    const without = await verifyPdf(withoutTs, options);
    expect(without.indication).to.equal('INDETERMINATE');
    expect(without.subIndication).to.equal('REVOKED_NO_POE');
    expect(without.signatures[0]!.cms?.poe).to.equal('none');
    expect(without.signatures[0]!.subIndication).to.equal('REVOKED_NO_POE');
    expect(without.signatures[1]!.indication).to.equal('TOTAL_PASSED');
  });

  it("when the person key was revoked before the seal's timestamp, then the proof does not save it", async () => {
    const options = { trustAnchors: [f.pki.root.certificate], crls: [crlRevoking(new Date(f.now.getTime() - 20 * minute))], now: new Date(f.now.getTime() + 60 * minute) };
    const r = await verifyPdf(withTs, options);
    const person = r.signatures[0]!;
    expect(person.cms?.poe).to.equal('timestamp');
    expect(person.indication).to.not.equal('TOTAL_PASSED');
    // the signer's own claim (/M, 8 minutes before) is after the revocation: a final answer
    expect(person.indication).to.equal('TOTAL_FAILED');
    expect(person.subIndication).to.equal('REVOKED');
  });

  it('when the caller gives its own time, then that time wins over the covering proof', async () => {
    const at = new Date(f.now.getTime() - 7 * minute);
    const r = await verifyPdf(withTs, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: new Date(f.now.getTime() + 60 * minute), at });
    expect(r.signatures[0]!.cms?.poe).to.equal('caller');
    expect(r.signatures[0]!.cms?.validationTime).to.equal(at.toISOString());
  });
});
