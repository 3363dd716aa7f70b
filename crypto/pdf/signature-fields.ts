import type { PdfFile } from './pdf-file.js';
import { asArray, asDict, asNumber, decodeTextString, isName, PdfDict, PdfRef, PdfString, type PdfObject } from './syntax/objects.js';

/** A signature field found through the AcroForm (ISO 32000-1 §12.7.4.5), with its widgets. */
export interface SignatureFieldInfo {
  readonly name: string;
  readonly ref?: PdfRef;
  readonly field: PdfDict;
  /** /V as written (usually a reference to the /Sig dictionary), undefined when unsigned. */
  readonly value?: PdfObject;
  readonly widgets: ReadonlyArray<{ readonly ref?: PdfRef; readonly dict: PdfDict; readonly rect?: readonly [number, number, number, number] }>;
}

/**
 * Every terminal signature field of the AcroForm, in /Fields order, with loop and depth guards. Read once per
 * view of a revision (several checks of a verification ask for the same view's fields); a new array each call.
 */
export function listSignatureFields(file: PdfFile): SignatureFieldInfo[] {
  return [...file.memo(readSignatureFields, () => readSignatureFields(file))];
}

function readSignatureFields(file: PdfFile): readonly SignatureFieldInfo[] {
  const acro = asDict(file.resolve(file.catalog.get('AcroForm')));
  const fields = asArray(file.resolve(acro?.get('Fields'))) ?? [];
  const out: SignatureFieldInfo[] = [];
  const seen = new Set<number>();
  const walk = (o: PdfObject, prefix: string, ft: PdfObject | undefined, depth: number): void => {
    if (depth > 32) return;
    if (o instanceof PdfRef) {
      if (seen.has(o.num)) return;
      seen.add(o.num);
    }
    const d = asDict(file.resolve(o));
    if (!d) return;
    const t = d.get('T');
    const own = t instanceof PdfString ? decodeTextString(t) : undefined;
    const full = own === undefined ? prefix : prefix ? `${prefix}.${own}` : own;
    const type = d.get('FT') ?? ft;
    const kids = asArray(file.resolve(d.get('Kids'))) ?? [];
    const fieldKids = kids.filter((k) => asDict(file.resolve(k))?.has('T'));
    if (fieldKids.length > 0) {
      for (const k of fieldKids) walk(k, full, type, depth + 1);
      return;
    }
    if (!isName(type, 'Sig')) return;
    const widgetObjs: PdfObject[] = kids.length > 0 ? kids : [o];
    const widgets = widgetObjs.flatMap((w) => {
      const wd = asDict(file.resolve(w));
      if (!wd) return [];
      const r = asArray(file.resolve(wd.get('Rect')))?.map((x) => asNumber(file.resolve(x)));
      const rect = r && r.length === 4 && r.every((x) => x !== undefined) ? (r as [number, number, number, number]) : undefined;
      return [{ ...(w instanceof PdfRef ? { ref: w } : {}), dict: wd, ...(rect ? { rect } : {}) }];
    });
    const v = d.get('V');
    out.push({ name: full, ...(o instanceof PdfRef ? { ref: o } : {}), field: d, ...(v !== undefined ? { value: v } : {}), widgets });
  };
  for (const f of fields) walk(f, '', undefined, 0);
  return out;
}
