import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { EDXML_NAMESPACE, buildEdocPackage, detectPackageKind, isRevokePackage, parseEdocPackage, parseXmlSafely } from '../../../../server/domain/edxml/index.js';
import type { EdocPackage, XmlElement } from '../../../../server/domain/edxml/index.js';
import { binaryBytes, bytes, errorOf, fullPackage, minimalPackage, text, vector } from './fixtures.js';

/** Python's ElementTree, an independent parser: every element as {namespace-uri}local. */
function independentTags(xml: Uint8Array): string[] {
  const out = execFileSync('python3', ['-c', 'import sys,xml.etree.ElementTree as E\nfor e in E.fromstring(sys.stdin.buffer.read()).iter(): print(e.tag)'], { input: xml });
  return out.toString('utf8').trim().split('\n');
}

describe('edXML document package (QCVN 102:2016)', () => {
  it('when a full package is built and parsed, then every field comes back equal', () => {
    const pkg = fullPackage();
    expect(parseEdocPackage(buildEdocPackage(pkg))).to.deep.equal(pkg);
  });
  it('when a minimal package is built and parsed, then it comes back equal', () => {
    const pkg = minimalPackage();
    expect(parseEdocPackage(buildEdocPackage(pkg))).to.deep.equal(pkg);
  });
  it('when built twice, then the bytes are identical (deterministic)', () => {
    expect(Buffer.from(buildEdocPackage(fullPackage())).equals(Buffer.from(buildEdocPackage(fullPackage())))).to.equal(true);
  });
  it('when built, then an independent parser sees the edXML namespace on every envelope element and Bussiness with two s', () => {
    const tags = independentTags(buildEdocPackage(fullPackage()));
    const ns = `{${EDXML_NAMESPACE}}`;
    for (const t of ['edXMLEnvelope', 'edXMLHeader', 'MessageHeader', 'TraceHeaderList', 'Bussiness', 'BussinessDocType', 'edXMLBody', 'edXMLManifest', 'Reference', 'ContentTransferEncoded']) {
      expect(tags, t).to.include(ns + t);
    }
    // The vendors' libraries: the outer element and the attachments in the default edXML namespace.
    expect(tags[0]).to.equal(`${ns}edXML`);
    expect(tags).to.include(`${ns}AttachmentEncoded`);
  });
  it('when a revoke names no Bussiness/DocumentId (as the public SDKs build it), then its target is the MessageHeader/DocumentId', () => {
    const pkg = fullPackage();
    const revoke: EdocPackage = { ...pkg, TraceHeaderList: { ...pkg.TraceHeaderList, Bussiness: { BussinessDocType: 1, BussinessDocReason: 'Thu hồi', DocumentId: pkg.MessageHeader.DocumentId, Paper: 0 } } };
    const written = text(buildEdocPackage(revoke));
    const sdkStyle = new TextEncoder().encode(written.replace(/(<edXML:Bussiness>[\s\S]*?)<edXML:DocumentId>[^<]*<\/edXML:DocumentId>\s*/, '$1'));
    expect(/<edXML:Bussiness>[\s\S]*<edXML:DocumentId>[\s\S]*<\/edXML:Bussiness>/.test(text(sdkStyle))).to.equal(false);
    const read = parseEdocPackage(sdkStyle);
    expect(isRevokePackage(read)).to.equal(true);
    expect(read.TraceHeaderList.Bussiness.DocumentId).to.equal(pkg.MessageHeader.DocumentId);
  });
  it("when built, then the order is the vendors' (Bussiness before TraceHeader, ToPlaces last), the manifest is version 1.0, zipped files are labelled application/zip", () => {
    const pkg = fullPackage();
    const zipped: EdocPackage = { ...pkg, Attachments: [{ ...pkg.Attachments[0]!, Zipped: true }] };
    const root = parseXmlSafely(buildEdocPackage(zipped), { maxBytes: 1e8, maxDepth: 32, maxElements: 1e5 });
    const find = (e: XmlElement, local: string): XmlElement => {
      if (e.local === local) return e;
      for (const c of e.children) {
        try {
          return find(c, local);
        } catch {
          /* keep looking */
        }
      }
      throw new Error(`no ${local}`);
    };
    const trace = find(root, 'TraceHeaderList').children.map((c) => c.local);
    expect(trace.indexOf('Bussiness')).to.be.lessThan(trace.indexOf('TraceHeader'));
    const header = find(root, 'MessageHeader').children.map((c) => c.local);
    expect(header[header.length - 1]).to.equal('ToPlaces');
    expect(header.indexOf('SteeringType')).to.be.lessThan(header.indexOf('ToPlaces'));
    expect(find(root, 'edXMLManifest').attrs.version).to.equal('1.0');
    expect(find(find(root, 'edXMLManifest'), 'ContentType').text).to.equal('application/zip');
    expect(find(find(root, 'AttachmentEncoded'), 'ContentType').text).to.equal('application/zip');
    const back = parseEdocPackage(buildEdocPackage(zipped)).Attachments[0]!;
    expect(back).to.include({ Zipped: true, ContentType: 'application/pdf' });
  });
  it('when built, then envelope elements are written with the explicit edXML: prefix', () => {
    const root = parseXmlSafely(buildEdocPackage(fullPackage()), { maxBytes: 1e8, maxDepth: 32, maxElements: 1e5 });
    const envelope = root.children.find((c) => c.local === 'edXMLEnvelope')!;
    const walk = (e: XmlElement): void => {
      expect(e.name.startsWith('edXML:'), e.name).to.equal(true);
      e.children.forEach(walk);
    };
    walk(envelope);
  });
  it('when built, then dates use yyyy/MM/dd and the DocumentId is composite', () => {
    const xml = text(buildEdocPackage(fullPackage()));
    expect(xml).to.contain('<edXML:PromulgationDate>2024/12/31</edXML:PromulgationDate>');
    expect(xml).to.contain('<edXML:DocumentId>000.00.00.H27,2024/12/31,45/UBND-NC</edXML:DocumentId>');
    expect(xml).to.contain('<edXML:Timestamp>2024/12/31 23:59:59</edXML:Timestamp>');
  });

  it('when an attachment is several megabytes, then it round-trips byte for byte (bulk text path)', () => {
    const pkg = minimalPackage();
    const content = binaryBytes(3 * 1024 * 1024 + 1);
    const big: EdocPackage = { ...pkg, Attachments: [{ ContentId: 'cid:big', AttachmentName: 'big.pdf', ContentType: 'application/pdf', Content: content, Zipped: false }] };
    const back = parseEdocPackage(buildEdocPackage(big));
    expect(Buffer.from(back.Attachments[0]!.Content).equals(Buffer.from(content))).to.equal(true);
  });
  it('when the text holds the non-character U+FFFE, then ERR_XML_MALFORMED', () => {
    const s = text(vector('sample-vpcp.edxml')).replace('<edXML:Subject>', '<edXML:Subject>\uFFFE0\uFFFE');
    expect(errorOf(() => parseEdocPackage(bytes(s))).code).to.equal('ERR_XML_MALFORMED');
  });

  it('when the hand-written sample shaped like the public ones is parsed, then its fields are read', () => {
    const pkg = parseEdocPackage(vector('sample-vpcp.edxml'));
    const h = pkg.MessageHeader;
    expect(h.From.OrganId).to.equal('000.00.00.G22');
    expect(h.From.Fax).to.equal(undefined);
    expect(h.To.map((t) => t.OrganId)).to.deep.equal(['000.00.00.G12', '000.00.00.H27']);
    expect(h.Subject).to.contain('điện tử & ký số');
    expect(h.Content).to.equal('Đề nghị các cơ quan <đúng hạn> báo cáo kết quả.');
    expect(h.OtherInfo.Priority).to.equal(1);
    expect(h.OtherInfo.Direction).to.equal(false);
    expect(h.ToPlaces).to.deep.equal(['Như trên', 'Lưu: VT, KSTT']);
    expect(pkg.TraceHeaderList.Bussiness).to.deep.include({ BussinessDocType: 0, Paper: 0 });
    expect(pkg.Attachments).to.have.length(1);
    expect(text(pkg.Attachments[0]!.Content).startsWith('%PDF-1.4')).to.equal(true);
    expect(pkg.Attachments[0]!.Zipped).to.equal(false);
    expect(detectPackageKind(vector('sample-vpcp.edxml'))).to.equal('edoc');
    expect(isRevokePackage(pkg)).to.equal(false);
  });
  it('when the sample is rebuilt from what was parsed, then parsing the rebuilt bytes gives the same package', () => {
    const pkg = parseEdocPackage(vector('sample-vpcp.edxml'));
    expect(parseEdocPackage(buildEdocPackage(pkg))).to.deep.equal(pkg);
  });

  describe('refusals (one vector per failure mode, test/vectors/edxml/expected.json)', () => {
    const expected = JSON.parse(text(vector('expected.json'))) as { invalid: { file: string; code: string; path?: string }[] };
    for (const v of expected.invalid) {
      it(`when ${v.file} is parsed, then ${v.code}${v.path ? ` at ${v.path}` : ''}`, () => {
        const err = errorOf(() => parseEdocPackage(vector(v.file)));
        expect(err.code).to.equal(v.code);
        if (v.path) expect(err.path).to.equal(v.path);
      });
    }
  });

  describe('limits and field checks', () => {
    const good = (): string => text(vector('sample-vpcp.edxml'));
    it('when the package exceeds maxBytes, then ERR_XML_TOO_LARGE before parsing', () => {
      expect(errorOf(() => parseEdocPackage(vector('sample-vpcp.edxml'), { maxBytes: 1000 })).code).to.equal('ERR_XML_TOO_LARGE');
    });
    it('when the package holds more elements than allowed, then ERR_XML_TOO_LARGE', () => {
      expect(errorOf(() => parseEdocPackage(vector('sample-vpcp.edxml'), { maxElements: 20 })).code).to.equal('ERR_XML_TOO_LARGE');
    });
    it('when the same bytes are parsed again, then the same frozen tree comes back; changed in between, or under lower limits, they are read again', () => {
      const b = vector('sample-vpcp.edxml').slice();
      const limits = { maxBytes: 1e8, maxDepth: 32, maxElements: 1e5 };
      const first = parseXmlSafely(b, limits);
      expect(parseXmlSafely(b, limits)).to.equal(first);
      expect(Object.isFrozen(first) && Object.isFrozen(first.children)).to.equal(true);
      expect(errorOf(() => parseXmlSafely(b, { ...limits, maxDepth: 4 })).code).to.equal('ERR_XML_TOO_DEEP');
      expect(errorOf(() => parseXmlSafely(b, { ...limits, maxElements: 20 })).code).to.equal('ERR_XML_TOO_LARGE');
      const at = Buffer.from(b).indexOf('<edXML:Subject>') + '<edXML:Subject>'.length;
      b[at] = 0x51; // 'Q'
      const again = parseXmlSafely(b, limits);
      expect(again).to.not.equal(first);
      const subject = (e: XmlElement): string | undefined => (e.local === 'Subject' ? e.text : e.children.map(subject).find((t) => t !== undefined));
      expect(subject(again)?.[0]).to.equal('Q');
      b[at] = 0xff;
      expect(errorOf(() => parseXmlSafely(b, limits)).code).to.equal('ERR_XML_MALFORMED');
    });
    it('when a lower depth limit is set, then ERR_XML_TOO_DEEP', () => {
      expect(errorOf(() => parseEdocPackage(vector('sample-vpcp.edxml'), { maxDepth: 4 })).code).to.equal('ERR_XML_TOO_DEEP');
    });
    it('when elements nest 200,000 deep, then ERR_XML_TOO_DEEP without recursion', () => {
      const n = 200_000;
      const s = `<edXML xmlns:edXML="${EDXML_NAMESPACE}">${'<a>'.repeat(n)}${'</a>'.repeat(n)}</edXML>`;
      expect(errorOf(() => parseEdocPackage(bytes(s))).code).to.equal('ERR_XML_TOO_DEEP');
    });
    it('when a million empty elements are sent, then ERR_XML_TOO_LARGE', () => {
      const s = `<edXML xmlns:edXML="${EDXML_NAMESPACE}">${'<a/>'.repeat(1_000_000)}</edXML>`;
      expect(errorOf(() => parseEdocPackage(bytes(s))).code).to.equal('ERR_XML_TOO_LARGE');
    });
    it('when the bytes are not UTF-8, then ERR_XML_MALFORMED', () => {
      const b = vector('sample-vpcp.edxml').slice();
      b[200] = 0xff;
      expect(errorOf(() => parseEdocPackage(b)).code).to.equal('ERR_XML_MALFORMED');
    });
    it('when a lower-case doctype hides in the text, then ERR_XML_FORBIDDEN_CONSTRUCT', () => {
      expect(errorOf(() => parseEdocPackage(bytes(good().replace('<edXML xmlns', '<!doctype x><edXML xmlns')))).code).to.equal('ERR_XML_FORBIDDEN_CONSTRUCT');
    });
    it('when an element uses an unbound prefix, then ERR_XML_MALFORMED', () => {
      expect(errorOf(() => parseEdocPackage(bytes(good().replace('<edXML:Subject>', '<x:Subject>').replace('</edXML:Subject>', '</x:Subject>')))).code).to.equal('ERR_XML_MALFORMED');
    });
    it('when the root is something else, then ERR_EDXML_INVALID', () => {
      expect(errorOf(() => parseEdocPackage(bytes('<html><body/></html>'))).code).to.equal('ERR_EDXML_INVALID');
    });
    it('when a status package is given to the document parser, then ERR_EDXML_INVALID', () => {
      const s = good().replace(/<edXML:MessageHeader>[\s\S]*<\/edXML:MessageHeader>/, '<edXML:Status/>');
      expect(errorOf(() => parseEdocPackage(bytes(s))).code).to.equal('ERR_EDXML_INVALID');
    });
    const mutations: [string, (s: string) => string, string][] = [
      ['no recipient', (s) => s.replace(/<edXML:To>[\s\S]*?<\/edXML:To>/g, ''), 'MessageHeader.To'],
      ['a duplicate recipient', (s) => s.replace('000.00.00.H27</edXML:OrganId>\n          <edXML:OrganName>Ủy', '000.00.00.G12</edXML:OrganId>\n          <edXML:OrganName>Ủy'), 'MessageHeader.To[1].OrganId'],
      ['two From', (s) => s.replace('<edXML:To>', '<edXML:From><edXML:OrganId>000.00.00.G09</edXML:OrganId><edXML:OrganName>x</edXML:OrganName></edXML:From><edXML:To>'), 'MessageHeader.From'],
      ['a date not written yyyy/MM/dd', (s) => s.replace('<edXML:DueDate>2024/05/31', '<edXML:DueDate>31/05/2024'), 'MessageHeader.DueDate'],
      ['a trace time out of range', (s) => s.replace('2024/05/02 09:15:00', '2024/05/02 24:15:00'), 'TraceHeaderList.TraceHeader[0].Timestamp'],
      ['BussinessDocType 4', (s) => s.replace('<edXML:BussinessDocType>0', '<edXML:BussinessDocType>4'), 'TraceHeaderList.Bussiness.BussinessDocType'],
      ['an update without its target', (s) => s.replace('<edXML:BussinessDocType>0', '<edXML:BussinessDocType>2'), 'TraceHeaderList.Bussiness.DocumentId'],
      ['a negative Priority', (s) => s.replace('<edXML:Priority>1', '<edXML:Priority>-1'), 'MessageHeader.OtherInfo.Priority'],
      ['a ContentId without cid:', (s) => s.replaceAll('cid:6f1c2a0e', '6f1c2a0e'), 'edXMLManifest.Reference[0].ContentId'],
      ['an attachment missing from the manifest', (s) => s.replace(/<edXML:Reference>[\s\S]*<\/edXML:Reference>/, ''), 'AttachmentEncoded.Attachment[0].ContentId'],
      ['a manifest name differing from the attachment', (s) => s.replace('<edXML:AttachmentName>123-VPCP-KSTT.signed.pdf', '<edXML:AttachmentName>other.pdf'), 'edXMLManifest.Reference[0].AttachmentName'],
      ['an unprefixed envelope in no namespace', (s) => s.replace('<edXML:edXMLEnvelope>', '<edXMLEnvelope>').replace('</edXML:edXMLEnvelope>', '</edXMLEnvelope>'), 'edXML.edXMLEnvelope'],
    ];
    for (const [why, mutate, path] of mutations) {
      it(`when the package has ${why}, then ERR_EDXML_INVALID at ${path}`, () => {
        const changed = mutate(good());
        expect(changed).to.not.equal(good());
        const err = errorOf(() => parseEdocPackage(bytes(changed)));
        expect(err).to.deep.equal({ code: 'ERR_EDXML_INVALID', path });
      });
    }
    it('when an attachment is not base64, then ERR_ATTACHMENT_INVALID', () => {
      const s = good().replace('<edXML:ContentTransferEncoded>', '<edXML:ContentTransferEncoded>!!');
      expect(errorOf(() => parseEdocPackage(bytes(s))).code).to.equal('ERR_ATTACHMENT_INVALID');
    });
    it('when an attachment is larger than allowed, then ERR_ATTACHMENT_TOO_LARGE', () => {
      expect(errorOf(() => parseEdocPackage(vector('sample-vpcp.edxml'), { maxAttachmentBytes: 10 })).code).to.equal('ERR_ATTACHMENT_TOO_LARGE');
    });
    it('when a package is built with an invalid field, then ERR_EDXML_INVALID with its path', () => {
      const pkg = minimalPackage();
      const bad: EdocPackage = { ...pkg, MessageHeader: { ...pkg.MessageHeader, DueDate: '2023/02/29' } };
      expect(errorOf(() => buildEdocPackage(bad))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.DueDate' });
    });
    it('when a value has white space at its ends, then building refuses it with its path (it would not read back equal)', () => {
      const pkg = minimalPackage();
      const bad: EdocPackage = { ...pkg, MessageHeader: { ...pkg.MessageHeader, Subject: ' Trích yếu ' } };
      expect(errorOf(() => buildEdocPackage(bad))).to.deep.equal({ code: 'ERR_EDXML_INVALID', path: 'MessageHeader.Subject' });
    });
    it('when text holds characters XML cannot carry, then building is refused as misuse', () => {
      const pkg = minimalPackage();
      expect(() => buildEdocPackage({ ...pkg, MessageHeader: { ...pkg.MessageHeader, Subject: 'a\u0001b' } })).to.throw(TypeError);
    });
  });
});
