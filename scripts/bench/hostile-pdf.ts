/**
 * Hostile PDF shapes for the benchmarks (the construction of test/crypto/pdf/support/hostile.ts), for a file
 * whose newest section is a classic xref table (read from its last trailer, without the crypto internals).
 */
export function emptyRevisionsForBench(pdf: Uint8Array, count: number): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const tail = text.slice(text.lastIndexOf('trailer'));
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(tail)?.[1];
  const size = /\/Size\s+(\d+)/.exec(tail)?.[1];
  const startxref = /startxref\s+(\d+)/.exec(text.slice(text.lastIndexOf('startxref')))?.[1];
  if (!root || !size || !startxref) throw new Error('not a classic-xref PDF');
  const parts: string[] = [];
  let pos = pdf.length;
  let prev = Number(startxref);
  for (let i = 0; i < count; i++) {
    const rev = `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size ${size} /Root ${root} /Prev ${prev} >>\nstartxref\n${pos}\n%%EOF\n`;
    parts.push(rev);
    prev = pos;
    pos += rev.length;
  }
  return Buffer.concat([Buffer.from(pdf), Buffer.from(parts.join(''), 'latin1')]);
}
