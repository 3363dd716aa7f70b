import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { EDXML_NAMESPACE, buildEdocPackage, earlierDocumentsFor, parseEdocPackage, readEdocPackage } from '../../../../server/domain/edxml/index.js';
import type { Bussiness, EdocPackage } from '../../../../server/domain/edxml/index.js';
import type { AgencyCode } from '../../../../server/domain/agency/code.js';
import { bytes, errorOf, fullPackage, text } from './fixtures.js';

const code = (s: string): AgencyCode => s as AgencyCode;

function withBussiness(b: Partial<Bussiness>): EdocPackage {
  const pkg = fullPackage();
  return { ...pkg, TraceHeaderList: { ...pkg.TraceHeaderList, Bussiness: { ...pkg.TraceHeaderList.Bussiness, ...b } } };
}

const update = (): EdocPackage =>
  withBussiness({
    BussinessDocType: 2,
    BussinessDocReason: 'Bổ sung nơi nhận',
    BussinessDocumentInfo: {
      DocumentInfo: 0,
      DocumentReceiver: 1,
      ReceiverList: [
        { ReceiverType: 1, OrganId: code('000.00.00.G12') },
        { ReceiverType: 0, OrganId: code('000.00.00.G22') },
      ],
    },
  });

const replace = (): EdocPackage =>
  withBussiness({
    BussinessDocType: 3,
    ReplacementInfoList: [{ DocumentId: '000.00.00.H27,2024/12/30,44/UBND-NC', OrganIdList: [code('000.00.00.G22'), code('000.00.00.G12')] }],
  });

/** Python's ElementTree (an independent parser): the local names of `Bussiness`'s subtree, in document order. */
function bussinessTags(xml: Uint8Array): string[] {
  const script = `import sys,xml.etree.ElementTree as E
ns='{${EDXML_NAMESPACE}}'
b=E.fromstring(sys.stdin.buffer.read()).find('.//'+ns+'Bussiness')
for e in b.iter(): print(e.tag.replace(ns,''))`;
  return execFileSync('python3', ['-c', script], { input: xml }).toString('utf8').trim().split('\n');
}

