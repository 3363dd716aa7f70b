import { deflateSync } from 'node:zlib';
import { PdfFile } from '../../../../crypto/pdf/pdf-file.js';

/**
 * Hostile files for the reader's cost caps (issue 11 §2), derived deterministically from a signed PDF (the
 * committed test/vectors/pdf/valid-two-signatures.pdf): nothing random, no key, no clock.
 */

/** `count` empty incremental revisions (each a one-entry xref section and a trailer) appended to `pdf`. */
export function emptyRevisions(pdf: Uint8Array, count: number): Uint8Array {
  const file = PdfFile.open(pdf);
  const root = `${file.rootRef.num} ${file.rootRef.gen} R`;
  const parts: string[] = [];
  let pos = pdf.length;
  let prev = file.startxref;
  if (pdf[pdf.length - 1] !== 0x0a) {
    parts.push('\n');
    pos++;
  }
  for (let i = 0; i < count; i++) {
    const rev = `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size ${file.size} /Root ${root} /Prev ${prev} >>\nstartxref\n${pos}\n%%EOF\n`;
    parts.push(rev);
    prev = pos;
    pos += rev.length;
  }
  return Buffer.concat([Buffer.from(pdf), Buffer.from(parts.join(''), 'latin1')]);
}

/**
 * `count` revisions whose cross-reference streams each inflate to `inflatedBytes` of free entries
 * (/W [1 4 2], /Index claiming every row): a compression bomb in the structure a reader must decode.
 */
export function xrefStreamBomb(pdf: Uint8Array, count: number, inflatedBytes: number): Uint8Array {
  const file = PdfFile.open(pdf);
  const rows = Math.floor(inflatedBytes / 7);
  const data = deflateSync(Buffer.alloc(rows * 7), { level: 9 });
  const chunks: Buffer[] = [Buffer.from(pdf)];
  let pos = pdf.length;
  if (pdf[pdf.length - 1] !== 0x0a) {
    chunks.push(Buffer.from('\n'));
    pos++;
  }
  let prev = file.startxref;
  for (let i = 0; i < count; i++) {
    const num = file.size + i;
    const head = Buffer.from(`${num} 0 obj\n<< /Type /XRef /Size ${rows} /Index [0 ${rows}] /W [1 4 2] /Root ${file.rootRef.num} 0 R /Prev ${prev} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`, 'latin1');
    const tail = Buffer.from(`\nendstream\nendobj\nstartxref\n${pos}\n%%EOF\n`, 'latin1');
    chunks.push(head, data, tail);
    prev = pos;
    pos += head.length + data.length + tail.length;
  }
  return Buffer.concat(chunks);
}

/** The two hostile files of issue 11 §2, from a signed PDF. */
export function hostileFiles(signed: Uint8Array): Array<{ file: string; bytes: Uint8Array; about: string }> {
  return [
    { file: 'hostile-2000-revisions.pdf', bytes: emptyRevisions(signed, 2000), about: '2,000 empty incremental revisions appended to a signed PDF' },
    { file: 'hostile-xref-bomb.pdf', bytes: xrefStreamBomb(signed, 12, 48 * 1024 * 1024), about: '12 compressed cross-reference streams, each inflating to 48 MiB' },
  ];
}
