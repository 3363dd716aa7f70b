import type { PdfFile } from '../pdf-file.js';
import { listSignatureFields } from '../signature-fields.js';
import { asArray, asNumber, PdfRef } from '../syntax/objects.js';

export type Box = readonly [number, number, number, number]; // x1 y1 x2 y2

/** The visible page area: CropBox if present, else MediaBox (ISO 32000-1 §14.11.2), normalized. */
export function pageBox(file: PdfFile, pageRef: PdfRef): Box {
  for (const key of ['CropBox', 'MediaBox']) {
    const a = asArray(file.inheritedPageAttribute(pageRef, key))?.map((x) => asNumber(file.resolve(x)));
    if (a && a.length === 4 && a.every((x) => x !== undefined)) {
      const [x1, y1, x2, y2] = a as [number, number, number, number];
      return [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)];
    }
  }
  return [0, 0, 595.28, 841.89];
}

/** Rectangles of the visible signature widgets already on a page, in field order. */
export function signatureRectsOnPage(file: PdfFile, pageRef: PdfRef): Box[] {
  const out: Box[] = [];
  for (const f of listSignatureFields(file)) {
    if (f.value === undefined) continue;
    for (const w of f.widgets) {
      const p = w.dict.get('P');
      if (!(p instanceof PdfRef) || p.num !== pageRef.num || !w.rect) continue;
      const [x1, y1, x2, y2] = w.rect;
      if (Math.abs(x2 - x1) < 1 || Math.abs(y2 - y1) < 1) continue;
      out.push([Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)]);
    }
  }
  return out;
}

/** Keeps a rectangle inside the page (moving, not shrinking, unless it is larger than the page). */
export function clampToPage(r: Box, page: Box): Box {
  const w = Math.min(r[2] - r[0], page[2] - page[0]);
  const h = Math.min(r[3] - r[1], page[3] - page[1]);
  const x = Math.min(Math.max(r[0], page[0]), page[2] - w);
  const y = Math.min(Math.max(r[1], page[1]), page[3] - h);
  return [x, y, x + w, y + h];
}

/**
 * The page as the reader sees it (ISO 32000-1 §8.3.2.2 /Rotate): a box [0, 0, width, height] in which
 * layouts are computed, and the mappings between it and default user space. Appearances drawn upright in
 * this space get /Matrix `matrix` (§12.5.5) so they stay upright on rotated pages.
 */
export interface VisualPage {
  readonly width: number;
  readonly height: number;
  readonly rotate: 0 | 90 | 180 | 270;
  readonly matrix?: readonly number[];
  toUser(r: Box): Box;
  toVisual(r: Box): Box;
}

export function visualPage(file: PdfFile, pageRef: PdfRef): VisualPage {
  const box = pageBox(file, pageRef);
  const raw = asNumber(file.inheritedPageAttribute(pageRef, 'Rotate')) ?? 0;
  const rotate = ((((Math.round(raw / 90) * 90) % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  const W = box[2] - box[0];
  const H = box[3] - box[1];
  const [x0, y0] = box;
  // Point maps (box-relative): user → visual and back, per rotation (clockwise on display).
  const uv = (ux: number, uy: number): [number, number] => (rotate === 90 ? [uy, W - ux] : rotate === 180 ? [W - ux, H - uy] : rotate === 270 ? [H - uy, ux] : [ux, uy]);
  const vu = (vx: number, vy: number): [number, number] => (rotate === 90 ? [W - vy, vx] : rotate === 180 ? [W - vx, H - vy] : rotate === 270 ? [vy, H - vx] : [vx, vy]);
  const mapBox = (r: Box, f: (a: number, b: number) => [number, number]): Box => {
    const a = f(r[0], r[1]);
    const b = f(r[2], r[3]);
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
  };
  const matrices: Record<number, number[]> = { 90: [0, 1, -1, 0, 0, 0], 180: [-1, 0, 0, -1, 0, 0], 270: [0, -1, 1, 0, 0, 0] };
  return {
    width: rotate % 180 === 0 ? W : H,
    height: rotate % 180 === 0 ? H : W,
    rotate,
    ...(rotate !== 0 ? { matrix: matrices[rotate]! } : {}),
    toUser: (r) => {
      const u = mapBox(r, vu);
      return [u[0] + x0, u[1] + y0, u[2] + x0, u[3] + y0];
    },
    toVisual: (r) => mapBox([r[0] - x0, r[1] - y0, r[2] - x0, r[3] - y0], uv),
  };
}
