import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { signPdf } from '../../../crypto/index.js';
import { PdfFile } from '../../../crypto/pdf/pdf-file.js';
import { listSignatureFields } from '../../../crypto/pdf/signature-fields.js';
import { pdfLibDocument } from './support/inputs.js';
import { testPki } from './support/pki.js';
import { blueSignaturePng } from './support/png.js';
import { run, tempFile, vietnameseFont } from './support/tools.js';

interface Ppm {
  width: number;
  height: number;
  rgb(x: number, y: number): [number, number, number];
}

function renderPage(pdf: Uint8Array, page: number, dpi: number): Ppm {
  const src = tempFile(pdf);
  const prefix = src.replace(/\.pdf$/, '');
  const r = run('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', src, prefix]);
  expect(r.status, r.stderr).to.equal(0);
  const data = readFileSync(`${prefix}.ppm`);
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(data.toString('latin1', 0, 64))!;
  const width = Number(header[1]);
  const height = Number(header[2]);
  const off = header[0].length;
  return { width, height, rgb: (x, y) => [data[off + (y * width + x) * 3]!, data[off + (y * width + x) * 3 + 1]!, data[off + (y * width + x) * 3 + 2]!] };
}

/** Counts pixels of a PDF-space rectangle (points) matching `pred` in a rendering at `dpi`. */
function count(img: Ppm, rect: readonly number[], pageHeight: number, dpi: number, pred: (p: [number, number, number]) => boolean): { match: number; total: number } {
  const k = dpi / 72;
  let match = 0;
  let total = 0;
  for (let y = Math.floor((pageHeight - rect[3]!) * k); y < Math.ceil((pageHeight - rect[1]!) * k); y++) {
    for (let x = Math.floor(rect[0]! * k); x < Math.ceil(rect[2]! * k); x++) {
      if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
      total++;
      if (pred(img.rgb(x, y))) match++;
    }
  }
  return { match, total };
}

const isRed = ([r, g, b]: [number, number, number]): boolean => r > 170 && g < 110 && b < 110;
const isBlue = ([r, g, b]: [number, number, number]): boolean => b > 150 && r < 110 && g < 130;
const isInk = ([r, g, b]: [number, number, number]): boolean => r + g + b < 600;

