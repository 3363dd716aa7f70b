import { rgb, type PDFDocument, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';

export const A4: [number, number] = [595.28, 841.89];
export const MARGIN = 40;

export const INK = rgb(0.1, 0.1, 0.12);
export const MUTED = rgb(0.42, 0.42, 0.46);
export const RULE = rgb(0.78, 0.78, 0.8);
export const GRID = rgb(0.9, 0.9, 0.92);
export const HEADER_FILL = rgb(0.93, 0.94, 0.96);
/** The bar colour of the signed-ratio chart (#2A6BCC); tests look for it in the rendered page. */
export const BAR = rgb(42 / 255, 107 / 255, 204 / 255);
/** Trend lines: signed ratio (orange #D9541A) and fully electronic ratio (green #21A047). */
export const LINE_SIGNED = rgb(217 / 255, 84 / 255, 26 / 255);
export const LINE_ELECTRONIC = rgb(33 / 255, 160 / 255, 71 / 255);

/**
 * A font prepared for fast text: each character is encoded (subset glyph id) and measured once through
 * pdf-lib, then strings are put together from those pieces. pdf-lib shapes every string with fontkit
 * (about a millisecond each), which a 500-agency report cannot afford; report text is NFC Vietnamese, for
 * which the font has precomposed glyphs, so shaping changes nothing but kerning.
 */
export class TextFont {
  private readonly hexOf = new Map<string, string>();
  private readonly widthOf = new Map<string, number>();
  constructor(readonly font: PDFFont) {}

  private glyph(ch: string): void {
    if (this.hexOf.has(ch)) return;
    this.hexOf.set(ch, this.font.encodeText(ch).asString());
    this.widthOf.set(ch, this.font.widthOfTextAtSize(ch, 1000));
  }

  hex(s: string): string {
    let out = '';
    for (const ch of s.normalize('NFC')) {
      this.glyph(ch);
      out += this.hexOf.get(ch);
    }
    return out;
  }

  width(s: string, size: number): number {
    let w = 0;
    for (const ch of s.normalize('NFC')) {
      this.glyph(ch);
      w += this.widthOf.get(ch) ?? 0;
    }
    return (w * size) / 1000;
  }

  /** Cuts `s` to `maxWidth` points at `size`, ending with an ellipsis when cut. */
  fit(s: string, size: number, maxWidth: number): string {
    if (this.width(s, size) <= maxWidth) return s;
    const chars = [...s];
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.width(`${chars.slice(0, mid).join('')}…`, size) <= maxWidth) lo = mid;
      else hi = mid - 1;
    }
    return `${chars.slice(0, lo).join('')}…`;
  }
}

export interface Fonts {
  readonly regular: TextFont;
  readonly bold: TextFont;
}

export interface TextOptions {
  readonly size: number;
  readonly font?: TextFont;
  readonly color?: RGB;
  /** Where x is: the left end (default), the centre or the right end of the text. */
  readonly align?: 'left' | 'center' | 'right';
  /** Longer text is cut and ends with "…". */
  readonly maxWidth?: number;
  /** Degrees, counter-clockwise. */
  readonly rotate?: number;
}

const n = (v: number) => (Math.round(v * 100) / 100).toString();
const color = (c: RGB) => `${n(c.red)} ${n(c.green)} ${n(c.blue)}`;

/**
 * Drawing on one page by writing content-stream operators (ISO 32000-1 §8, §9.4) into a string, added to the
 * page as one stream by {@link Canvas.finish}: thousands of cells cost milliseconds, not seconds.
 */
export class Canvas {
  private readonly ops: string[] = [];
  private readonly fontKeys = new Map<TextFont, string>();
  constructor(
    readonly doc: PDFDocument,
    readonly page: PDFPage,
    readonly fonts: Fonts,
  ) {}

  private keyOf(font: TextFont): string {
    let key = this.fontKeys.get(font);
    if (!key) {
      key = this.page.node.newFontDictionary(font.font.name, font.font.ref).asString();
      this.fontKeys.set(font, key);
    }
    return key;
  }

  /** Draws one line of text; returns its width. */
  text(s: string, x: number, y: number, o: TextOptions): number {
    const font = o.font ?? this.fonts.regular;
    const t = o.maxWidth !== undefined ? font.fit(s, o.size, o.maxWidth) : s;
    const w = font.width(t, o.size);
    const left = o.align === 'center' ? x - w / 2 : o.align === 'right' ? x - w : x;
    const a = ((o.rotate ?? 0) * Math.PI) / 180;
    const [cos, sin] = [Math.cos(a), Math.sin(a)];
    this.ops.push(`BT ${color(o.color ?? INK)} rg ${this.keyOf(font)} ${n(o.size)} Tf ${n(cos)} ${n(sin)} ${n(-sin)} ${n(cos)} ${n(left)} ${n(y)} Tm <${font.hex(t)}> Tj ET`);
    return w;
  }

  line(x1: number, y1: number, x2: number, y2: number, thickness: number, c: RGB = INK): void {
    this.ops.push(`${color(c)} RG ${n(thickness)} w ${n(x1)} ${n(y1)} m ${n(x2)} ${n(y2)} l S`);
  }

  rect(x: number, y: number, w: number, h: number, fill: RGB): void {
    this.ops.push(`${color(fill)} rg ${n(x)} ${n(y)} ${n(w)} ${n(h)} re f`);
  }

  /** A filled disc (four Bézier arcs). */
  dot(cx: number, cy: number, r: number, fill: RGB): void {
    const k = 0.5523 * r;
    this.ops.push(
      `${color(fill)} rg ${n(cx + r)} ${n(cy)} m ${n(cx + r)} ${n(cy + k)} ${n(cx + k)} ${n(cy + r)} ${n(cx)} ${n(cy + r)} c ` +
        `${n(cx - k)} ${n(cy + r)} ${n(cx - r)} ${n(cy + k)} ${n(cx - r)} ${n(cy)} c ${n(cx - r)} ${n(cy - k)} ${n(cx - k)} ${n(cy - r)} ${n(cx)} ${n(cy - r)} c ` +
        `${n(cx + k)} ${n(cy - r)} ${n(cx + r)} ${n(cy - k)} ${n(cx + r)} ${n(cy)} c f`,
    );
  }

  /** Adds what was drawn to the page as one compressed content stream. */
  finish(): void {
    const stream = this.doc.context.flateStream(`q\n${this.ops.join('\n')}\nQ\n`);
    this.page.node.addContentStream(this.doc.context.register(stream));
  }
}
