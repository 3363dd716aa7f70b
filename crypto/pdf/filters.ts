import { inflateSync } from 'node:zlib';
import { CryptoError } from '../errors.js';
import { limitExceeded, type PdfBudget } from './limits.js';
import { asArray, asDict, asInteger, isName, PdfStream, type PdfObject } from './syntax/objects.js';

/** Upper bound on a decoded stream the reader accepts (xref and object streams, content for analysis). */
const MAX_DECODED = 64 * 1024 * 1024;

function undoPredictor(data: Uint8Array, parms: PdfObject | undefined): Uint8Array {
  const p = asDict(parms);
  const predictor = asInteger(p?.get('Predictor')) ?? 1;
  if (predictor === 1) return data;
  if (predictor === 2) throw new CryptoError('ERR_PDF_UNSUPPORTED', 'TIFF predictor is not supported');
  const colors = asInteger(p?.get('Colors')) ?? 1;
  const bpc = asInteger(p?.get('BitsPerComponent')) ?? 8;
  const columns = asInteger(p?.get('Columns')) ?? 1;
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)]!;
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    for (let i = 0; i < rowLen; i++) {
      const x = data[src + i]!;
      const a = i >= bpp ? out[dst + i - bpp]! : 0;
      const b = r > 0 ? out[dst - rowLen + i]! : 0;
      const c = r > 0 && i >= bpp ? out[dst - rowLen + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + a;
          break;
        case 2:
          v = x + b;
          break;
        case 3:
          v = x + ((a + b) >> 1);
          break;
        case 4: {
          const pa = Math.abs(b - c),
            pb = Math.abs(a - c),
            pc = Math.abs(a + b - 2 * c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new CryptoError('ERR_PDF_MALFORMED', `invalid PNG predictor row type ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

/**
 * Decodes a stream's data (ISO 32000-1 §7.4): FlateDecode with PNG predictors, the only filter the
 * structural streams (xref and object streams) use in practice. Other filters throw ERR_PDF_UNSUPPORTED.
 * With a `budget`, inflation stops at what the file may still inflate (ERR_PDF_LIMIT beyond it); `needed`
 * bounds the output further when the caller knows how much data it can use (an xref stream's rows).
 */
export function decodeStream(stream: PdfStream, budget?: PdfBudget, needed?: number): Uint8Array {
  const f = stream.dict.get('Filter');
  const filters = f === undefined ? [] : Array.isArray(f) ? f : [f];
  const parmsAll = stream.dict.get('DecodeParms');
  let data = stream.raw;
  filters.forEach((filter, i) => {
    const parms = Array.isArray(parmsAll) ? asArray(parmsAll)?.[i] : parmsAll;
    if (isName(filter, 'FlateDecode') || isName(filter, 'Fl')) {
      const byBudget = budget ? budget.inflateRemaining : Infinity;
      const cap = Math.max(1, Math.min(MAX_DECODED, byBudget, needed ?? Infinity));
      try {
        data = inflateSync(data, { maxOutputLength: cap, finishFlush: 2 /* Z_SYNC_FLUSH: tolerate truncated tails */ });
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          if (byBudget <= Math.min(MAX_DECODED, needed ?? Infinity)) throw limitExceeded(`the file's streams inflate to more than ${budget!.limits.maxInflatedBytes} bytes (limit maxInflatedBytes)`);
          if (needed !== undefined && needed <= MAX_DECODED) throw limitExceeded(`a cross-reference stream inflates to more than the ${needed} bytes its /Index needs`);
          throw limitExceeded(`a stream inflates to more than ${MAX_DECODED} bytes`);
        }
        throw new CryptoError('ERR_PDF_MALFORMED', 'invalid FlateDecode stream', { cause: e });
      }
      budget?.spendInflated(data.length);
      data = undoPredictor(data, parms ?? undefined);
    } else {
      throw new CryptoError('ERR_PDF_UNSUPPORTED', `unsupported stream filter ${isName(filter) ? filter.value : '?'}`);
    }
  });
  return data;
}