describe('crypto/pdf appearances rendered by pdftoppm (Decree 30/2020 Appendix I)', function () {
  this.timeout(60_000);
  const agency = 'Ủy ban nhân dân tỉnh Hà Tĩnh';
  let pdf: Uint8Array;
  let person: readonly number[];
  let seal: readonly number[];

  before(async () => {
    const pki = testPki();
    const font = vietnameseFont();
    const t = new Date('2026-11-23T02:15:00Z');
    const a = await signPdf(await pdfLibDocument(1), { identity: pki.person, role: 'signer', signingTime: t, appearance: { font, image: blueSignaturePng(), name: 'Nguyễn Văn Ánh', title: 'KT. CHỦ TỊCH', position: 'Phó Chủ tịch' } });
    // The agency name arrives decomposed (NFD), as some keyboards and databases produce it.
    pdf = (await signPdf(a.pdf, { identity: pki.seal, role: 'seal', signingTime: t, appearance: { font, name: agency.normalize('NFD') } })).pdf;
    const fields = listSignatureFields(PdfFile.open(pdf));
    person = fields[0]!.widgets[0]!.rect!;
    seal = fields[1]!.widgets[0]!.rect!;
  });

  it('when the seal is drawn, then it overlaps about a third of the person signature on its left', () => {
    const personWidth = person[2]! - person[0]!;
    const overlap = Math.min(seal[2]!, person[2]!) - Math.max(seal[0]!, person[0]!);
    expect(seal[0]).to.be.lessThan(person[0]!);
    // The seal's circle is sealSize wide; its right edge sits a third into the person's rectangle.
    expect(overlap).to.be.greaterThan(personWidth / 4);
  });

  it('when page 1 is rendered, then the seal region is red and the signature region shows blue ink and text', () => {
    const img = renderPage(pdf, 1, 72);
    const circle = [seal[0]!, seal[3]! - 113, seal[0]! + 113, seal[3]!];
    const red = count(img, circle, 841.89, 72, isRed);
    expect(red.match / red.total).to.be.greaterThan(0.03);
    const rightOfSeal = [seal[0]! + 113, person[1]!, person[2]!, person[3]!];
    expect(count(img, rightOfSeal, 841.89, 72, isBlue).match).to.be.greaterThan(20);
    expect(count(img, person, 841.89, 72, isInk).match).to.be.greaterThan(50);
    // Far from any signature, the page stays white.
    expect(count(img, [20, 20, 60, 60], 841.89, 72, isInk).match).to.equal(0);
  });

  it('when the text is extracted, then the Vietnamese agency name, person and ISO 8601 time with +07:00 come back intact', () => {
    const r = run('pdftotext', [tempFile(pdf), '-']);
    const text = r.stdout.normalize('NFC');
    expect(text).to.include(agency);
    expect(text).to.include('Nguyễn Văn Ánh');
    expect(text).to.include('KT. CHỦ TỊCH');
    expect(text).to.include('PHÓ CHỦ TỊCH');
    expect(text).to.include('2026-11-23T09:15:00+07:00');
  });

  it('when page 1 is rendered, then the seal stays off the printed name, which sits under the image and the seal', () => {
    const img = renderPage(pdf, 1, 100);
    // The name line is the bottom 16 points of the person's block: ink, and not a red pixel on it.
    const nameStrip = [person[0]!, person[1]!, person[2]!, person[1]! + 16];
    expect(count(img, nameStrip, 841.89, 100, isInk).match).to.be.greaterThan(30);
    expect(count(img, nameStrip, 841.89, 100, isRed).match).to.equal(0);
    expect(seal[1]).to.be.greaterThan(person[1]! + 16);
    // The competence and position lines are above the seal's red ring on their right part.
    const titles = [person[0]! + (person[2]! - person[0]!) / 3, person[3]! - 28, person[2]!, person[3]!];
    expect(count(img, titles, 841.89, 100, isRed).match).to.equal(0);
  });

  it('when the same appearance signs documents at different times, then each shows its own time', async () => {
    const pki = testPki();
    const font = vietnameseFont();
    const times = ['2026-11-23T09:15:07+07:00', '2026-11-24T23:59:58+07:00'];
    for (const [i, iso] of times.entries()) {
      const out = (await signPdf(await pdfLibDocument(1), { identity: pki.seal, role: 'seal', signingTime: new Date(iso), appearance: { font, name: agency } })).pdf;
      const text = run('pdftotext', [tempFile(out), '-']).stdout.normalize('NFC');
      expect(text).to.include(iso);
      expect(text).to.not.include(times[1 - i]!);
      expect(text).to.include(agency);
    }
  });

  it('when the page is rotated 90°, then the seal is drawn upright where the reader sees the bottom right', async () => {
    const { PDFDocument, degrees } = await import('pdf-lib');
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]).setRotation(degrees(90));
    const pki = testPki();
    const out = (await signPdf(await doc.save(), { identity: pki.seal, role: 'seal', signingTime: pki.clock(), appearance: { font: vietnameseFont(), name: agency } })).pdf;
    const rect = listSignatureFields(PdfFile.open(out)).at(-1)!.widgets[0]!.rect!;
    // Displayed 90° clockwise: visual x = user y, visual y = 595 − user x (a landscape 842 × 595 page).
    const visual = [rect[1]!, 595 - rect[2]!, rect[3]!, 595 - rect[0]!];
    const img = renderPage(out, 1, 72);
    expect(img.width).to.be.greaterThan(img.height);
    expect(visual[0]).to.be.greaterThan(842 / 2);
    expect(visual[1]).to.be.lessThan(595 / 2);
    const red = count(img, visual, 595, 72, isRed);
    expect(red.match / red.total).to.be.greaterThan(0.02);
    // Upright text extracts in reading order.
    expect(run('pdftotext', [tempFile(out), '-']).stdout.normalize('NFC')).to.include(agency);
  });

  it('when fonts are listed, then the Unicode font is embedded as a subset', () => {
    const r = run('pdffonts', [tempFile(pdf)]);
    const line = r.stdout.split('\n').find((l) => l.includes('BeVietnamPro'));
    expect(line, r.stdout).to.match(/^[A-Z]{6}\+BeVietnamPro\S*\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
  });
});
