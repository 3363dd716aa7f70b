import { expect } from 'chai';
import type { DevelopmentPki } from '../../../../crypto/index.js';
import { buildEdocPackage, parseEdocPackage, signPackage, signPackageXml } from '../../../../server/domain/edxml/index.js';
import { issueAxisToken, issueNodeToken } from '../../../../server/auth/token.js';
import { keysFromTokenSecret } from '../../../../server/compose/service-keys.js';
import { useDatabase } from '../../../support/database.js';
import { readJson } from '../../../support/http.js';
import { G12, G22, H27, TOKEN_SECRET, UNREGISTERED, agencyOf, edocBytes, sealSign, secretOf, testPki } from '../../axis/fixtures.js';
import { vector } from '../../domain/edxml/fixtures.js';
import { PACKAGE_LIMIT, client, problemOf, snapshot, startAxis, type AxisServer } from './support.js';
import { testClock } from '../../../support/clock.js';

describe('axis API: every refused send answers its code and writes nothing @db', () => {
  const db = useDatabase();
  let pki: DevelopmentPki;
  let axis: AxisServer;
  let api: ReturnType<typeof client>;
  let h27 = '';
  let before0: Awaited<ReturnType<typeof snapshot>>;

  before(async () => {
    pki = await testPki();
    axis = await startAxis(db.connection(), pki);
    api = client(axis.baseUrl);
    h27 = (await readJson(await api.token(H27, secretOf(H27)))).accessToken;
  });
  after(() => axis.close());
  beforeEach(async () => {
    before0 = await snapshot(db.connection());
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'passed') expect(await snapshot(db.connection())).to.deep.equal(before0);
  });

  it('when the secret is wrong or the code unknown, then no token: 401 ERR_UNAUTHENTICATED', async () => {
    expect(await problemOf(await api.token(H27, 'wrong-secret-0123456789'))).to.equal('401 ERR_UNAUTHENTICATED');
    expect(await problemOf(await api.token(UNREGISTERED, secretOf(UNREGISTERED)))).to.equal('401 ERR_UNAUTHENTICATED');
    expect(await problemOf(await api.token('not a code', 'x'))).to.equal('401 ERR_UNAUTHENTICATED');
    const r = await fetch(`${axis.baseUrl}/axis/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"systemId":1}' });
    expect(await problemOf(r)).to.equal('400 ERR_VALIDATION');
  });

  it('when the caller has no token, a forged token or a node token, then 401 ERR_UNAUTHENTICATED', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const signature = await sealSign(pki, H27, bytes);
    expect(await problemOf(await api.send(undefined, { package: bytes, signature, type: 'edoc' }))).to.equal('401 ERR_UNAUTHENTICATED');
    const own = await keysFromTokenSecret(TOKEN_SECRET);
    const other = await keysFromTokenSecret('another-secret-of-at-least-32-characters!!');
    const forged = await issueAxisToken({ subject: H27, agencyCode: H27, ttlSeconds: 60 }, other.axisTokenKeys, testClock());
    expect(await problemOf(await api.send(forged, { package: bytes, signature, type: 'edoc' }))).to.equal('401 ERR_UNAUTHENTICATED');
    const nodeToken = await issueNodeToken({ subject: 'u1', agencyCode: H27, ttlSeconds: 60 }, own.nodeTokenKeys, testClock());
    expect(await problemOf(await api.send(nodeToken, { package: bytes, signature, type: 'edoc' }))).to.equal('401 ERR_UNAUTHENTICATED');
    expect(await problemOf(await api.list(undefined))).to.equal('401 ERR_UNAUTHENTICATED');
    const expired = await issueAxisToken({ subject: H27, agencyCode: H27, ttlSeconds: 60 }, own.axisTokenKeys, new Date(testClock().getTime() - 120_000));
    expect(await problemOf(await api.send(expired, { package: bytes, signature, type: 'edoc' }))).to.equal('401 ERR_UNAUTHENTICATED');
    // Signed with the axis's own key but without the secret version the registry holds: minted, not issued.
    const minted = await issueAxisToken({ subject: H27, agencyCode: H27, ttlSeconds: 60 }, own.axisTokenKeys, testClock());
    expect(await problemOf(await api.list(minted))).to.equal('401 ERR_UNAUTHENTICATED');
    const valid = h27;
    const [v, payload, mac] = valid.split('.') as [string, string, string];
    const tampered = `${v}.${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    expect((await api.list(valid)).status).to.equal(200);
    expect(await problemOf(await api.list(tampered))).to.equal('401 ERR_UNAUTHENTICATED');
  });

  it('when edXML From is not the caller, then 403 ERR_SENDER_MISMATCH (even with a valid G12 signature)', async () => {
    const { bytes } = edocBytes({ from: G12, to: [G22] });
    const signature = await sealSign(pki, G12, bytes);
    expect(await problemOf(await api.send(h27, { package: bytes, signature, type: 'edoc' }))).to.equal('403 ERR_SENDER_MISMATCH');
  });

  it('when the signing certificate chains to the root but is not bound to the sender, then 403 ERR_CERT_NOT_BOUND', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const byPerson = await signPackage(bytes, agencyOf(pki, H27).person.identity, testClock());
    expect(await problemOf(await api.send(h27, { package: bytes, signature: byPerson, type: 'edoc' }))).to.equal('403 ERR_CERT_NOT_BOUND');
    const byOtherAgency = await sealSign(pki, G12, bytes);
    expect(await problemOf(await api.send(h27, { package: bytes, signature: byOtherAgency, type: 'edoc' }))).to.equal('403 ERR_CERT_NOT_BOUND');
  });

  it('when the signature is over other bytes or is not CMS at all, then 422 ERR_PACKAGE_SIGNATURE_INVALID', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const other = edocBytes({ from: H27, to: [G22] }).bytes;
    const signature = await sealSign(pki, H27, other);
    const r = await api.send(h27, { package: bytes, signature, type: 'edoc' });
    const body = await readJson(r);
    expect(`${r.status} ${body.code}`).to.equal('422 ERR_PACKAGE_SIGNATURE_INVALID');
    expect(body.details.indication).to.equal('TOTAL_FAILED');
    expect(await problemOf(await api.send(h27, { package: bytes, signature: new Uint8Array([0x30, 0x03, 1, 2, 3]), type: 'edoc' }))).to.equal('422 ERR_PACKAGE_SIGNATURE_INVALID');
  });

  it("when no detached CMS comes and the package has no XML-DSig, only the public samples' edXML-namespace placeholder, or a changed one, then 422 naming the finding", async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const failedCheck = async (pkg: Uint8Array) => {
      const r = await api.send(h27, { package: pkg, type: 'edoc' });
      const body = await readJson(r);
      return `${r.status} ${body.code} ${body.details?.failedCheck} ${body.details?.subIndication}`;
    };
    expect(await failedCheck(bytes)).to.equal('422 ERR_PACKAGE_SIGNATURE_INVALID xml-signature FORMAT_FAILURE');
    const placeholder = new TextEncoder().encode(
      new TextDecoder()
        .decode(bytes)
        .replace('</edXML:TraceHeaderList>', '</edXML:TraceHeaderList><Signature><SignedInfo/><SignatureValue>GbVb8n9+</SignatureValue><KeyInfo><X509Data><X509Certificate>MIIFqTCCBJG</X509Certificate></X509Data></KeyInfo></Signature>'),
    );
    expect(await failedCheck(placeholder)).to.equal('422 ERR_PACKAGE_SIGNATURE_INVALID xml-signature FORMAT_FAILURE');
    const signed = new TextDecoder().decode(await signPackageXml(bytes, agencyOf(pki, H27).seal.identity));
    const changed = new TextEncoder().encode(signed.replace(/<edXML:Subject>([^<]*)</, '<edXML:Subject>$1 (sửa)<'));
    expect(await failedCheck(changed)).to.equal('422 ERR_PACKAGE_SIGNATURE_INVALID reference-digest HASH_FAILURE');
    const byPerson = await signPackageXml(bytes, agencyOf(pki, H27).person.identity);
    expect(await problemOf(await api.send(h27, { package: byPerson, type: 'edoc' }))).to.equal('403 ERR_CERT_NOT_BOUND');
  });

  it('when a recipient is not registered, then 422 ERR_RECIPIENT_UNKNOWN naming it', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22, UNREGISTERED] });
    const r = await api.send(h27, { package: bytes, signature: await sealSign(pki, H27, bytes), type: 'edoc' });
    const body = await readJson(r);
    expect(`${r.status} ${body.code}`).to.equal('422 ERR_RECIPIENT_UNKNOWN');
    expect(body.details.unknown).to.deep.equal([UNREGISTERED]);
  });

  it('when the package is over the limit, then 413 ERR_PAYLOAD_TOO_LARGE', async () => {
    const small = parseEdocPackage(edocBytes({ from: H27, to: [G22] }).bytes);
    const big = buildEdocPackage({ ...small, Attachments: [{ ...small.Attachments[0]!, Content: new Uint8Array(PACKAGE_LIMIT).fill(7) }] });
    expect(big.byteLength).to.be.greaterThan(PACKAGE_LIMIT);
    const signature = await sealSign(pki, H27, big);
    expect(await problemOf(await api.send(h27, { package: big, signature, type: 'edoc' }))).to.equal('413 ERR_PAYLOAD_TOO_LARGE');
  });

  it('when the package is malformed or hostile XML, then its XML code', async () => {
    const garbage = new TextEncoder().encode('<edXML:edXMLEnvelope><unclosed>');
    expect(await problemOf(await api.send(h27, { package: garbage, signature: await sealSign(pki, H27, garbage), type: 'edoc' }))).to.equal('400 ERR_XML_MALFORMED');
    const xxe = vector('xxe-external-entity.edxml');
    expect(await problemOf(await api.send(h27, { package: xxe, signature: await sealSign(pki, H27, xxe), type: 'edoc' }))).to.equal('400 ERR_XML_FORBIDDEN_CONSTRUCT');
    const laughs = vector('billion-laughs.edxml');
    expect(await problemOf(await api.send(h27, { package: laughs, signature: await sealSign(pki, H27, laughs), type: 'edoc' }))).to.equal('400 ERR_XML_FORBIDDEN_CONSTRUCT');
  });

  it('when parts are missing, the type is wrong or the body is not multipart, then 400/415 before anything is read', async () => {
    const { bytes } = edocBytes({ from: H27, to: [G22] });
    const signature = await sealSign(pki, H27, bytes);
    expect(await problemOf(await api.send(h27, { package: bytes, signature }))).to.equal('400 ERR_VALIDATION');
    expect(await problemOf(await api.send(h27, { package: bytes, signature, type: 'status' }))).to.equal('400 ERR_VALIDATION');
    const json = await fetch(`${axis.baseUrl}/axis/v1/edocs`, { method: 'POST', headers: { authorization: `Bearer ${h27}`, 'content-type': 'application/json' }, body: '{}' });
    expect(await problemOf(json)).to.equal('415 ERR_UNSUPPORTED_MEDIA_TYPE');
  });
});
