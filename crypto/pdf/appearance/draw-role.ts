import type { IncrementalWriter } from '../incremental-writer.js';
import type { PdfFile } from '../pdf-file.js';
import type { PdfRef } from '../syntax/objects.js';
import { AppearanceCanvas, type Rgb } from './canvas.js';
import type { AppearanceTemplate } from './template.js';
import { cachedTemplate, templateKey } from './template-cache.js';
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

/** Characters the signing time can use (ISO 8601 with offset): reserved in every subset, so the time is drawn per document. */
const TIME_CHARS = '0123456789-+:.TZ';

/** Size of a signer block drawn where the caller gave no rectangle (points). */
const SIGNER_W = 200;
const SIGNER_H = 156;
/** Room under the seal for the agency's name and the signing time. */
const SEAL_TEXT_H = 20;

/**
 * Where the parts of a signer block sit (Decree 30/2020 Appendix I, from the top: competence, position, the
 * signature image, the full name), for a block of `w` × `h`. The seal is placed from the same geometry, so it
 * covers the left third of the image and stays clear of the name.
 */
export function signerGeometry(w: number, h: number): { k: number; competenceY: number; positionY: number; image: Box; nameY: number } {
  const k = Math.min(1, h / SIGNER_H);
  return { k, competenceY: h - 12 * k, positionY: h - 25 * k, image: [6, 62 * k, w - 6, h - 30 * k], nameY: 4 * k };
}

interface Plan {
  /** The rectangle as the reader sees the page. */
  readonly rect: Box;
  /** Everything the template depends on besides its size and font. */
  readonly key: readonly (string | number | Uint8Array | undefined)[];
  /** Draws what does not change between documents. */
  draw(c: AppearanceCanvas, w: number, h: number): Promise<void>;
  /** Operators for what changes (the time), from the template's reserved glyphs. */
  dynamic(t: AppearanceTemplate, w: number, h: number, isoTime: string): string[];
}

