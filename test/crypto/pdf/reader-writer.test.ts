import { expect } from 'chai';
import { IncrementalWriter } from '../../../crypto/pdf/incremental-writer.js';
import { formatIsoWithOffset, formatPdfDate, parsePdfDate } from '../../../crypto/pdf/pdf-date.js';
import { PdfFile } from '../../../crypto/pdf/pdf-file.js';
import { name, PdfDict, PdfName, PdfRef, PdfString } from '../../../crypto/pdf/syntax/objects.js';
import { PdfParser } from '../../../crypto/pdf/syntax/parser.js';
import { serializeObject } from '../../../crypto/pdf/syntax/serialize.js';
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
});
