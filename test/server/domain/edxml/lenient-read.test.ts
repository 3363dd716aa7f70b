import { expect } from 'chai';
import { buildEdocPackage, isRevokePackage, parseEdocPackage, readEdocPackage } from '../../../../server/domain/edxml/index.js';
import type { EdocPackage } from '../../../../server/domain/edxml/index.js';
import { bytes, errorOf, fullPackage, minimalPackage, text, vector } from './fixtures.js';

const codesAndPaths = (r: ReturnType<typeof readEdocPackage>) => r.warnings.map((w) => [w.code, w.path]);

/** The minimal package as written, with one textual edit. */
function edited(pkg: EdocPackage, from: string | RegExp, to: string): Uint8Array {
  const written = text(buildEdocPackage(pkg));
  const out = written.replace(from, to);
  expect(out, `edit ${String(from)}`).to.not.equal(written);
  return bytes(out);
}

describe('edXML lenient read: strict about safety, lenient about form, every leniency a named warning', () => {
  it("when the vector with the real senders' forms is read, then each form is one named warning in document order and the fields are normalised", () => {
    const input = vector('lenient-real-forms.edxml');
    expect(errorOf(() => parseEdocPackage(input)).code).to.equal('ERR_EDXML_INVALID');
    const r = readEdocPackage(input);
    expect(codesAndPaths(r)).to.deep.equal([
      ['EDXML_STATUS_IN_MESSAGE_HEADER', 'MessageHeader.StatusCode'],
      ['EDXML_DATE_DAY_FIRST', 'MessageHeader.PromulgationInfo.PromulgationDate'],
      ['EDXML_DOCUMENT_ID_UUID', 'MessageHeader.DocumentId'],
      ['EDXML_RESPONSE_FOR_EMPTY', 'MessageHeader.ResponseFor[0]'],
      ['EDXML_DATE_DAY_FIRST', 'TraceHeaderList.TraceHeader[0].Timestamp'],
    ]);
    const h = r.package.MessageHeader;
    expect(h.PromulgationInfo.PromulgationDate).to.equal('2024/05/02');
    expect(h.DocumentId).to.equal('000.00.00.G22,2024/05/02,123/VPCP-KSTT');
    expect(h.ResponseFor).to.deep.equal([]);
    expect(r.package.TraceHeaderList.TraceHeader[0]?.Timestamp).to.equal('2024/05/02 09:15:00');
    expect(r.warnings[2]?.detail).to.include('5f0c2a9e-8d1b-4c3a-9e7f-2b6d4a1c0e93');
    // What was read leniently builds into a package the strict parser reads back equal.
    expect(parseEdocPackage(buildEdocPackage(r.package))).to.deep.equal(r.package);
  });
  it('when a package is as the standard writes it, then the lenient read gives no warning and the same package as the strict parser', () => {
    const built = buildEdocPackage(fullPackage());
    const r = readEdocPackage(built);
    expect(r.warnings).to.deep.equal([]);
    expect(r.package).to.deep.equal(parseEdocPackage(built));
  });
  it('when the DocumentId disagrees with From, PromulgationDate and Code, then strict refuses and lenient uses the derived id with EDXML_DOCUMENT_ID_INCONSISTENT', () => {
    const input = edited(minimalPackage(), '<edXML:DocumentId>000.00.00.G22,2024/02/29,1/VPCP-TH<', '<edXML:DocumentId>000.00.00.G22,2024/02/28,1/VPCP-TH<');
    expect(errorOf(() => parseEdocPackage(input))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.DocumentId' });
    const r = readEdocPackage(input);
    expect(codesAndPaths(r)).to.deep.equal([['EDXML_DOCUMENT_ID_INCONSISTENT', 'MessageHeader.DocumentId']]);
    expect(r.package.MessageHeader.DocumentId).to.equal('000.00.00.G22,2024/02/29,1/VPCP-TH');
  });
  for (const [why, value] of [
    ['an impossible day-first date', '30/02/2024'],
    ['a month-first date', '02/29/2024'],
    ['a two-digit year', '29/02/24'],
  ] as const) {
    it(`when PromulgationDate is ${why} (${value}), then ERR_EDXML_INVALID even leniently`, () => {
      const input = edited(minimalPackage(), '<edXML:PromulgationDate>2024/02/29<', `<edXML:PromulgationDate>${value}<`);
      expect(errorOf(() => readEdocPackage(input))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.PromulgationInfo.PromulgationDate' });
    });
  }
  it('when a ResponseFor is only partly filled, then it is refused (only a wholly empty block is forgiven)', () => {
    const pkg = fullPackage();
    const input = edited(pkg, /(<edXML:ResponseFor>\s*<edXML:OrganId>)[^<]*/, '$1');
    expect(errorOf(() => readEdocPackage(input))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.ResponseFor[0].OrganId' });
  });
  it("when a document's ResponseFor/DocumentId disagrees with its PromulgationDate (as a public SDK sample), then it is kept as written with EDXML_RESPONSE_FOR_ID_INCONSISTENT, and the strict parse refuses it", () => {
    const input = edited(fullPackage(), /(<edXML:ResponseFor>[\s\S]*?<edXML:DocumentId>)000\.00\.00\.G22,2024\/05\/02,/, '$1000.00.00.G22,2012/08/06,');
    expect(errorOf(() => parseEdocPackage(input))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.ResponseFor[0].DocumentId' });
    const r = readEdocPackage(input);
    expect(codesAndPaths(r)).to.deep.equal([['EDXML_RESPONSE_FOR_ID_INCONSISTENT', 'MessageHeader.ResponseFor[0].DocumentId']]);
    expect(r.package.MessageHeader.ResponseFor[0]).to.deep.equal({ ...fullPackage().MessageHeader.ResponseFor[0], DocumentId: '000.00.00.G22,2012/08/06,123/VPCP-KSTT' });
    // Not a composite id at all: still refused.
    const junk = edited(fullPackage(), /(<edXML:ResponseFor>[\s\S]*?<edXML:DocumentId>)[^<]*/, '$1not-an-id');
    expect(errorOf(() => readEdocPackage(junk))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.ResponseFor[0].DocumentId' });
  });
  it('when every refusal vector of expected.json is read leniently, then each is still refused with its code, except the one whose DocumentId names another agency (derived from From instead, with a warning)', () => {
    const expected = JSON.parse(text(vector('expected.json'))) as { invalid: { file: string; code: string; path?: string }[] };
    for (const v of expected.invalid) {
      if (v.file === 'wrong-agency.edxml') {
        const r = readEdocPackage(vector(v.file));
        expect(codesAndPaths(r), v.file).to.deep.equal([['EDXML_DOCUMENT_ID_INCONSISTENT', 'MessageHeader.DocumentId']]);
        expect(r.package.MessageHeader.DocumentId.split(',')[0]).to.equal(r.package.MessageHeader.From.OrganId);
        continue;
      }
      const err = errorOf(() => readEdocPackage(vector(v.file)));
      expect(err.code, v.file).to.equal(v.code);
      if (v.path) expect(err.path, v.file).to.equal(v.path);
    }
  });
  it('when the package holds a DOCTYPE, an entity or exceeds the size limit, then it is refused by the lenient read too', () => {
    for (const [file, code] of [
      ['billion-laughs.edxml', 'ERR_XML_FORBIDDEN_CONSTRUCT'],
      ['depth-bomb.edxml', 'ERR_XML_TOO_DEEP'],
    ] as const) {
      expect(errorOf(() => readEdocPackage(vector(file))).code, file).to.equal(code);
    }
    const input = vector('lenient-real-forms.edxml');
    expect(errorOf(() => readEdocPackage(input, { maxBytes: input.byteLength - 1 })).code).to.equal('ERR_XML_TOO_LARGE');
  });

  describe('a revoke that names its target only by MessageHeader/DocumentId (as the public SDKs build it)', () => {
    const revoke = (): EdocPackage => {
      const pkg = minimalPackage();
      return { ...pkg, TraceHeaderList: { ...pkg.TraceHeaderList, Bussiness: { BussinessDocType: 1, BussinessDocReason: 'Thu hồi', DocumentId: pkg.MessageHeader.DocumentId, Paper: 0 } } };
    };
    const withoutTarget = (from: RegExp, to: string): Uint8Array => edited(revoke(), from, to);
    it('when Bussiness/DocumentId is absent or empty, then the revoke targets MessageHeader/DocumentId (strict and lenient alike)', () => {
      for (const to of ['', '<edXML:DocumentId/>\n']) {
        const input = withoutTarget(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>\s*(?=<edXML:Paper>)/, to);
        for (const pkg of [parseEdocPackage(input), readEdocPackage(input).package]) {
          expect(isRevokePackage(pkg)).to.equal(true);
          expect(pkg.TraceHeaderList.Bussiness.DocumentId).to.equal('000.00.00.G22,2024/02/29,1/VPCP-TH');
        }
      }
    });
    it('when that MessageHeader/DocumentId is a UUID or inconsistent, then the revoke is refused: no certain target', () => {
      for (const id of ['5f0c2a9e-8d1b-4c3a-9e7f-2b6d4a1c0e93', '000.00.00.G22,2024/02/29,2/VPCP-TH']) {
        const noTarget = text(withoutTarget(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>\s*(?=<edXML:Paper>)/, ''));
        const input = bytes(noTarget.replace('<edXML:DocumentId>000.00.00.G22,2024/02/29,1/VPCP-TH<', `<edXML:DocumentId>${id}<`));
        expect(
          errorOf(() => readEdocPackage(input)),
          id,
        ).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.DocumentId' });
      }
    });
  });
});
