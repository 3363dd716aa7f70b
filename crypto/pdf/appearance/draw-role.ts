import type { IncrementalWriter } from '../incremental-writer.js';
import type { PdfFile } from '../pdf-file.js';
import type { PdfRef } from '../syntax/objects.js';
import { AppearanceCanvas, type Rgb } from './canvas.js';
import { clampToPage, signatureRectsOnPage, visualPage, type Box } from './layout.js';
import type { PdfAppearanceOptions, PdfSignatureRole } from './types.js';

const RED: Rgb = [0.86, 0.08, 0.1];
const INK: Rgb = [0.05, 0.05, 0.1];
const BLUE: Rgb = [0.05, 0.15, 0.6];

export interface DrawnAppearance {
  readonly pageIndex: number;
  readonly rect: Box;
  readonly ref: PdfRef;
}

export interface DrawRequest {
  readonly file: PdfFile;
  readonly writer: IncrementalWriter;
  readonly role: PdfSignatureRole;
  readonly options: PdfAppearanceOptions;
  /** Name from the certificate, used when options.name is absent. */
  readonly certificateName: string;
  /** Signing time as ISO 8601 with offset, e.g. 2026-11-23T09:15:00+07:00. */
  readonly isoTime: string;
  /** An existing widget's page (0-based) and rectangle in user space: draw exactly there. */
  readonly fixed?: { readonly pageIndex: number; readonly rect: Box };
}

function fromXywh(r: readonly [number, number, number, number]): Box {
  const [x, y, w, h] = r;
  if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) throw new TypeError('appearance.rect must be [x, y, width, height] with positive size');
  return [x, y, x + w, y + h];
}

/**
 * Lays out and draws a visible signature per Decree 30/2020 Appendix I:
 * `signer` — the handwritten image (blue) and the full name; `seal` — the red seal overlapping about a third
 * of the person's signature on its left, with the agency name and ISO 8601 time; `attachment` — text only,
 * top right of page 1, with the number/notation and time.
 */
export async function drawRoleAppearance(req: DrawRequest): Promise<DrawnAppearance> {
  const { file, options, role } = req;
  const pages = file.pageRefs();
  const defaultPage = role === 'attachment' ? 1 : pages.length;
  const pageNo = req.fixed ? req.fixed.pageIndex + 1 : (options.page ?? defaultPage);
  if (!Number.isSafeInteger(pageNo) || pageNo < 1 || pageNo > pages.length) {
    throw new TypeError(`appearance.page must be between 1 and ${pages.length}`);
  }
  const pageRef = pages[pageNo - 1]!;
  // Layouts are computed as the reader sees the page, then mapped back to user space (for /Rotate).
  const view = visualPage(file, pageRef);
  const box: Box = [0, 0, view.width, view.height];
  const done = async (rect: Box, c: AppearanceCanvas): Promise<DrawnAppearance> => ({
    pageIndex: pageNo - 1,
    rect: view.toUser(rect),
    ref: await c.finish(req.writer, view.matrix),
  });
  const name = options.name ?? req.certificateName;
  const fixed = req.fixed ? view.toVisual(req.fixed.rect) : undefined;
  const given: Box | undefined = fixed ?? (options.rect ? fromXywh(options.rect) : undefined);
  const font = options.font;

  if (role === 'signer') {
    const rect = clampToPage(given ?? [box[2] - 60 - 190, box[1] + 110, box[2] - 60, box[1] + 110 + 100], box);
    const w = rect[2] - rect[0];
    const h = rect[3] - rect[1];
    const c = await AppearanceCanvas.create(w, h, font);
    const titleH = options.title ? 13 : 0;
    if (options.title) c.textCentered(options.title, w / 2, h - 11, 10, w - 4, INK);
    if (options.image) {
      const img = await c.addPng(options.image);
      const areaH = h - 16 - titleH;
      const scale = Math.min(w / img.width, areaH / img.height);
      const iw = img.width * scale;
      const ih = img.height * scale;
      c.image(img, (w - iw) / 2, 16 + (areaH - ih) / 2, iw, ih);
      c.textCentered(name, w / 2, 4, 10, w - 4, INK);
    } else {
      c.textCentered(name, w / 2, h / 2, 12, w - 4, BLUE);
      c.textCentered(req.isoTime, w / 2, h / 2 - 14, 7, w - 4, INK);
    }
    return done(rect, c);
  }

  if (role === 'seal') {
    const s = options.sealSize ?? 113;
    if (!(s > 10 && s < 1000)) throw new TypeError('appearance.sealSize must be between 10 and 1000 points');
    const textH = 24;
    let rect: Box;
    if (given) rect = given;
    else {
      const personUser = signatureRectsOnPage(file, pageRef).at(-1);
      const person = personUser ? view.toVisual(personUser) : undefined;
      if (person) {
        // The seal covers the left third of the person's signature (Decree 30/2020 Appendix I).
        const pw = person[2] - person[0];
        const cy = (person[1] + person[3]) / 2;
        const x = person[0] + pw / 3 - s;
        rect = [x, cy - s / 2 - textH, x + Math.max(s, 150), cy + s / 2];
      } else {
        rect = [box[2] - 60 - 190, box[1] + 110, box[2] - 60 - 190 + Math.max(s, 150), box[1] + 110 + s + textH];
      }
    }
    rect = clampToPage(rect, box);
    const w = rect[2] - rect[0];
    const h = rect[3] - rect[1];
    const c = await AppearanceCanvas.create(w, h, font);
    const sealSide = Math.min(s, w, h - textH);
    const cx = sealSide / 2;
    const cy = h - sealSide / 2;
    if (options.image) {
      const img = await c.addPng(options.image);
      const scale = Math.min(sealSide / img.width, sealSide / img.height);
      c.image(img, cx - (img.width * scale) / 2, cy - (img.height * scale) / 2, img.width * scale, img.height * scale);
    } else {
      const r = sealSide / 2 - 1.5;
      c.circle(cx, cy, r, 2.4, RED);
      c.circle(cx, cy, r - 5, 0.9, RED);
      c.textOnArc(name.toLocaleUpperCase('vi'), cx, cy, r - 5 - sealSide * 0.1, sealSide * 0.085, Math.PI * 1.55, RED);
      c.star(cx, cy, sealSide * 0.16, RED);
    }
    c.textCentered(name, w / 2, 13, 8, w - 2, INK);
    c.textCentered(req.isoTime, w / 2, 3, 8, w - 2, INK);
    return done(rect, c);
  }

  // attachment: text only, top right of page 1.
  const lines = [options.documentNumber ? `Số: ${options.documentNumber}` : undefined, name, req.isoTime].filter((x): x is string => !!x);
  const rect = clampToPage(given ?? [box[2] - 24 - 230, box[3] - 24 - (lines.length * 11 + 6), box[2] - 24, box[3] - 24], box);
  const w = rect[2] - rect[0];
  const h = rect[3] - rect[1];
  const c = await AppearanceCanvas.create(w, h, font);
  lines.forEach((line, i) => c.textCentered(line, w / 2, h - 11 * (i + 1), 8.5, w - 4, i === 0 ? RED : INK));
  c.line(2, 1, w - 2, 1, 0.6, RED);
  return done(rect, c);
}
