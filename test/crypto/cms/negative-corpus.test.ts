import { expect } from 'chai';
import { createHash, sign as nodeSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signDetached, verifyDetached, type VerifyDetachedOptions } from '../../../crypto/cms/index.js';
import { timestampSignature } from '../../../crypto/tsp/index.js';
import { parseSignedData } from '../../../crypto/cms/parse-signed-data.js';
import { isCryptoError } from '../../../crypto/errors.js';
import { createDevelopmentPki, parseCertificate } from '../../../crypto/pki/index.js';
import { cmsFixture, revokingCrl, type CmsFixture } from './fixtures.js';

interface Expected {
  readonly indication?: string;
  readonly subIndication?: string;
  readonly check?: string;
  readonly error?: string;
  readonly poe?: string;
}

// dist/test/crypto/cms → test/vectors/cms in the source tree.
const here = dirname(fileURLToPath(import.meta.url));
const expected = JSON.parse(readFileSync(join(here, '../../../../test/vectors/cms/expected.json'), 'utf8')) as { cases: Record<string, Expected> };
const content = new TextEncoder().encode('Quyết định số 45/QĐ-UBND\n'.repeat(40));

interface Built {
  readonly signature: Uint8Array;
  readonly content?: Uint8Array;
  readonly options?: Partial<VerifyDetachedOptions>;
}

/** Replaces the certificate hash of signing-certificate-v2 and re-signs the attributes: a valid signature whose ESS attribute names another certificate. */
function pointSigningCertificateElsewhere(sig: Uint8Array, signerCert: Uint8Array, otherCert: Uint8Array, key: Parameters<typeof nodeSign>[2]): Uint8Array {
  const out = Buffer.from(sig);
  const si = parseSignedData(out).signerInfos[0]!;
  const oldHash = createHash('sha256').update(signerCert).digest();
  const at = out.indexOf(oldHash);
  expect(at).to.be.greaterThan(0);
  const oldSignature = Buffer.from(si.signature);
  createHash('sha256').update(otherCert).digest().copy(out, at);
  const attrs = Buffer.from(parseSignedData(out).signerInfos[0]!.signedAttributesDer!);
  const newSignature = nodeSign('sha256', attrs, key);
  expect(newSignature.length).to.equal(oldSignature.length);
  newSignature.copy(out, out.indexOf(oldSignature));
  return out;
}

