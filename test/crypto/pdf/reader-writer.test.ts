import { expect } from 'chai';
import { IncrementalWriter } from '../../../crypto/pdf/incremental-writer.js';
import { formatIsoWithOffset, formatPdfDate, parsePdfDate } from '../../../crypto/pdf/pdf-date.js';
import { PdfFile } from '../../../crypto/pdf/pdf-file.js';
import { name, PdfDict, PdfName, PdfRef, PdfString } from '../../../crypto/pdf/syntax/objects.js';
import { PdfParser } from '../../../crypto/pdf/syntax/parser.js';
import { serializeObject } from '../../../crypto/pdf/syntax/serialize.js';
import { readSection } from '../../../crypto/pdf/xref.js';
import { handWrittenDocument, qpdfObjectStreamsDocument } from './support/inputs.js';
import { qpdfCheck } from './support/tools.js';

describe('crypto/pdf reader and incremental writer', () => {
  it('when objects are parsed, then names, strings, references and hex string offsets come out right', () => {
    const text = '<< /A#20B (x\\(y\\)\\101) /C [1 0 R 2 -3.5 true null] /D <48 6 5> /E << /F /G >> >>';
    const p = new PdfParser(Buffer.from(text, 'latin1'), 0, 100);
    const d = p.parseObject(0) as PdfDict;
    expect(d.has('A B')).to.equal(true);
    expect(Buffer.from((d.get('A B') as PdfString).bytes).toString('latin1')).to.equal('x(y)A');
    const arr = d.get('C') as unknown[];
    expect(arr[0]).to.be.instanceOf(PdfRef);
    expect(arr.slice(1)).to.deep.equal([2, -3.5, true, null]);
    const hex = d.get('D') as PdfString;
    expect(Buffer.from(hex.bytes).toString('latin1')).to.equal('He');
    expect(hex.start).to.equal(100 + text.indexOf('<48'));
    expect(hex.end).to.equal(100 + text.indexOf('>', text.indexOf('<48')) + 1);
    expect(serializeObject(new PdfParser(Buffer.from(serializeObject(d), 'latin1')).parseObject(0))).to.equal(serializeObject(d));
  });

  it('when a classic file gets an update, then the original bytes are untouched, /Prev points at the old xref and /ID and /Root carry over', () => {
    const input = handWrittenDocument();
    const file = PdfFile.open(input);
    const w = new IncrementalWriter(file);
    const ref = w.allocate();
    w.set(ref, new PdfDict().set('Type', name('Test')));
    const out = w.build().bytes;
    expect(Buffer.from(out.subarray(0, input.length)).equals(Buffer.from(input))).to.equal(true);
    const again = PdfFile.open(out);
    expect(again.sections).to.have.length(2);
    expect(again.sections[0]!.kind).to.equal('table');
    expect(again.trailer.get('Prev')).to.equal(file.startxref);
    expect(serializeObject(again.trailer.get('ID')!)).to.equal(serializeObject(file.trailer.get('ID')!));
    expect((again.trailer.get('Root') as PdfRef).num).to.equal(1);
    expect((again.getObject(ref.num) as PdfDict).get('Type')).to.deep.equal(new PdfName('Test'));
    expect(ref.num).to.equal(file.size);
    expect(qpdfCheck(out).status).to.equal(0);
  });

  it('when a file with object streams gets an update, then the new section is an xref stream and compressed objects still resolve', async () => {
    const input = await qpdfObjectStreamsDocument();
    const file = PdfFile.open(input);
    expect([...file.table.values()].some((e) => e.type === 2)).to.equal(true);
    const w = new IncrementalWriter(file);
    w.set(file.rootRef, file.catalog.clone().set('Lang', new PdfString(Buffer.from('vi'), false)));
    const out = w.build().bytes;
    const again = PdfFile.open(out);
    expect(again.sections[0]!.kind).to.equal('stream');
    expect(again.catalog.has('Lang')).to.equal(true);
    expect(again.pageRefs()).to.have.length(3);
    const q = qpdfCheck(out);
    expect(q.status, q.text).to.equal(0);
  });

  it('when PDF dates are written and read, then they round-trip with the +07:00 offset', () => {
    const d = new Date('2026-11-23T02:15:00Z');
    expect(formatPdfDate(d)).to.equal("D:20261123091500+07'00'");
    expect(formatPdfDate(d, 0)).to.equal('D:20261123021500Z');
    expect(formatIsoWithOffset(d)).to.equal('2026-11-23T09:15:00+07:00');
    expect(parsePdfDate("D:20261123091500+07'00'")!.toISOString()).to.equal(d.toISOString());
    expect(parsePdfDate('D:2026')!.toISOString()).to.equal('2026-01-01T00:00:00.000Z');
    expect(parsePdfDate('yesterday')).to.equal(undefined);
  });
  it('when hex strings, numbers and names take the fast paths, then they read as the token path reads them', () => {
    const parse = (text: string) => new PdfParser(Buffer.from(text, 'latin1')).parseObject(0);
    const hex = (text: string) => Buffer.from((parse(text) as PdfString).bytes).toString('hex');
    expect(hex('<4a6B>')).to.equal('4a6b');
    expect(hex('<4a 6 b>')).to.equal('4a6b');
    expect(hex('<4a6>')).to.equal('4a60');
    // The zero padding of a /Contents: runs of "0" longer than a comparison block, with data on both sides.
    const padded = `ab${'0'.repeat(5000)}cd${'0'.repeat(4097)}`;
    expect(hex(`<${padded}>`)).to.equal(padded + (padded.length % 2 ? '0' : ''));
    expect(hex(`<${'0'.repeat(300)} 1>`)).to.equal(`${'0'.repeat(300)}10`);
    for (const bad of ['<4x>', `<${'0'.repeat(600)}g0>`, '<4a'])
      expect(() => parse(bad))
        .to.throw()
        .with.property('code', 'ERR_PDF_MALFORMED');
    expect(parse('[12 0 R 7 12 0 123456789012345 -1 2.5]')).to.deep.equal([new PdfRef(12, 0), 7, 12, 0, 123456789012345, -1, 2.5]);
    const arr = parse('[5 % comment\n 0 % another\n R 9 00000000000000000002 R 1234567890123456 0 R]') as unknown[];
    expect(arr[0]).to.deep.equal(new PdfRef(5, 0));
    expect(arr[1]).to.deep.equal(new PdfRef(9, 2));
    expect(arr[2]).to.deep.equal(new PdfRef(1234567890123456, 0));
    expect(() => parse('[4 12a]'))
      .to.throw()
      .with.property('code', 'ERR_PDF_MALFORMED');
    expect((parse('/Name#20With#23Escape') as PdfName).value).to.equal('Name With#Escape');
    expect((parse('/Plain/Next') as PdfName).value).to.equal('Plain');
  });

  it("when a revision view holds an object whose text runs past the end of that revision, then it reads its own bytes, not the whole file's parse", () => {
    // Object 3 of revision 1 is "12 0" at the end of that revision; in the whole file the bytes after it make it "12 0 R".
    let rev1 = '%PDF-1.4\n';
    const o1 = rev1.length;
    rev1 += '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n';
    const o2 = rev1.length;
    rev1 += '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n';
    const x1 = rev1.length;
    const o3 = x1 + 200;
    const entry = (n: number) => `${String(n).padStart(10, '0')} 00000 n \n`;
    rev1 += `xref\n0 4\n0000000000 65535 f \n${entry(o1)}${entry(o2)}${entry(o3)}trailer << /Size 4 /Root 1 0 R >>\nstartxref\n${x1}\n`;
    rev1 = rev1.padEnd(o3, ' ') + '3 0 obj 12 0 %%EOF\n';
    const x2 = rev1.length + 2;
    const all = `${rev1}R\nxref\n0 1\n0000000000 65535 f \ntrailer << /Size 4 /Root 1 0 R /Prev ${x1} >>\nstartxref\n${x2}\n%%EOF\n`;
    const bytes = new Uint8Array(Buffer.from(all, 'latin1'));
    for (const wholeFirst of [true, false]) {
      const file = PdfFile.open(bytes);
      expect(file.sections).to.have.length(2);
      const first = file.sections[1]!;
      const end = file.revisionEnd(first);
      expect(end).to.equal(rev1.length);
      const earlier = file.revision(first.offset, end);
      if (wholeFirst) expect(file.getObject(3)).to.deep.equal(new PdfRef(12, 0));
      expect(earlier.getObject(3)).to.equal(12);
      expect(file.getObject(3)).to.deep.equal(new PdfRef(12, 0));
      expect(earlier.getObject(2)).to.equal(file.getObject(2)); // a parse that stays inside the revision is shared
    }
  });

  it('when xref entries are written with other spacing than the fixed 20-byte form, then they read the same', () => {
    const text = (sep: string) => `xref\n0 3\n0000000000 65535 f${sep}0000000015 00000 n${sep}0000000072 00002 n${sep}trailer\n<< /Size 3 >>\n`;
    const read = (t: string) => [...readSection(new Uint8Array(Buffer.from(t, 'latin1')), 0, 0).entries];
    const fixed = read(text(' \n'));
    expect(fixed).to.deep.equal([
      [0, { type: 0 }],
      [1, { type: 1, offset: 15, gen: 0 }],
      [2, { type: 1, offset: 72, gen: 2 }],
    ]);
    expect(read(text('\r\n'))).to.deep.equal(fixed);
    expect(read(text('\n'))).to.deep.equal(fixed);
    expect(read(`xref\n0 3\n0 65535 f\n15  0 n\n72 2 n\ntrailer\n<< /Size 3 >>\n`)).to.deep.equal(fixed);
    expect(() => read(`xref\n0 1\n0000000015 00000 nx\ntrailer\n<< /Size 1 >>\n`))
      .to.throw()
      .with.property('code', 'ERR_PDF_MALFORMED');
  });
});
