import { randomBytes } from 'node:crypto';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';

/** An unsigned PDF of about `bytes` bytes: a text page with an incompressible image-like stream on it. */
export async function makePdf(bytes: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  page.drawText('Benchmark document (exchange suite)', { x: 72, y: 760, size: 14, font });
  for (let i = 0; i < 30; i++) page.drawText(`Line ${i + 1}: the quick brown fox jumps over the lazy dog.`, { x: 72, y: 730 - i * 16, size: 10, font });
  const side = Math.floor(Math.sqrt(Math.max(1024, bytes - 4096) / 3));
  const img = doc.context.stream(randomBytes(side * side * 3), { Type: 'XObject', Subtype: 'Image', Width: side, Height: side, ColorSpace: 'DeviceRGB', BitsPerComponent: 8 });
  page.node.setXObject(PDFName.of('Im0'), doc.context.register(img));
  return doc.save({ useObjectStreams: false });
}

/** The `metadata` part of one benchmark document; `n` makes its number (and so its DocumentId) unique. */
export function benchMetadata(input: { to: string; n: number; date: string; notation: string; personSignature: 'apply' | 'present' }) {
  return {
    to: [input.to],
    subject: `Văn bản đo hiệu năng số ${input.n}`,
    codeNumber: String(input.n),
    codeNotation: input.notation,
    promulgationDate: input.date,
    promulgationPlace: 'Hà Nội',
    documentType: { type: 1, typeName: 'Công văn' },
    signer: { fullName: 'Nguyễn Văn Bench', position: 'Chủ tịch' },
    priority: 0,
    paper: false,
    personSignature: input.personSignature,
  };
}

/** Nearest-rank percentile of an unsorted sample (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
