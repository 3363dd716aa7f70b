import type { IncrementalWriter } from '../incremental-writer.js';
import { name, PdfDict, PdfRef, PdfStream, type PdfObject } from '../syntax/objects.js';
import type { ObjectSink } from './from-pdf-lib.js';

export type Rgb = readonly [number, number, number];

/** A number as a short PDF operand (at most 3 decimals, no trailing zeros, never "-0"). */
export const fmt = (n: number): string => {
  const s = n.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
};

/** One glyph of the embedded subset: its code in the content stream (hex, Identity-H or WinAnsi) and advance at size 1. */
export interface Glyph {
  readonly hex: string;
  readonly width: number;
}

/**
 * Collects the objects of an appearance under local references (negative numbers), so one drawing can be
 * written into many incremental updates, each time under fresh object numbers.
 */
export class TemplateSink implements ObjectSink {
  readonly objects: { ref: PdfRef; value: PdfObject }[] = [];
  private count = 0;
  allocate(): PdfRef {
    return new PdfRef(-++this.count, 0);
  }
  set(ref: PdfRef, value: PdfObject): void {
    const i = -ref.num - 1;
    this.objects[i] = { ref, value };
  }
}

function remap(o: PdfObject, refs: readonly PdfRef[]): PdfObject {
  if (o instanceof PdfRef) return o.num < 0 ? refs[-o.num - 1]! : o;
  if (Array.isArray(o)) return o.map((x) => remap(x, refs));
  if (o instanceof PdfDict) {
    const d = new PdfDict();
    for (const [k, v] of o.map) d.set(k, remap(v, refs));
    return d;
  }
  if (o instanceof PdfStream) return new PdfStream(remap(o.dict, refs) as PdfDict, o.raw);
  return o;
}

/**
 * A drawn appearance that does not change between documents: a form XObject (ISO 32000-1 §8.10) with its
 * font subset and images, plus the codes and widths of the glyphs reserved in that subset for text that
 * does change (the signing time). {@link AppearanceTemplate.render} writes it into an update under new
 * object numbers and wraps it in an outer form that adds the changing text, so the font is subset once.
 */
export class AppearanceTemplate {
  constructor(
    readonly width: number,
    readonly height: number,
    /** The objects, under local references; `inner` and `font` point among them. */
    private readonly objects: readonly { ref: PdfRef; value: PdfObject }[],
    private readonly inner: PdfRef,
    private readonly font: PdfRef | undefined,
    private readonly glyphs: ReadonlyMap<string, Glyph>,
  ) {}

  /** True when every character of `text` has a reserved glyph. */
  canShow(text: string): boolean {
    return [...text.normalize('NFC')].every((c) => this.glyphs.has(c));
  }

  textWidth(text: string, size: number): number {
    let w = 0;
    for (const c of text.normalize('NFC')) w += this.glyphs.get(c)?.width ?? 0;
    return w * size;
  }

  /** Content-stream operators that show `text` centered on `cx`, shrunk to fit `maxWidth`; only reserved glyphs. */
  textCentered(text: string, cx: number, y: number, size: number, maxWidth: number, color: Rgb): string {
    const t = text.normalize('NFC');
    if (t === '' || !this.font) return '';
    let s = size;
    while (s > 4 && this.textWidth(t, s) > maxWidth) s -= 0.5;
    const hex = [...t].map((c) => this.glyphs.get(c)!.hex).join('');
    return `BT ${color.map(fmt).join(' ')} rg /F1 ${fmt(s)} Tf ${fmt(cx - this.textWidth(t, s) / 2)} ${fmt(y)} Td <${hex}> Tj ET`;
  }

  /**
   * Writes the template's objects into `writer` and a form XObject that paints the template and then `ops`
   * (which may use /F1, the template's font); returns the form's reference.
   */
  render(writer: IncrementalWriter, ops: readonly string[], matrix?: readonly number[]): PdfRef {
    const refs = this.objects.map(() => writer.allocate());
    for (const o of this.objects) writer.set(refs[-o.ref.num - 1]!, remap(o.value, refs));
    const inner = refs[-this.inner.num - 1]!;
    const resources = new PdfDict().set('XObject', new PdfDict().set('T', inner));
    const extra = ops.filter((o) => o !== '');
    if (extra.length > 0 && this.font) resources.set('Font', new PdfDict().set('F1', refs[-this.font.num - 1]!));
    const content = Buffer.from(['/T Do', ...extra].join('\n'), 'latin1');
    const dict = new PdfDict().set('Type', name('XObject')).set('Subtype', name('Form')).set('BBox', [0, 0, this.width, this.height]).set('Resources', resources);
    if (matrix) dict.set('Matrix', [...matrix]);
    const ref = writer.allocate();
    writer.set(ref, new PdfStream(dict, content));
    return ref;
  }
}
