import { expect } from 'chai';
import { CryptoError } from '../../../crypto/errors.js';
import { PdfString } from '../../../crypto/pdf/syntax/objects.js';
import { PdfParser } from '../../../crypto/pdf/syntax/parser.js';

/** ISO 32000-1 §7.3.4.3 read naively: white space ignored, an odd final digit completed by 0. */
function reference(digits: string): Uint8Array {
  const clean = digits.replace(/[\0\t\n\f\r ]/g, '');
  return Uint8Array.from(Buffer.from(clean.length % 2 ? `${clean}0` : clean, 'hex'));
}

/** A small deterministic generator, so a failure names its case. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function parse(digits: string): PdfString {
  const text = `[<${digits}>]`;
  return (new PdfParser(Buffer.from(text, 'latin1')).parseObject(0) as PdfString[])[0]!;
}

describe('crypto/pdf string objects', () => {
  it('when long and short hex strings with padding, white space, odd lengths and both cases are parsed, then the bytes are the reference decoding', () => {
    const cases: string[] = ['', '0', '7', '00', 'a', '4a6', '0'.repeat(5000), `${'ab'.repeat(300)}${'0'.repeat(9001)}`, `${'ab'.repeat(300)}${'0'.repeat(9000)}7`, `${'ab'.repeat(300)}7${'0'.repeat(4097)}`];
    const rnd = lcg(15);
    for (let k = 0; k < 300; k++) {
      const len = Math.floor(rnd() * 3000);
      let d = '';
      for (let i = 0; i < len; i++) d += '0123456789abcdefABCDEF'[Math.floor(rnd() * 22)]!;
      if (rnd() < 0.5) d += '0'.repeat(Math.floor(rnd() * 9000));
      if (rnd() < 0.3) {
        const at = Math.floor(rnd() * (d.length + 1));
        d = `${d.slice(0, at)}${[' ', '\n', '\r\n', '\t', '\f', '\0'][Math.floor(rnd() * 6)]}${d.slice(at)}`;
      }
      if (rnd() < 0.3) d += 'f';
      cases.push(d);
    }
    for (const d of cases) {
      const s = parse(d);
      expect(Buffer.from(s.bytes).toString('hex'), `case of ${d.length} digits`).to.equal(Buffer.from(reference(d)).toString('hex'));
      expect(s.hex).to.equal(true);
      expect([s.start, s.end]).to.deep.equal([1, d.length + 3]);
    }
  });

  it('when a long hex string holds a byte that is neither a digit nor white space, then it is refused with ERR_PDF_MALFORMED', () => {
    for (const d of [`${'ab'.repeat(400)}g${'0'.repeat(600)}`, `${'ab'.repeat(400)}${'0'.repeat(600)}x`, `x${'ab'.repeat(400)}`]) {
      let err: unknown;
      try {
        parse(d);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(CryptoError);
      expect((err as CryptoError).code).to.equal('ERR_PDF_MALFORMED');
    }
  });

  it('when literal strings with and without escapes and nested parentheses are parsed, then the bytes are what they stand for', () => {
    const cases: Array<[string, string]> = [
      ['()', ''],
      ['(plain text)', 'plain text'],
      ['(a (nested (twice)) b)', 'a (nested (twice)) b'],
      ['(D:20261201230158Z)', 'D:20261201230158Z'],
      ['(tab\\there \\(x\\) \\101\\\\)', 'tab\there (x) A\\'],
      ['(split \\\nline)', 'split line'],
    ];
    for (const [text, want] of cases) {
      const s = (new PdfParser(Buffer.from(`[${text}]`, 'latin1')).parseObject(0) as PdfString[])[0]!;
      expect(Buffer.from(s.bytes).toString('latin1'), text).to.equal(want);
      expect(s.hex).to.equal(false);
      expect([s.start, s.end]).to.deep.equal([1, text.length + 1]);
      expect(s.bytes).to.be.instanceOf(Uint8Array);
      expect(Buffer.isBuffer(s.bytes), 'a copy, not a view of the file').to.equal(false);
    }
  });

  it('when a literal string is not closed, then it is refused with ERR_PDF_MALFORMED', () => {
    for (const text of ['(no end', '(one (inner) open', '(escaped end\\)']) {
      let err: unknown;
      try {
        new PdfParser(Buffer.from(text, 'latin1')).parseObject(0);
      } catch (e) {
        err = e;
      }
      expect((err as CryptoError).code, text).to.equal('ERR_PDF_MALFORMED');
    }
  });
});
