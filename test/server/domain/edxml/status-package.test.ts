import { expect } from 'chai';
import { buildEdocPackage, buildStatusPackage, detectPackageKind, edxmlTimestampToDate, formatEdxmlTimestamp, parseEdocPackage, parseStatusPackage, readStatusPackage } from '../../../../server/domain/edxml/index.js';
import type { StatusPackage } from '../../../../server/domain/edxml/index.js';
import { bytes, errorOf, minimalPackage, statusPackage, text, vector } from './fixtures.js';

describe('edXML status package', () => {
  it('when a status package is built and parsed, then it comes back equal', () => {
    const pkg = statusPackage();
    expect(parseStatusPackage(buildStatusPackage(pkg))).to.deep.equal(pkg);
  });
  for (const code of ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const) {
    it(`when status ${code} is built, then it parses back with that code`, () => {
      const pkg: StatusPackage = { ...statusPackage(), StatusCode: code };
      expect(parseStatusPackage(buildStatusPackage(pkg)).StatusCode).to.equal(code);
    });
  }
  it('when built, then edXML:Status sits in the header with the standard element names', () => {
    const xml = text(buildStatusPackage(statusPackage()));
    expect(xml).to.match(/<edXML:edXMLHeader>\s*<edXML:Status>/);
    expect(xml).to.contain('<edXML:StatusCode>03</edXML:StatusCode>');
    expect(xml).to.contain('<edXML:Timestamp>2024/05/02 10:30:00</edXML:Timestamp>');
    expect(xml).to.contain('xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"');
  });
  it('when kinds are detected, then status and document packages are told apart', () => {
    expect(detectPackageKind(buildStatusPackage(statusPackage()))).to.equal('status');
    expect(detectPackageKind(buildEdocPackage(minimalPackage()))).to.equal('edoc');
  });
  it('when a document package is given to the status parser, then ERR_EDXML_INVALID', () => {
    expect(errorOf(() => parseStatusPackage(buildEdocPackage(minimalPackage()))).code).to.equal('ERR_EDXML_INVALID');
    expect(errorOf(() => parseEdocPackage(buildStatusPackage(statusPackage()))).code).to.equal('ERR_EDXML_INVALID');
  });
  for (const reserved of ['07', '08', '12', '14', '00', '1', '99']) {
    it(`when the status code is ${reserved}, then ERR_EDXML_INVALID at Status.StatusCode`, () => {
      const s = text(buildStatusPackage(statusPackage())).replace('<edXML:StatusCode>03<', `<edXML:StatusCode>${reserved}<`);
      expect(errorOf(() => parseStatusPackage(bytes(s)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'Status.StatusCode' });
    });
  }
  const mutations: [string, (s: string) => string, string][] = [
    ['no From', (s) => s.replace(/<edXML:From>[\s\S]*?<\/edXML:From>/, ''), 'Status.From'],
    ['an impossible timestamp', (s) => s.replace('2024/05/02 10:30:00', '2024/13/02 10:30:00'), 'Status.Timestamp'],
    ['a date-only timestamp', (s) => s.replace('2024/05/02 10:30:00', '2024/05/02'), 'Status.Timestamp'],
    ['a ResponseFor DocumentId inconsistent with its code', (s) => s.replace('<edXML:Code>123/VPCP-KSTT', '<edXML:Code>124/VPCP-KSTT'), 'Status.ResponseFor.DocumentId'],
    ['a bad reporter code', (s) => s.replace('<edXML:OrganId>000.00.00.G12', '<edXML:OrganId>000.00.00.G12 '), 'Status.From.OrganId'],
  ];
  for (const [why, mutate, path] of mutations) {
    it(`when the status package has ${why}, then ERR_EDXML_INVALID at ${path}`, () => {
      const good = text(buildStatusPackage(statusPackage()));
      const changed = mutate(good);
      expect(changed).to.not.equal(good);
      expect(errorOf(() => parseStatusPackage(bytes(changed)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path });
    });
  }
  it('when a status package writes its Timestamp and ResponseFor date dd/MM/yyyy, then the lenient read takes the same day with EDXML_DATE_DAY_FIRST each, and the strict parse refuses it', () => {
    const good = text(buildStatusPackage(statusPackage()));
    const dayFirst = good.replace('<edXML:Timestamp>2024/05/02 10:30:00', '<edXML:Timestamp>02/05/2024 10:30:00').replace('<edXML:PromulgationDate>2024/05/02', '<edXML:PromulgationDate>02/05/2024');
    expect(dayFirst).to.not.equal(good);
    const read = readStatusPackage(bytes(dayFirst));
    expect(read.package).to.deep.equal(statusPackage());
    expect(read.warnings.map((w) => [w.code, w.path])).to.deep.equal([
      ['EDXML_DATE_DAY_FIRST', 'Status.ResponseFor.PromulgationDate'],
      ['EDXML_DATE_DAY_FIRST', 'Status.Timestamp'],
    ]);
    expect(read.warnings[1]!.detail).to.equal('"02/05/2024 10:30:00" read as 2024/05/02 10:30:00');
    expect(errorOf(() => parseStatusPackage(bytes(dayFirst)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'Status.ResponseFor.PromulgationDate' });
    expect(readStatusPackage(bytes(good)).warnings).to.deep.equal([]);
  });
  it('when a status package puts its fields inside MessageHeader (no To), then it is detected as a status, read leniently with EDXML_STATUS_PACKAGE_IN_MESSAGE_HEADER, and the strict parse refuses it', () => {
    const input = vector('status-in-message-header.edxml');
    expect(detectPackageKind(input)).to.equal('status');
    expect(errorOf(() => parseStatusPackage(input))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'edXMLHeader.Status' });
    const read = readStatusPackage(input);
    expect(read.warnings.map((w) => [w.code, w.path])).to.deep.equal([['EDXML_STATUS_PACKAGE_IN_MESSAGE_HEADER', 'edXMLHeader.MessageHeader']]);
    expect(read.package.From.OrganId).to.equal('000.00.00.H10');
    expect(read.package.ResponseFor.DocumentId).to.equal('000.00.00.G22,2024/05/02,123/VPCP-KSTT');
    expect(read.package.StatusCode).to.equal('03');
    expect(read.package.Timestamp).to.equal('2024/05/02 10:30:00');
    expect(read.package.StaffInfo).to.deep.equal({ Department: 'Văn thư', Staff: 'Người thử' });
    // What was read leniently builds into the standard form, which the strict parser reads back equal.
    expect(parseStatusPackage(buildStatusPackage(read.package))).to.deep.equal(read.package);
  });
  it('when a status inside MessageHeader has a reserved code or a bad field, then the lenient read still refuses it at the MessageHeader path', () => {
    const s = text(vector('status-in-message-header.edxml'));
    expect(errorOf(() => readStatusPackage(bytes(s.replace('<edXML:StatusCode>03<', '<edXML:StatusCode>07<'))))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.StatusCode' });
    expect(errorOf(() => readStatusPackage(bytes(s.replace('<edXML:OrganId>000.00.00.H10<', '<edXML:OrganId>vxp.saas.03<'))))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.From.OrganId' });
  });
  it("when a status package's ResponseFor/DocumentId disagrees with its fields, then even the lenient read refuses it (the status would act on that document)", () => {
    const s = text(vector('status-in-message-header.edxml')).replace('<edXML:DocumentId>000.00.00.G22,2024/05/02,', '<edXML:DocumentId>000.00.00.G22,2012/08/06,');
    expect(errorOf(() => readStatusPackage(bytes(s)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.ResponseFor.DocumentId' });
  });
  it('when a document carries a stray StatusCode but has its To, then it stays a document package', () => {
    expect(detectPackageKind(vector('lenient-real-forms.edxml'))).to.equal('edoc');
    const withTo = text(vector('status-in-message-header.edxml')).replace('<edXML:ResponseFor>', '<edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To><edXML:ResponseFor>');
    expect(detectPackageKind(bytes(withTo))).to.equal('edoc');
  });
  for (const [why, bad] of [
    ['not a real day', '30/02/2024 10:30:00'],
    ['month first', '02/29/2024 10:30:00'],
    ['a two-digit year', '02/05/24 10:30:00'],
    ['no time', '02/05/2024'],
  ] as const) {
    it(`when a status Timestamp is dd/MM/yyyy but ${why}, then the lenient read still refuses it at Status.Timestamp`, () => {
      const s = text(buildStatusPackage(statusPackage())).replace('2024/05/02 10:30:00', bad);
      expect(errorOf(() => readStatusPackage(bytes(s)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'Status.Timestamp' });
    });
  }
  it('when an instant is written as an edXML timestamp, then it is Vietnam time and reads back to the same instant', () => {
    const t = new Date('2024-05-02T02:15:07Z');
    expect(formatEdxmlTimestamp(t)).to.equal('2024/05/02 09:15:07');
    expect(edxmlTimestampToDate(formatEdxmlTimestamp(t)).toISOString()).to.equal(t.toISOString());
    expect(formatEdxmlTimestamp(new Date('2024-12-31T17:30:00Z'))).to.equal('2025/01/01 00:30:00');
  });
});
