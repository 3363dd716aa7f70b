import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts, type PDFContext, type PDFFont, type PDFImage, type PDFRef } from 'pdf-lib';
import { CryptoError } from '../../errors.js';
import { name, PdfDict, PdfStream } from '../syntax/objects.js';
import { PdfLibImporter } from './from-pdf-lib.js';
import { AppearanceTemplate, fmt as f, TemplateSink, type Glyph, type Rgb } from './template.js';

export type { Rgb };

function usesTextOps(ops: readonly string[]): boolean {
  return ops.some((o) => o.startsWith('BT'));
}

/**
 * Draws one appearance stream (a form XObject, ISO 32000-1 §8.10 and §12.5.5). Text uses an embedded
 * subset of the caller's TrueType font (ISO 32000-1 §9.6.4 and §9.7: Type 0 with Identity-H and a ToUnicode
 * map, built by pdf-lib with fontkit), so Vietnamese diacritics render and can be extracted.
 */
export class AppearanceCanvas {
  private readonly ops: string[] = [];
  private readonly images = new Map<string, PDFImage>();
  private constructor(
    private readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly width: number,
    readonly height: number,
    private readonly custom: boolean,
  ) {}

  static async create(width: number, height: number, fontBytes: Uint8Array | undefined): Promise<AppearanceCanvas> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    let font: PDFFont;
    if (fontBytes) {
      doc.registerFontkit(fontkit);
      try {
        font = await doc.embedFont(fontBytes, { subset: true });
      } catch (e) {
        throw new TypeError('appearance.font is not a TrueType/OpenType font', { cause: e });
      }
    } else {
      font = await doc.embedFont(StandardFonts.Helvetica);
    }
    return new AppearanceCanvas(doc, font, width, height, fontBytes !== undefined);
  }

  async addPng(png: Uint8Array): Promise<PDFImage> {
    try {
      const img = await this.doc.embedPng(png);
      return img;
    } catch (e) {
      throw new CryptoError('ERR_IMAGE_MALFORMED', 'the appearance image is not a valid PNG', { cause: e });
    }
  }

  textWidth(text: string, size: number): number {
    return this.font.widthOfTextAtSize(text.normalize('NFC'), size);
  }

  // Precomposed (NFC) Vietnamese letters map to single glyphs; decomposed input would stack marks badly.
  private encode(text: string): string {
    try {
      return this.font.encodeText(text.normalize('NFC')).toString();
    } catch (e) {
      throw new TypeError('the text cannot be shown without a Unicode font: pass appearance.font', { cause: e });
    }
  }

  text(text: string, x: number, y: number, size: number, color: Rgb): void {
    if (text === '') return;
    this.ops.push(`BT ${color.map(f).join(' ')} rg /F1 ${f(size)} Tf ${f(x)} ${f(y)} Td ${this.encode(text)} Tj ET`);
  }

  /** Centered text, shrunk to fit `maxWidth`. */
  textCentered(text: string, cx: number, y: number, size: number, maxWidth: number, color: Rgb): number {
    let s = size;
    while (s > 4 && this.textWidth(text, s) > maxWidth) s -= 0.5;
    this.text(text, cx - this.textWidth(text, s) / 2, y, s, color);
    return s;
  }

  /** Centered text slanted like handwriting (a shear of about 12°, ISO 32000-1 §9.4.2 Tm), shrunk to fit. */
  textSlanted(text: string, cx: number, y: number, size: number, maxWidth: number, color: Rgb): number {
    if (text === '') return size;
    let s = size;
    while (s > 4 && this.textWidth(text, s) > maxWidth) s -= 0.5;
    const x = cx - this.textWidth(text, s) / 2;
    this.ops.push(`BT ${color.map(f).join(' ')} rg /F1 ${f(s)} Tf 1 0 0.21 1 ${f(x)} ${f(y)} Tm ${this.encode(text)} Tj ET`);
    return s;
  }

  /** One cubic Bézier stroke with round caps. */
  curve(points: readonly [number, number, number, number, number, number, number, number], lineWidth: number, color: Rgb): void {
    const [x0, y0, x1, y1, x2, y2, x3, y3] = points.map(f);
    this.ops.push(`q ${color.map(f).join(' ')} RG ${f(lineWidth)} w 1 J ${x0} ${y0} m ${x1} ${y1} ${x2} ${y2} ${x3} ${y3} c S Q`);
  }

  /** Text laid along the upper arc of a circle, centered at the top, reading clockwise. */
  textOnArc(text: string, cx: number, cy: number, r: number, size: number, maxAngle: number, color: Rgb): void {
    let s = size;
    while (s > 4 && this.textWidth(text, s) / r > maxAngle) s -= 0.5;
    const chars = [...text.normalize('NFC')];
    const widths = chars.map((c) => this.textWidth(c, s));
    const spacing = s * 0.08;
    const total = (widths.reduce((a, b) => a + b, 0) + spacing * (chars.length - 1)) / r;
    let theta = Math.PI / 2 + total / 2;
    const parts: string[] = [`BT ${color.map(f).join(' ')} rg /F1 ${f(s)} Tf`];
    chars.forEach((c, i) => {
      const w = widths[i]!;
      const mid = theta - w / 2 / r;
      const phi = mid - Math.PI / 2;
      const cos = Math.cos(phi);
      const sin = Math.sin(phi);
      const px = cx + r * Math.cos(mid) - (w / 2) * cos;
      const py = cy + r * Math.sin(mid) - (w / 2) * sin;
      if (c.trim() !== '') parts.push(`${f(cos)} ${f(sin)} ${f(-sin)} ${f(cos)} ${f(px)} ${f(py)} Tm ${this.encode(c)} Tj`);
      theta -= (w + spacing) / r;
    });
    parts.push('ET');
    this.ops.push(parts.join(' '));
  }

  image(img: PDFImage, x: number, y: number, w: number, h: number): void {
    const key = `Im${this.images.size + 1}`;
    this.images.set(key, img);
    this.ops.push(`q ${f(w)} 0 0 ${f(h)} ${f(x)} ${f(y)} cm /${key} Do Q`);
  }

  /** A circle as four Bézier arcs (κ = 0.5523). */
  circle(cx: number, cy: number, r: number, lineWidth: number, color: Rgb): void {
    const k = 0.5523 * r;
    this.ops.push(
      `q ${color.map(f).join(' ')} RG ${f(lineWidth)} w ${f(cx + r)} ${f(cy)} m ` +
        `${f(cx + r)} ${f(cy + k)} ${f(cx + k)} ${f(cy + r)} ${f(cx)} ${f(cy + r)} c ` +
        `${f(cx - k)} ${f(cy + r)} ${f(cx - r)} ${f(cy + k)} ${f(cx - r)} ${f(cy)} c ` +
        `${f(cx - r)} ${f(cy - k)} ${f(cx - k)} ${f(cy - r)} ${f(cx)} ${f(cy - r)} c ` +
        `${f(cx + k)} ${f(cy - r)} ${f(cx + r)} ${f(cy - k)} ${f(cx + r)} ${f(cy)} c S Q`,
    );
  }

  /** A filled five-pointed star. */
  star(cx: number, cy: number, r: number, color: Rgb): void {
    const pts: string[] = [];
    for (let i = 0; i < 10; i++) {
      const rr = i % 2 === 0 ? r : r * 0.382;
      const a = Math.PI / 2 + (i * Math.PI) / 5;
      pts.push(`${f(cx + rr * Math.cos(a))} ${f(cy + rr * Math.sin(a))} ${i === 0 ? 'm' : 'l'}`);
    }
    this.ops.push(`q ${color.map(f).join(' ')} rg ${pts.join(' ')} h f Q`);
  }

  line(x1: number, y1: number, x2: number, y2: number, lineWidth: number, color: Rgb): void {
    this.ops.push(`q ${color.map(f).join(' ')} RG ${f(lineWidth)} w ${f(x1)} ${f(y1)} m ${f(x2)} ${f(y2)} l S Q`);
  }

  /**
   * Embeds the font subset (with every character of `reserve` in it, for text drawn later by the template)
   * and the images, and freezes the drawing as an {@link AppearanceTemplate}.
   */
  async build(reserve: string): Promise<AppearanceTemplate> {
    const chars = [...new Set(reserve.normalize('NFC'))];
    const glyphs = new Map<string, Glyph>();
    const usesText = usesTextOps(this.ops) || chars.length > 0;
    if (usesText) for (const c of chars) glyphs.set(c, { hex: this.encode(c).replace(/^<|>$/g, ''), width: this.font.widthOfTextAtSize(c, 1) });
    await this.doc.flush();
    if (this.custom && usesText) tagSubsetFont(this.doc.context, this.font.ref);
    const sink = new TemplateSink();
    const importer = new PdfLibImporter(this.doc.context, sink);
    const resources = new PdfDict();
    const fontRef = usesText ? importer.importRef(this.font.ref) : undefined;
    if (fontRef && usesTextOps(this.ops)) resources.set('Font', new PdfDict().set('F1', fontRef));
    if (this.images.size > 0) {
      const xo = new PdfDict();
      for (const [k, img] of this.images) xo.set(k, importer.importRef(img.ref));
      resources.set('XObject', xo);
    }
    const content = deflateSync(Buffer.from(this.ops.join('\n'), 'latin1'));
    const dict = new PdfDict().set('Type', name('XObject')).set('Subtype', name('Form')).set('BBox', [0, 0, this.width, this.height]).set('Resources', resources).set('Filter', name('FlateDecode'));
    const inner = sink.allocate();
    sink.set(inner, new PdfStream(dict, content));
    return new AppearanceTemplate(this.width, this.height, sink.objects, inner, fontRef, glyphs);
  }
}

/**
 * Names an embedded subset as ISO 32000-1 §9.6.4 requires ("ABCDEF+Name"); pdf-lib appends a number
 * instead. The tag is derived from the subset's bytes, so equal subsets get equal names.
 */
export function tagSubsetFont(context: PDFContext, fontRef: PDFRef): void {
  const type0 = context.lookup(fontRef, PDFDict);
  const cid = context.lookup(type0.lookup(PDFName.of('DescendantFonts'), PDFArray).get(0), PDFDict);
  const desc = context.lookup(cid.get(PDFName.of('FontDescriptor')), PDFDict);
  const file = desc.lookup(PDFName.of('FontFile2'));
  const data = file instanceof PDFRawStream ? file.getContents() : new Uint8Array(0);
  const digest = createHash('sha256').update(data).digest();
  const tag = [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
  const base = type0
    .lookup(PDFName.of('BaseFont'), PDFName)
    .decodeText()
    .replace(/-\d+$/, '')
    .replace(/^[A-Z]{6}\+/, '');
  const tagged = PDFName.of(`${tag}+${base}`);
  type0.set(PDFName.of('BaseFont'), tagged);
  cid.set(PDFName.of('BaseFont'), tagged);
  desc.set(PDFName.of('FontName'), tagged);
}