describe('crypto/cms negative corpus (test/vectors/cms)', function () {
  this.timeout(120_000);
  let f: CmsFixture;
  const corpus = new Map<string, Built>();

  before(async () => {
    f = await cmsFixture();
    const dataPath = f.write('corpus-content.bin', content);
    const good = await signDetached({ content }, { identity: f.rsa.identity });
    const opensslSign = (name: string, certPem: string, keyPem: string, md: string): Uint8Array => {
      const out = join(f.dir, name);
      f.openssl(['cms', '-sign', '-binary', '-in', dataPath, '-signer', certPem, '-inkey', keyPem, '-certfile', f.chainPem, '-outform', 'DER', '-out', out, '-md', md, '-cades']);
      return new Uint8Array(readFileSync(out));
    };

    corpus.set('content-changed-after-signing.p7s', { signature: good, content: new TextEncoder().encode('Quyết định số 46/QĐ-UBND\n'.repeat(40)) });
    const flipped = Buffer.from(good);
    const sigValue = parseSignedData(good).signerInfos[0]!.signature;
    const flipAt = flipped.indexOf(Buffer.from(sigValue)) + 10;
    flipped[flipAt] = flipped[flipAt]! ^ 0x01;
    corpus.set('signature-bytes-changed.p7s', { signature: flipped });
    const otherPki = await createDevelopmentPki({ now: f.now, agencies: [] });
    corpus.set('wrong-trust-anchor.p7s', { signature: good, options: { trustAnchors: [otherPki.root.certificate] } });

    const revoked = await f.issue('revoked-signer');
    corpus.set('revoked-signer.p7s', {
      signature: await signDetached({ content }, { identity: revoked.identity }),
      options: { crls: [revokingCrl(f, parseCertificate(revoked.identity.certificate).serialNumber)] },
    });
    // Back-dated signatures (issue 10): the claimed time is never the validation time.
    const revokedCrl = revokingCrl(f, parseCertificate(revoked.identity.certificate).serialNumber); // revoked at now − 30 min
    const minute = 60_000;
    const at = (ms: number) => new Date(f.now.getTime() + ms);
    corpus.set('backdated-revoked-since.p7s', {
      signature: await signDetached({ content }, { identity: revoked.identity, signingTime: at(-50 * minute) }),
      options: { crls: [revokedCrl] },
    });
    corpus.set('revoked-before-claimed-time.p7s', {
      signature: await signDetached({ content }, { identity: revoked.identity, signingTime: at(-10 * minute) }),
      options: { crls: [revokedCrl] },
    });
    const withTimestamp = async (stampAt: Date, claimed: Date) => timestampSignature(await signDetached({ content }, { identity: revoked.identity, signingTime: claimed }), f.stamp(stampAt));
    corpus.set('timestamped-before-revocation.p7s', { signature: await withTimestamp(at(-45 * minute), at(-46 * minute)), options: { crls: [revokedCrl] } });
    corpus.set('timestamped-after-revocation.p7s', { signature: await withTimestamp(at(-10 * minute), at(-50 * minute)), options: { crls: [revokedCrl] } });
    corpus.set('axis-arrival-before-revocation.p7s', {
      signature: await signDetached({ content }, { identity: revoked.identity, signingTime: at(-50 * minute) }),
      options: { crls: [revokedCrl], arrivalTime: at(-49 * minute) },
    });
    corpus.set('claimed-time-after-timestamp.p7s', { signature: await withTimestamp(at(-45 * minute), at(-20 * minute)), options: { crls: [revokedCrl] } });
    corpus.set('future-claimed-time.p7s', { signature: await signDetached({ content }, { identity: f.rsa.identity, signingTime: at(60 * minute) }) });
    const day = 86_400_000;
    const expired = await f.issue('expired-signer', { cert: { notBefore: new Date(f.now.getTime() - 400 * day), notAfter: new Date(f.now.getTime() - 30 * day) } });
    corpus.set('expired-signer.p7s', { signature: await signDetached({ content }, { identity: expired.identity }) });
    corpus.set('backdated-expired-since.p7s', { signature: await signDetached({ content }, { identity: expired.identity, signingTime: new Date(f.now.getTime() - 40 * day) }) });
    corpus.set('expired-before-claimed-time.p7s', { signature: await signDetached({ content }, { identity: expired.identity, signingTime: new Date(f.now.getTime() - 20 * day) }) });
    const future = await f.issue('future-signer', { cert: { notBefore: new Date(f.now.getTime() + 30 * day), notAfter: new Date(f.now.getTime() + 400 * day) } });
    corpus.set('not-yet-valid-signer.p7s', { signature: await signDetached({ content }, { identity: future.identity }) });

    const ca = f.pki.issuingCa;
    const { createKeySigner } = await import('../../../crypto/keys/index.js');
    corpus.set('ca-certificate-as-signer.p7s', {
      signature: await signDetached({ content }, { identity: { signer: createKeySigner(ca.privateKey), certificate: ca.certificate, chain: [f.pki.root.certificate] } }),
    });
    const noKu = await f.issue('no-key-usage', { cert: { keyUsage: null } });
    corpus.set('missing-key-usage.p7s', { signature: await signDetached({ content }, { identity: noKu.identity }) });

    corpus.set('sha1-digest.p7s', { signature: opensslSign('sha1.p7s', f.rsa.certPem, f.rsa.keyPem, 'sha1') });
    const weak = await f.issue('rsa1024-signer', { keyType: 'rsa1024' });
    corpus.set('rsa-1024-signer.p7s', { signature: opensslSign('rsa1024.p7s', weak.certPem, weak.keyPem, 'sha256') });

    const twin = await f.issue('twin-certificate');
    corpus.set('signing-certificate-v2-other-certificate.p7s', {
      signature: pointSigningCertificateElsewhere(good, f.rsa.identity.certificate, twin.identity.certificate, f.rsa.privateKey),
    });
    corpus.set('unexpected-signer.p7s', { signature: good, options: { expectedSigners: [twin.identity.certificate] } });

    corpus.set('truncated-der.p7s', { signature: good.subarray(0, good.length - 37) });
    corpus.set('random-bytes.p7s', { signature: createHash('sha512').update('lienthong random corpus').digest() });
    corpus.set('empty.p7s', { signature: new Uint8Array(0) });
    for (const [name, c] of corpus) f.write(name, c.signature);
  });

  it('when the corpus is generated, then it has exactly the cases of expected.json', () => {
    expect([...corpus.keys()].sort()).to.deep.equal(Object.keys(expected.cases).sort());
  });

  for (const [name, exp] of Object.entries(expected.cases)) {
    it(`when verifying ${name}, then ${exp.error ?? `${exp.indication}/${exp.subIndication}`}`, async () => {
      const c = corpus.get(name);
      expect(c, name).to.not.equal(undefined);
      const signature = new Uint8Array(readFileSync(join(f.dir, name)));
      const options: VerifyDetachedOptions = { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now, ...c!.options };
      if (exp.error) {
        try {
          await verifyDetached(signature, { content: c!.content ?? content }, options);
          expect.fail(`expected ${exp.error}`);
        } catch (e) {
          expect(isCryptoError(e), String(e)).to.equal(true);
          expect((e as { code: string }).code).to.equal(exp.error);
        }
        return;
      }
      const report = await verifyDetached(signature, { content: c!.content ?? content }, options);
      expect(report.indication, report.reason).to.equal(exp.indication);
      expect(report.subIndication, report.reason).to.equal(exp.subIndication);
      expect(report.checks.find((k) => !k.passed)?.name).to.equal(exp.check);
      if (exp.poe) expect(report.poe).to.equal(exp.poe);
      expect(Object.isFrozen(report)).to.equal(true);
    });
  }

  it('when the untouched signature is verified with the same options, then TOTAL_PASSED (the corpus fails for its one reason)', async () => {
    const report = await verifyDetached(corpus.get('wrong-trust-anchor.p7s')!.signature, { content }, { trustAnchors: [f.pki.root.certificate], crls: f.crls, now: f.now, expectedSigners: [f.rsa.identity.certificate] });
    expect(report.indication, report.reason).to.equal('TOTAL_PASSED');
    expect(report.intact && report.valid && report.trusted).to.equal(true);
    expect(report.checks.map((c) => c.name)).to.include.members(['signer-binding', 'key-usage', 'chain:revocation']);
  });
});
