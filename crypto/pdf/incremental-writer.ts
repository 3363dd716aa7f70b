import { CryptoError } from '../errors.js';
import type { PdfFile } from './pdf-file.js';
import { name, PdfDict, PdfRef, PdfStream, type PdfObject } from './syntax/objects.js';
import { serializeIndirect, serializeObject } from './syntax/serialize.js';

/** Trailer keys that describe one cross-reference section and are never carried over. */
const SECTION_KEYS = ['Prev', 'XRefStm', 'Type', 'W', 'Index', 'Filter', 'DecodeParms', 'Length', 'Size', 'DL', 'F', 'FFilter', 'FDecodeParms'];

/** One object of the new revision, serialized, or a raw chunk the caller patches later (the signature). */
interface Pending {
  readonly ref: PdfRef;
  readonly bytes: Uint8Array;
}

/** The bytes appended to a file, and where each object of the new revision starts in the whole output. */
export interface AppendedRevision {
  /** The whole new file: the original bytes unchanged, then the new revision. */
  readonly bytes: Uint8Array;
  /** Absolute offset of each new object in `bytes`. */
  readonly offsets: ReadonlyMap<number, number>;
}

/**
 * An append-only incremental update (ISO 32000-1 §7.5.6): the original bytes are never touched; new and
 * replaced objects, a cross-reference section of the same kind as the file's newest one, and a trailer that
 * carries /Root, /Info, /ID over with /Prev pointing at the previous section are appended after them.
 */
export class IncrementalWriter {
  private nextNum: number;
  private readonly objects = new Map<number, Pending>();

  constructor(private readonly file: PdfFile) {
    if (file.isEncrypted()) {
      throw new CryptoError('ERR_PDF_ENCRYPTED', 'encrypted PDF files cannot be updated (decrypt them first)');
    }
    this.nextNum = file.size;
  }

  /** A fresh object number. */
  allocate(): PdfRef {
    return new PdfRef(this.nextNum++, 0);
  }

  /** Writes (a new version of) an object. Existing objects keep their generation number. */
  set(ref: PdfRef, value: PdfObject): void {
    this.objects.set(ref.num, { ref, bytes: serializeIndirect(ref.num, ref.gen, value) });
  }

  /** Writes an object from already serialized bytes ("N G obj … endobj\n"). */
  setRaw(ref: PdfRef, bytes: Uint8Array): void {
    this.objects.set(ref.num, { ref, bytes });
  }

  /** A reference to existing object `num` with its current generation. */
  refTo(num: number): PdfRef {
    return new PdfRef(num, this.file.generationOf(num));
  }

  /** Builds the new file. Objects are written in ascending number order. */
  build(): AppendedRevision {
    const src = this.file.bytes;
    const chunks: Uint8Array[] = [src];
    let pos = src.length;
    const last = src[src.length - 1];
    if (last !== 0x0a && last !== 0x0d) {
      const eol = Buffer.from('\n');
      chunks.push(eol);
      pos += 1;
    }
    const offsets = new Map<number, number>();
    const pending = [...this.objects.values()].sort((a, b) => a.ref.num - b.ref.num);
    for (const o of pending) {
      offsets.set(o.ref.num, pos);
      chunks.push(o.bytes);
      pos += o.bytes.length;
    }
    const kind = this.file.sections[0]!.kind;
    const trailer = this.file.trailer.clone();
    for (const k of SECTION_KEYS) trailer.delete(k);
    trailer.set('Prev', this.file.startxref);
    const shift = this.file.shift;
    let tail: Uint8Array;
    if (kind === 'table') {
      const size = Math.max(this.nextNum, this.file.size);
      trailer.set('Size', size);
      const lines: string[] = ['xref\n'];
      const nums = pending.map((p) => p.ref.num);
      for (const run of contiguousRuns(nums)) {
        lines.push(`${run[0]} ${run.length}\n`);
        for (const n of run) {
          const gen = this.objects.get(n)!.ref.gen;
          lines.push(`${String(offsets.get(n)! - shift).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r\n`);
        }
      }
      const xrefAt = pos - shift;
      tail = Buffer.from(`${lines.join('')}trailer\n${serializeObject(trailer)}\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1');
    } else {
      const xrefRef = new PdfRef(this.nextNum++, 0);
      const size = Math.max(this.nextNum, this.file.size);
      const xrefAt = pos;
      offsets.set(xrefRef.num, xrefAt);
      const nums = [...pending.map((p) => p.ref.num), xrefRef.num].sort((a, b) => a - b);
      const maxOffset = xrefAt - shift;
      const w1 = Math.max(1, Math.ceil(Math.log2(maxOffset + 1) / 8));
      const index: number[] = [];
      const rows: number[] = [];
      for (const run of contiguousRuns(nums)) {
        index.push(run[0]!, run.length);
        for (const n of run) {
          rows.push(1, offsets.get(n)! - shift, n === xrefRef.num ? 0 : this.objects.get(n)!.ref.gen);
        }
      }
      const data = new Uint8Array((rows.length / 3) * (1 + w1 + 2));
      for (let r = 0, at = 0; r < rows.length; r += 3) {
        data[at++] = rows[r]!;
        for (let i = w1 - 1; i >= 0; i--) data[at++] = Math.floor(rows[r + 1]! / 2 ** (8 * i)) & 0xff;
        data[at++] = (rows[r + 2]! >> 8) & 0xff;
        data[at++] = rows[r + 2]! & 0xff;
      }
      const dict = new PdfDict(trailer.map);
      dict.set('Type', name('XRef')).set('Size', size).set('W', [1, w1, 2]).set('Index', index);
      const obj = serializeIndirect(xrefRef.num, 0, new PdfStream(dict, data));
      tail = Buffer.concat([obj, Buffer.from(`startxref\n${xrefAt - shift}\n%%EOF\n`, 'latin1')]);
    }
    chunks.push(tail);
    return { bytes: Buffer.concat(chunks), offsets };
  }
}

function contiguousRuns(sorted: number[]): number[][] {
  const runs: number[][] = [];
  for (const n of sorted) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === n - 1) run.push(n);
    else runs.push([n]);
  }
  return runs;
}