describe('edXML Bussiness: BussinessDocumentInfo (update) and ReplacementInfoList (replace)', () => {
  it("when an update names receiver changes, then they are written in the vendors' order after StaffInfo and read back equal", () => {
    const pkg = update();
    const built = buildEdocPackage(pkg);
    expect(parseEdocPackage(built)).to.deep.equal(pkg);
    const tags = bussinessTags(built);
    expect(tags.slice(tags.indexOf('StaffInfo'))).to.deep.equal([
      'StaffInfo',
      'Department',
      'Staff',
      'Mobile',
      'Email',
      'BussinessDocumentInfo',
      'DocumentInfo',
      'DocumentReceiver',
      'ReceiverList',
      'Receiver',
      'ReceiverType',
      'OrganId',
      'Receiver',
      'ReceiverType',
      'OrganId',
    ]);
  });
  it('when a replace names the replaced documents, then ReplacementInfo(DocumentId, OrganIdList/OrganId*) is written after StaffInfo and read back equal', () => {
    const pkg = replace();
    const built = buildEdocPackage(pkg);
    expect(parseEdocPackage(built)).to.deep.equal(pkg);
    const tags = bussinessTags(built);
    expect(tags.slice(tags.indexOf('Email') + 1)).to.deep.equal(['ReplacementInfoList', 'ReplacementInfo', 'DocumentId', 'OrganIdList', 'OrganId', 'OrganId']);
  });
  it('when a package carries a block its BussinessDocType has none of, then building refuses it with its path', () => {
    const replaceWithInfo = withBussiness({ BussinessDocType: 3, BussinessDocumentInfo: { ReceiverList: [] } });
    expect(errorOf(() => buildEdocPackage(replaceWithInfo))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.BussinessDocumentInfo' });
    const updateWithList = withBussiness({ BussinessDocType: 2, ReplacementInfoList: replace().TraceHeaderList.Bussiness.ReplacementInfoList });
    expect(errorOf(() => buildEdocPackage(updateWithList))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.ReplacementInfoList' });
  });
  it('when a replace names its targets only in ReplacementInfoList (no Bussiness/DocumentId, as the public SDK sample), then the strict parser refuses it and the lenient read takes the list with EDXML_REPLACE_TARGETS_FROM_LIST', () => {
    const written = text(buildEdocPackage(replace()));
    const noId = bytes(written.replace(/(<edXML:BussinessDocType>3<\/edXML:BussinessDocType>[\s\S]*?)<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/, '$1'));
    expect(text(noId)).to.not.equal(written);
    expect(errorOf(() => parseEdocPackage(noId))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.DocumentId' });
    const r = readEdocPackage(noId);
    expect(r.warnings.map((w) => [w.code, w.path])).to.deep.equal([['EDXML_REPLACE_TARGETS_FROM_LIST', 'TraceHeaderList.Bussiness.DocumentId']]);
    expect(r.package.TraceHeaderList.Bussiness.DocumentId).to.equal(undefined);
    expect(earlierDocumentsFor(r.package, code('000.00.00.G12'))).to.deep.equal({ targets: ['000.00.00.H27,2024/12/30,44/UBND-NC'], mayBeNew: false });
    // Without the list there is no target left: still refused.
    const noTarget = bytes(text(noId).replace(/<edXML:ReplacementInfoList>[\s\S]*<\/edXML:ReplacementInfoList>/, ''));
    expect(errorOf(() => readEdocPackage(noTarget))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.DocumentId' });
  });
  it('when an update names its target with a day that does not exist (2014/02/30, as a public SDK sample), then the strict parser refuses it and the lenient read keeps it as written with EDXML_TARGET_ID_IMPOSSIBLE_DATE; other malformed ids stay refused', () => {
    const written = text(buildEdocPackage(update()));
    const target = update().TraceHeaderList.Bussiness.DocumentId!;
    const [organ, , num] = target.split(',');
    const withId = (id: string) => bytes(written.replace(`<edXML:DocumentId>${target}<`, `<edXML:DocumentId>${id}<`));
    const feb30 = `${organ},2014/02/30,${num}`;
    expect(errorOf(() => parseEdocPackage(withId(feb30)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.DocumentId' });
    const r = readEdocPackage(withId(feb30));
    expect(r.warnings.map((w) => [w.code, w.path])).to.deep.equal([['EDXML_TARGET_ID_IMPOSSIBLE_DATE', 'TraceHeaderList.Bussiness.DocumentId']]);
    expect(r.package.TraceHeaderList.Bussiness.DocumentId).to.equal(feb30);
    for (const bad of [`${organ},2014/13/01,${num}`, `${organ},30/02/2014,${num}`, `vxp.saas.03,2014/02/30,${num}`, `${organ},2014/02/30`]) {
      expect(
        errorOf(() => readEdocPackage(withId(bad))),
        bad,
      ).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.DocumentId' });
    }
  });
  it('when a sender puts BussinessDocumentInfo into a new document (as a public SDK sample does), then the strict parser refuses it and the lenient reader ignores it with a named warning', () => {
    const written = text(buildEdocPackage(update()));
    const asNew = bytes(written.replace('<edXML:BussinessDocType>2</edXML:BussinessDocType>', '<edXML:BussinessDocType>0</edXML:BussinessDocType>'));
    expect(errorOf(() => parseEdocPackage(asNew))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.BussinessDocumentInfo' });
    const read = readEdocPackage(asNew);
    expect(read.package.TraceHeaderList.Bussiness.BussinessDocumentInfo).to.equal(undefined);
    expect(read.warnings.map((w) => [w.code, w.path])).to.deep.equal([['EDXML_BUSSINESS_INFO_IGNORED', 'TraceHeaderList.Bussiness.BussinessDocumentInfo']]);
  });
  it('when a ReplacementInfo/DocumentId is not composite (the SDK sample\'s "000.00.01.H01,2018,10"), then strict refuses and lenient keeps it with a warning', () => {
    const written = text(buildEdocPackage(replace())).replace(/(<edXML:ReplacementInfo>\s*<edXML:DocumentId>)[^<]*/, '$1000.00.01.H01,2018,10');
    const path = 'TraceHeaderList.Bussiness.ReplacementInfoList.ReplacementInfo[0].DocumentId';
    expect(errorOf(() => parseEdocPackage(bytes(written)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path });
    const read = readEdocPackage(bytes(written));
    expect(read.package.TraceHeaderList.Bussiness.ReplacementInfoList?.[0]?.DocumentId).to.equal('000.00.01.H01,2018,10');
    expect(read.warnings.map((w) => [w.code, w.path])).to.deep.equal([['EDXML_REPLACED_ID_NOT_COMPOSITE', path]]);
  });
  const R = 'TraceHeaderList.Bussiness.BussinessDocumentInfo.ReceiverList';
  for (const [why, edit, path] of [
    ['a receiver code with white space', (l: string) => l.replace('<edXML:OrganId>000.00.00.G12', '<edXML:OrganId> 000.00.00.G12'), `${R}.Receiver[0].OrganId`],
    ['a ReceiverType out of range', (l: string) => l.replace('<edXML:ReceiverType>1<', '<edXML:ReceiverType>7<'), `${R}.Receiver[0].ReceiverType`],
    ['the same receiver twice', (l: string) => l.replace('000.00.00.G22', '000.00.00.G12'), `${R}.Receiver[1].OrganId`],
  ] as const) {
    it(`when an update has ${why}, then ERR_EDXML_INVALID at ${path} (lenient or not)`, () => {
      const written = text(buildEdocPackage(update()));
      const edited = written.replace(/<edXML:ReceiverList>[\s\S]*<\/edXML:ReceiverList>/, (l) => edit(l));
      expect(edited).to.not.equal(written);
      const bad = bytes(edited);
      expect(errorOf(() => parseEdocPackage(bad))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path });
      expect(errorOf(() => readEdocPackage(bad))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path });
    });
  }
  it('when a replace lists no ReplacementInfo or one without agencies, then ERR_EDXML_INVALID', () => {
    const written = text(buildEdocPackage(replace()));
    const none = written.replace(/<edXML:ReplacementInfoList>[\s\S]*<\/edXML:ReplacementInfoList>/, '<edXML:ReplacementInfoList/>');
    expect(errorOf(() => readEdocPackage(bytes(none)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.ReplacementInfoList.ReplacementInfo' });
    const noAgency = written.replace(/<edXML:OrganIdList>[\s\S]*<\/edXML:OrganIdList>/, '<edXML:OrganIdList/>');
    expect(errorOf(() => readEdocPackage(bytes(noAgency)))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'TraceHeaderList.Bussiness.ReplacementInfoList.ReplacementInfo[0].OrganIdList.OrganId' });
  });
  it('when a receiver asks what a package acts on, then a replace names the ReplacementInfo documents listing it, an update its target (new there only if its ReceiverList names it)', () => {
    const G22 = code('000.00.00.G22');
    const H49 = code('000.00.00.H49');
    const target = update().TraceHeaderList.Bussiness.DocumentId!;
    expect(earlierDocumentsFor(update(), G22)).to.deep.equal({ targets: [target], mayBeNew: true });
    expect(earlierDocumentsFor(update(), H49)).to.deep.equal({ targets: [target], mayBeNew: false });
    const two = withBussiness({
      BussinessDocType: 3,
      ReplacementInfoList: [
        { DocumentId: '000.00.00.H27,2024/12/30,44/UBND-NC', OrganIdList: [G22] },
        { DocumentId: '000.00.00.H27,2024/12/30,45/UBND-NC', OrganIdList: [H49, G22] },
      ],
    });
    expect(earlierDocumentsFor(two, G22)).to.deep.equal({ targets: ['000.00.00.H27,2024/12/30,44/UBND-NC', '000.00.00.H27,2024/12/30,45/UBND-NC'], mayBeNew: false });
    expect(earlierDocumentsFor(two, H49)).to.deep.equal({ targets: ['000.00.00.H27,2024/12/30,45/UBND-NC'], mayBeNew: false });
    expect(earlierDocumentsFor(two, code('000.00.00.H27'))).to.deep.equal({ targets: [], mayBeNew: true });
    const bare = withBussiness({ BussinessDocType: 3, ReplacementInfoList: undefined });
    expect(earlierDocumentsFor(bare, G22)).to.deep.equal({ targets: [bare.TraceHeaderList.Bussiness.DocumentId], mayBeNew: false });
    expect(earlierDocumentsFor(withBussiness({ BussinessDocType: 0, DocumentId: undefined }), G22)).to.deep.equal({ targets: [], mayBeNew: true });
  });
});