/**
 * Lays out and draws a visible signature per Decree 30/2020 Appendix I:
 * `signer` — from the top, the competence ("KT. BỘ TRƯỞNG") and position, the handwritten image (blue; without
 * one, the name written slanted in blue) and the full name; `seal` — the red seal over about a third of the
 * person's signature image on its left, clear of the name, with the agency name and ISO 8601 time under it;
 * `attachment` — text only, top right of page 1, with the number/notation and time.
 * What does not change between documents (font subset, images, names) is drawn once per process and reused
 * (template-cache.ts); only the time is drawn per document.
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
  const name = (options.name ?? req.certificateName).normalize('NFC');
  const fixed = req.fixed ? view.toVisual(req.fixed.rect) : undefined;
  const given: Box | undefined = fixed ?? (options.rect ? fromXywh(options.rect) : undefined);
  const plan = role === 'signer' ? planSigner(options, name, given, box) : role === 'seal' ? planSeal(options, name, given, box, file, pageRef, view) : planAttachment(options, name, given, box);
  const rect = clampToPage(plan.rect, box);
  const w = rect[2] - rect[0];
  const h = rect[3] - rect[1];
  const font = options.font;
  const key = templateKey([role, w, h, font, ...plan.key]);
  let template = await cachedTemplate(key, async () => {
    const c = await AppearanceCanvas.create(w, h, font);
    await plan.draw(c, w, h);
    return c.build(TIME_CHARS);
  });
  if (!template.canShow(req.isoTime)) {
    // A time outside the reserved characters (never from formatIsoWithOffset): draw this one uncached.
    const c = await AppearanceCanvas.create(w, h, font);
    await plan.draw(c, w, h);
    template = await c.build(TIME_CHARS + req.isoTime);
  }
  const ops = plan.dynamic(template, w, h, req.isoTime);
  return { pageIndex: pageNo - 1, rect: view.toUser(rect), ref: template.render(req.writer, ops, view.matrix) };
}

function planSigner(options: PdfAppearanceOptions, name: string, given: Box | undefined, box: Box): Plan {
  const competence = options.title?.normalize('NFC').toLocaleUpperCase('vi');
  const position = options.position?.normalize('NFC').toLocaleUpperCase('vi');
  return {
    rect: given ?? [box[2] - 60 - SIGNER_W, box[1] + 110, box[2] - 60, box[1] + 110 + SIGNER_H],
    key: [name, competence, position, options.image],
    async draw(c, w, h) {
      const g = signerGeometry(w, h);
      if (competence) c.textCentered(competence, w / 2, g.competenceY, 10 * g.k, w - 4, INK);
      if (position) c.textCentered(position, w / 2, g.positionY, 10 * g.k, w - 4, INK);
      const [ix1, iy1, ix2, iy2] = g.image;
      const aw = ix2 - ix1;
      const ah = iy2 - iy1;
      if (options.image) {
        const img = await c.addPng(options.image);
        const scale = Math.min(aw / img.width, ah / img.height);
        const iw = img.width * scale;
        const ih = img.height * scale;
        c.image(img, ix1 + (aw - iw) / 2, iy1 + (ah - ih) / 2, iw, ih);
      } else {
        // No handwritten image: the name written slanted in blue, with a stroke under it, stands in for it.
        const cy = iy1 + ah / 2;
        const size = c.textSlanted(name, w / 2, cy - 4 * g.k, 18 * g.k, aw - 8, BLUE);
        const half = Math.min(aw - 8, c.textWidth(name, size)) / 2 + 6;
        c.curve([w / 2 - half, cy - 10 * g.k, w / 2 - half / 3, cy - 16 * g.k, w / 2 + half / 3, cy - 4 * g.k, w / 2 + half, cy - 12 * g.k], 1.1, BLUE);
      }
      c.textCentered(name, w / 2, g.nameY, 11 * g.k, w - 4, INK);
    },
    dynamic: () => [],
  };
}

function planSeal(options: PdfAppearanceOptions, name: string, given: Box | undefined, box: Box, file: DrawRequest['file'], pageRef: Parameters<typeof signatureRectsOnPage>[1], view: ReturnType<typeof visualPage>): Plan {
  const s = options.sealSize ?? 113;
  if (!(s > 10 && s < 1000)) throw new TypeError('appearance.sealSize must be between 10 and 1000 points');
  let rect: Box;
  if (given) rect = given;
  else {
    const personUser = signatureRectsOnPage(file, pageRef).at(-1);
    const person = personUser ? view.toVisual(personUser) : undefined;
    if (person) {
      // The seal covers the left third of the person's signature image, centred on it, clear of the name
      // under it (Decree 30/2020 Appendix I).
      const g = signerGeometry(person[2] - person[0], person[3] - person[1]);
      const img: Box = [person[0] + g.image[0], person[1] + g.image[1], person[0] + g.image[2], person[1] + g.image[3]];
      const right = img[0] + (img[2] - img[0]) / 3;
      const cy = (img[1] + img[3]) / 2;
      rect = [right - s, cy - s / 2 - SEAL_TEXT_H, right, cy + s / 2];
    } else {
      rect = [box[2] - 60 - SIGNER_W, box[1] + 110, box[2] - 60 - SIGNER_W + s, box[1] + 110 + s + SEAL_TEXT_H];
    }
  }
  return {
    rect,
    key: [name, s, options.image],
    async draw(c, w, h) {
      const side = Math.min(s, w, h - SEAL_TEXT_H);
      const cx = w / 2;
      const cy = h - side / 2;
      if (options.image) {
        const img = await c.addPng(options.image);
        const scale = Math.min(side / img.width, side / img.height);
        c.image(img, cx - (img.width * scale) / 2, cy - (img.height * scale) / 2, img.width * scale, img.height * scale);
      } else {
        const r = side / 2 - 1.5;
        c.circle(cx, cy, r, 2.4, RED);
        c.circle(cx, cy, r - 5, 0.9, RED);
        c.textOnArc(name.toLocaleUpperCase('vi'), cx, cy, r - 5 - side * 0.1, side * 0.085, Math.PI * 1.55, RED);
        c.star(cx, cy, side * 0.16, RED);
      }
      c.textCentered(name, w / 2, 11, 7, w - 2, INK);
    },
    dynamic: (t, w, _h, isoTime) => [t.textCentered(isoTime, w / 2, 2.5, 7, w - 2, INK)],
  };
}

function planAttachment(options: PdfAppearanceOptions, name: string, given: Box | undefined, box: Box): Plan {
  const lines = [options.documentNumber ? `Số: ${options.documentNumber}` : undefined, name].filter((x): x is string => !!x);
  const count = lines.length + 1;
  return {
    rect: given ?? [box[2] - 24 - 230, box[3] - 24 - (count * 11 + 6), box[2] - 24, box[3] - 24],
    key: lines,
    async draw(c, w, h) {
      lines.forEach((line, i) => c.textCentered(line, w / 2, h - 11 * (i + 1), 8.5, w - 4, i === 0 ? RED : INK));
      c.line(2, 1, w - 2, 1, 0.6, RED);
    },
    dynamic: (t, w, h, isoTime) => [t.textCentered(isoTime, w / 2, h - 11 * count, 8.5, w - 4, INK)],
  };
}
