import { readFileSync } from 'node:fs';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { run, tempFile } from './tools.js';

/** A document made by pdf-lib (classic xref table, one revision). */
export async function pdfLibDocument(pages = 2, options: { form?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Cong van so 123/UBND-VP, trang ${i + 1}`, { x: 72, y: 760, size: 14, font, color: rgb(0, 0, 0) });
    page.drawRectangle({ x: 72, y: 600, width: 300, height: 100, borderColor: rgb(0, 0, 0), borderWidth: 1 });
  }
  if (options.form) {
    const form = doc.getForm();
    const tf = form.createTextField('ghichu');
    tf.setText('ban dau');
    tf.addToPage(doc.getPage(0), { x: 72, y: 500, width: 200, height: 20 });
  }
  return doc.save({ useObjectStreams: false });
}

/** The same rewritten by qpdf with object streams and a cross-reference stream (PDF 1.5). */
export async function qpdfObjectStreamsDocument(): Promise<Uint8Array> {
  const input = tempFile(await pdfLibDocument(3, { form: true }));
  const out = input.replace(/\.pdf$/, '-objstm.pdf');
  const r = run('qpdf', ['--object-streams=generate', input, out]);
  if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf failed: ${r.stderr}`);
  return new Uint8Array(readFileSync(out));
}

/** A linearized, nested-page-tree document from qpdf. */
export async function qpdfLinearizedDocument(): Promise<Uint8Array> {
  const input = tempFile(await pdfLibDocument(3));
  const out = input.replace(/\.pdf$/, '-lin.pdf');
  const r = run('qpdf', ['--linearize', input, out]);
  if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf failed: ${r.stderr}`);
  return new Uint8Array(readFileSync(out));
}

/**
 * A hand-written PDF 1.4 with a classic xref table, a nested page tree (Pages → Pages → Page), inherited
 * MediaBox, and optional junk before %PDF and after %%EOF.
 */
export function handWrittenDocument(options: { junkBefore?: string; junkAfter?: string } = {}): Uint8Array {
  const content = 'BT /F1 18 Tf 72 720 Td (Hand written classic xref) Tj ET';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 2 /MediaBox [0 0 595 842] >>',
    '<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 6 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 3 0 R /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Page /Parent 3 0 R /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const junk = options.junkBefore ?? '';
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  // Offsets count from %PDF (as Acrobat reads files with junk before the header).
  return new Uint8Array(Buffer.from(junk + body + (options.junkAfter ?? ''), 'latin1'));
}

/**
 * A hand-written hybrid-reference file (ISO 32000-1 §7.5.8.4): a classic xref table whose trailer has
 * /XRefStm pointing at a cross-reference stream that locates the font, compressed in an object stream.
 */
export function hybridDocument(): Uint8Array {
  const content = 'BT /F1 18 Tf 72 720 Td (Hybrid reference file) Tj ET';
  const fontObj = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  const objStmHeader = '5 0 ';
  const objStmData = objStmHeader + fontObj;
  let body = '%PDF-1.5\n%\xe2\xe3\xcf\xd3\n';
  const offsets = new Map<number, number>();
  const put = (num: number, text: string): void => {
    offsets.set(num, Buffer.byteLength(body, 'latin1'));
    body += `${num} 0 obj\n${text}\nendobj\n`;
  };
  put(1, '<< /Type /Catalog /Pages 2 0 R >>');
  put(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  put(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>');
  put(4, `<< /Type /ObjStm /N 1 /First ${objStmHeader.length} /Length ${objStmData.length} >>\nstream\n${objStmData}\nendstream`);
  put(7, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  // The hidden xref stream: one row for object 5 (type 2, in stream 4, index 0); W [1 4 2].
  const row = Buffer.from([2, 0, 0, 0, 4, 0, 0]);
  offsets.set(6, Buffer.byteLength(body, 'latin1'));
  body += `6 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Index [5 1] /Length ${row.length} >>\nstream\n${row.toString('latin1')}\nendstream\nendobj\n`;
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += 'xref\n0 8\n0000000000 65535 f \n';
  for (let n = 1; n < 8; n++) {
    const off = offsets.get(n);
    body += n === 5 || off === undefined ? '0000000000 00001 f \n' : `${String(off).padStart(10, '0')} 00000 n \n`;
  }
  body += `trailer\n<< /Size 8 /Root 1 0 R /XRefStm ${offsets.get(6)} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(body, 'latin1'));
}

/** A pdf-lib document whose author placed empty signature fields (merged field/widget) on page 1. */
export async function documentWithEmptySignatureFields(names: readonly string[]): Promise<Uint8Array> {
  const { PDFName, PDFString } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  const refs = names.map((n, i) => doc.context.register(doc.context.obj({ Type: 'Annot', Subtype: 'Widget', FT: 'Sig', T: PDFString.of(n), Rect: [340, 140 + i * 130, 530, 240 + i * 130], F: 4, P: page.ref })));
  page.node.set(PDFName.of('Annots'), doc.context.obj(refs));
  doc.catalog.set(PDFName.of('AcroForm'), doc.context.obj({ Fields: refs }));
  return doc.save({ useObjectStreams: false });
}
