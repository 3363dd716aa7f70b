import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  // PDF has no exponent notation (§7.3.3).
  let s = n.toFixed(6);
  s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function formatName(n: string): string {
  let out = '/';
  for (const ch of Buffer.from(n, 'latin1')) {
    const regular = ch > 0x20 && ch < 0x7f && !'()<>[]{}/%#'.includes(String.fromCharCode(ch));
    out += regular ? String.fromCharCode(ch) : '#' + ch.toString(16).padStart(2, '0');
  }
  return out;
}

function formatString(s: PdfString): string {
  if (s.hex || s.bytes.some((c) => c < 0x20 || c > 0x7e)) return '<' + Buffer.from(s.bytes).toString('hex') + '>';
  let out = '(';
  for (const c of s.bytes) {
    if (c === 0x28 || c === 0x29 || c === 0x5c) out += '\\';
    out += String.fromCharCode(c);
  }
  return out + ')';
}

/** Serializes a direct object (streams are handled by {@link serializeIndirect}). Latin-1 text. */
export function serializeObject(o: PdfObject): string {
  if (o === null) return 'null';
  if (typeof o === 'boolean') return o ? 'true' : 'false';
  if (typeof o === 'number') return formatNumber(o);
  if (o instanceof PdfName) return formatName(o.value);
  if (o instanceof PdfRef) return `${o.num} ${o.gen} R`;
  if (o instanceof PdfString) return formatString(o);
  if (Array.isArray(o)) return '[' + o.map(serializeObject).join(' ') + ']';
  if (o instanceof PdfDict) {
    let out = '<<';
    for (const [k, v] of o.map) out += formatName(k) + ' ' + serializeObject(v);
    return out + '>>';
  }
  if (o instanceof PdfStream) throw new TypeError('a stream cannot be a direct object');
  throw new TypeError('not a PDF object');
}

/** Serializes "num gen obj … endobj" with a trailing EOL, as bytes. Stream /Length is set from the data. */
export function serializeIndirect(num: number, gen: number, o: PdfObject): Uint8Array {
  if (o instanceof PdfStream) {
    const dict = o.dict.clone().set('Length', o.raw.length);
    const head = Buffer.from(`${num} ${gen} obj\n${serializeObject(dict)}\nstream\n`, 'latin1');
    const tail = Buffer.from('\nendstream\nendobj\n', 'latin1');
    return Buffer.concat([head, o.raw, tail]);
  }
  return Buffer.from(`${num} ${gen} obj\n${serializeObject(o)}\nendobj\n`, 'latin1');
}
