import type { PdfFile } from './pdf-file.js';
import { asArray, asDict, isName, objectsEqual, PdfDict, PdfRef, PdfStream, type PdfObject } from './syntax/objects.js';
import type { XrefEntry } from './xref.js';

/** A change between two states of the document, before the revision number is attached. */
export interface RawChange {
  readonly allowed: boolean;
  readonly what: string;
  readonly objectNumber?: number;
}

/** Catalog entries a later revision may change: LTV data, metadata, extension levels (ETSI EN 319 142-1 §5.4). */
const CATALOG_ALLOWED = new Set(['DSS', 'Metadata', 'Extensions', 'Version']);
/** AcroForm entries that do not change what is shown. */
const ACROFORM_ALLOWED = new Set(['Fields', 'SigFlags', 'DR', 'DA']);
/** Field entries that form filling changes (ISO 32000-1 §12.7). */
const FILL_KEYS = new Set(['V', 'AP', 'AS']);

function entriesDiffer(a: XrefEntry | undefined, b: XrefEntry | undefined): boolean {
  if (!a || !b) return a !== b;
  if (a.type !== b.type) return true;
  if (a.type === 1 && b.type === 1) return a.offset !== b.offset || a.gen !== b.gen;
  if (a.type === 2 && b.type === 2) return a.stream !== b.stream || a.index !== b.index;
  return false;
}

function isStructural(o: PdfObject): boolean {
  return o instanceof PdfStream && (isName(o.dict.get('Type'), 'XRef') || isName(o.dict.get('Type'), 'ObjStm'));
}

function refNums(o: PdfObject | undefined): number[] {
  return (asArray(o) ?? []).flatMap((x) => (x instanceof PdfRef ? [x.num] : []));
}

function describe(o: PdfObject): string {
  const d = asDict(o);
  if (!d) return Array.isArray(o) ? 'array' : 'object';
  const t = d.get('Type');
  const st = d.get('Subtype');
  return [isName(t) ? `/${t.value}` : '', isName(st) ? `/${st.value}` : '', o instanceof PdfStream ? 'stream' : 'dictionary'].filter(Boolean).join(' ');
}

/** What the earlier state says an object is for, to name it in reasons. */
class Roles {
  readonly pages = new Map<number, number>(); // page object → 1-based page number
  readonly contents = new Map<number, number>();
  readonly resources = new Map<number, number>();
  readonly annots = new Map<number, number>(); // /Annots array object → page
  readonly annotations = new Map<number, number>(); // annotation → page
  readonly fields = new Set<number>(); // every field node in the AcroForm tree
  readonly sigFields = new Set<number>();
  acroForm?: number;
  fieldsArray?: number;
  catalog: number;
  info?: number;

  constructor(readonly file: PdfFile) {
    this.catalog = file.rootRef.num;
    const info = file.trailer.get('Info');
    if (info instanceof PdfRef) this.info = info.num;
    let pages: PdfRef[] = [];
    try {
      pages = file.pageRefs();
    } catch {
      pages = [];
    }
    pages.forEach((p, i) => {
      this.pages.set(p.num, i + 1);
      const page = asDict(file.resolve(p));
      if (!page) return;
      const c = page.get('Contents');
      if (c instanceof PdfRef) {
        const cv = file.resolve(c);
        if (Array.isArray(cv)) this.contents.set(c.num, i + 1);
        for (const n of Array.isArray(cv) ? refNums(cv) : [c.num]) this.contents.set(n, i + 1);
      } else for (const n of refNums(c)) this.contents.set(n, i + 1);
      const res = page.get('Resources');
      if (res instanceof PdfRef) this.resources.set(res.num, i + 1);
      const resDict = asDict(file.resolve(res));
      for (const k of ['Font', 'XObject', 'ExtGState', 'ColorSpace', 'Pattern', 'Shading', 'Properties']) {
        const sub = resDict?.get(k);
        if (sub instanceof PdfRef) this.resources.set(sub.num, i + 1);
        for (const v of asDict(file.resolve(sub))?.map.values() ?? []) if (v instanceof PdfRef) this.resources.set(v.num, i + 1);
      }
      const a = page.get('Annots');
      if (a instanceof PdfRef) this.annots.set(a.num, i + 1);
      for (const n of refNums(file.resolve(a))) this.annotations.set(n, i + 1);
    });
    const acro = file.catalog.get('AcroForm');
    if (acro instanceof PdfRef) this.acroForm = acro.num;
    const fields = asDict(file.resolve(acro))?.get('Fields');
    if (fields instanceof PdfRef) this.fieldsArray = fields.num;
    const walk = (o: PdfObject, ft: PdfObject | undefined, depth: number): void => {
      if (!(o instanceof PdfRef) || depth > 32 || this.fields.has(o.num)) return;
      const d = asDict(file.resolve(o));
      if (!d) return;
      this.fields.add(o.num);
      const type = d.get('FT') ?? ft;
      if (isName(type, 'Sig')) this.sigFields.add(o.num);
      for (const k of asArray(file.resolve(d.get('Kids'))) ?? []) walk(k, type, depth + 1);
    };
    for (const f of asArray(file.resolve(fields)) ?? []) walk(f, undefined, 0);
  }

  name(num: number, o: PdfObject): string {
    if (this.contents.has(num)) return `content stream of page ${this.contents.get(num)} (object ${num})`;
    if (this.resources.has(num)) return `resources of page ${this.resources.get(num)} (object ${num}, ${describe(o)})`;
    if (this.annotations.has(num)) return `annotation on page ${this.annotations.get(num)} (object ${num}, ${describe(o)})`;
    return `object ${num} (${describe(o)})`;
  }
}

export interface AnalysisContext {
  /** DocMDP permission in force (undefined: approval signatures only, treated as /P 2). */
  readonly docMdp?: 1 | 2 | 3;
}

/** Is `o` (in state `file`) a signature field or a widget of one? */
function isSignatureFieldOrWidget(file: PdfFile, o: PdfObject | undefined): boolean {
  let d = asDict(file.resolve(o));
  for (let depth = 0; d && depth < 32; depth++) {
    if (isName(d.get('FT'), 'Sig')) return true;
    if (d.has('FT')) return false;
    d = asDict(file.resolve(d.get('Parent')));
  }
  return false;
}

function checkAddedFields(prev: PdfFile, cur: PdfFile, oldList: PdfObject[], newList: PdfObject[], ctx: AnalysisContext, out: RawChange[]): void {
  const oldNums = refNums(oldList);
  const newNums = refNums(newList);
  const removed = oldNums.filter((n) => !newNums.includes(n));
  if (removed.length > 0 || newList.length - newNums.length !== oldList.length - oldNums.length) {
    out.push({ allowed: false, what: `form fields removed from the AcroForm: ${removed.map((n) => `object ${n}`).join(', ') || 'direct fields'}` });
  }
  for (const n of newNums.filter((x) => !oldNums.includes(x))) {
    const isSig = isSignatureFieldOrWidget(cur, new PdfRef(n, 0));
    const existed = prev.getObject(n) !== null;
    if (!isSig) out.push({ allowed: false, what: `form field added (object ${n}) that is not a signature field`, objectNumber: n });
    else if (ctx.docMdp === 1) out.push({ allowed: false, what: `signature field added (object ${n}) although the certification (DocMDP /P 1) forbids any change`, objectNumber: n });
    else out.push({ allowed: true, what: `signature field ${existed ? 'listed' : 'added'} (object ${n})`, objectNumber: n });
  }
}

function checkAddedAnnots(cur: PdfFile, page: number, oldList: PdfObject[], newList: PdfObject[], ctx: AnalysisContext, out: RawChange[]): void {
  const oldNums = refNums(oldList);
  const newNums = refNums(newList);
  const removed = oldNums.filter((n) => !newNums.includes(n));
  if (removed.length > 0) out.push({ allowed: ctx.docMdp === 3, what: `annotations removed from page ${page}: ${removed.map((n) => `object ${n}`).join(', ')}` });
  if (newList.length - newNums.length > oldList.length - oldNums.length) out.push({ allowed: false, what: `direct annotation added to page ${page}` });
  for (const n of newNums.filter((x) => !oldNums.includes(x))) {
    const d = asDict(cur.getObject(n));
    const sub = d?.get('Subtype');
    if (isName(sub, 'Widget') && isSignatureFieldOrWidget(cur, new PdfRef(n, 0))) {
      out.push({ allowed: ctx.docMdp !== 1, what: `signature widget added to page ${page} (object ${n})`, objectNumber: n });
    } else {
      out.push({ allowed: ctx.docMdp === 3 && !isName(sub, 'Widget'), what: `annotation ${isName(sub) ? `/${sub.value} ` : ''}added to page ${page} (object ${n})`, objectNumber: n });
    }
  }
}

function diffKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => !objectsEqual(a.get(k), b.get(k)));
}

/**
 * Compares two states of a document (the earlier one as signed, the later one after an incremental update)
 * and classifies every difference (ISO 32000-1 §12.8.2.2; ETSI EN 319 142-1 §5.4). Objects are compared as
 * resolved through each state's own cross-reference table — never by scanning — so shadow attacks
 * (Mainka et al., NDSS 2021) that hide, replace, or hide-and-replace content through new xref entries show
 * up as changed objects. Anything not recognized as permitted is disallowed (an allow-list).
 */
export function analyzeChanges(prev: PdfFile, cur: PdfFile, ctx: AnalysisContext): RawChange[] {
  const out: RawChange[] = [];
  if (cur.isEncrypted() && !prev.isEncrypted()) out.push({ allowed: false, what: 'encryption added' });
  const prevRoot = prev.trailer.get('Root');
  const curRoot = cur.trailer.get('Root');
  if (!objectsEqual(prevRoot, curRoot)) out.push({ allowed: false, what: 'the trailer points at another document catalog' });

  const candidates = new Set<number>();
  for (const [n, e] of cur.table) {
    const p = prev.table.get(n);
    if (entriesDiffer(p, e)) candidates.add(n);
    else if (e.type === 2 && entriesDiffer(prev.table.get(e.stream), cur.table.get(e.stream))) candidates.add(n);
  }
  for (const n of prev.table.keys()) if (!cur.table.has(n)) candidates.add(n);

  const roles = new Roles(prev);
  const sorted = [...candidates].sort((a, b) => a - b);
  for (const n of sorted) {
    let oldV: PdfObject;
    let newV: PdfObject;
    try {
      oldV = prev.getObject(n);
      newV = cur.getObject(n);
    } catch {
      out.push({ allowed: false, what: `object ${n} cannot be read after the change`, objectNumber: n });
      continue;
    }
    if (objectsEqual(oldV, newV)) continue;
    if (oldV === null) {
      // A new object is harmless until something shown refers to it; references are checked where they change.
      if (newV !== null && isStructural(newV)) continue;
      continue;
    }
    if (isStructural(oldV) && (newV === null || isStructural(newV))) continue; // containers: their objects are compared one by one
    if (newV === null) {
      out.push({ allowed: false, what: `${roles.name(n, oldV)} deleted`, objectNumber: n });
      continue;
    }
    classifyChanged(n, oldV, newV, prev, cur, roles, ctx, out);
  }
  return out;
}

function classifyChanged(n: number, oldV: PdfObject, newV: PdfObject, prev: PdfFile, cur: PdfFile, roles: Roles, ctx: AnalysisContext, out: RawChange[]): void {
  const oldD = oldV instanceof PdfDict ? oldV : undefined;
  const newD = newV instanceof PdfDict ? newV : undefined;

  if (n === roles.catalog && oldD && newD) {
    for (const k of diffKeys(oldD, newD)) {
      if (k === 'AcroForm') {
        const a = oldD.get(k);
        const b = newD.get(k);
        const ad = asDict(prev.resolve(a)) ?? new PdfDict();
        const bd = asDict(cur.resolve(b));
        if (a instanceof PdfRef && b instanceof PdfRef) {
          if (a.num !== b.num) out.push({ allowed: false, what: 'the catalog points at another AcroForm', objectNumber: n });
        } else if (!bd) out.push({ allowed: false, what: 'the AcroForm was removed', objectNumber: n });
        else classifyAcroForm(n, ad, bd, prev, cur, ctx, out);
      } else if (CATALOG_ALLOWED.has(k)) {
        out.push({ allowed: true, what: `catalog /${k} updated`, objectNumber: n });
      } else {
        out.push({ allowed: false, what: `catalog /${k} changed`, objectNumber: n });
      }
    }
    return;
  }
  if (n === roles.acroForm && oldD && newD) return classifyAcroForm(n, oldD, newD, prev, cur, ctx, out);
  if (n === roles.fieldsArray && Array.isArray(oldV) && Array.isArray(newV)) return checkAddedFields(prev, cur, oldV, newV, ctx, out);
  if (n === roles.info) {
    out.push({ allowed: true, what: `document information dictionary updated (object ${n})`, objectNumber: n });
    return;
  }
  const page = roles.pages.get(n);
  if (page !== undefined && oldD && newD) {
    for (const k of diffKeys(oldD, newD)) {
      if (k === 'Annots') {
        const a = oldD.get(k);
        const b = newD.get(k);
        if (a instanceof PdfRef && b instanceof PdfRef && a.num === b.num) continue;
        checkAddedAnnots(cur, page, asArray(prev.resolve(a)) ?? [], asArray(cur.resolve(b)) ?? [], ctx, out);
      } else {
        out.push({ allowed: false, what: `page ${page} /${k} changed`, objectNumber: n });
      }
    }
    return;
  }
  const annotsPage = roles.annots.get(n);
  if (annotsPage !== undefined && Array.isArray(oldV) && Array.isArray(newV)) return checkAddedAnnots(cur, annotsPage, oldV, newV, ctx, out);

  if (roles.fields.has(n) && oldD && newD) {
    const changed = diffKeys(oldD, newD);
    const isSig = roles.sigFields.has(n);
    for (const k of changed) {
      if (isSig && (k === 'V' || k === 'AP') && !oldD.has('V') && ctx.docMdp !== 1) {
        if (k === 'V') out.push({ allowed: true, what: `empty signature field signed (object ${n})`, objectNumber: n });
      } else if (isSig && k === 'V') {
        out.push({ allowed: false, what: `the signature value of field object ${n} was replaced`, objectNumber: n });
      } else if (!isSig && FILL_KEYS.has(k)) {
        out.push({ allowed: ctx.docMdp !== 1, what: `form field value changed (object ${n}, /${k})`, objectNumber: n });
      } else {
        out.push({ allowed: false, what: `form field object ${n} /${k} changed`, objectNumber: n });
      }
    }
    return;
  }
  out.push({ allowed: false, what: `${roles.name(n, oldV)} changed`, objectNumber: n });
}

function classifyAcroForm(n: number, oldD: PdfDict, newD: PdfDict, prev: PdfFile, cur: PdfFile, ctx: AnalysisContext, out: RawChange[]): void {
  for (const k of diffKeys(oldD, newD)) {
    if (k === 'Fields') {
      const a = oldD.get(k);
      const b = newD.get(k);
      if (a instanceof PdfRef && b instanceof PdfRef && a.num === b.num) continue;
      checkAddedFields(prev, cur, asArray(prev.resolve(a)) ?? [], asArray(cur.resolve(b)) ?? [], ctx, out);
    } else if (k === 'NeedAppearances') {
      const v = cur.resolve(newD.get(k));
      out.push({ allowed: v !== true, what: 'AcroForm /NeedAppearances changed (viewers would redraw field appearances)', objectNumber: n });
    } else if (ACROFORM_ALLOWED.has(k)) {
      out.push({ allowed: true, what: `AcroForm /${k} updated`, objectNumber: n });
    } else {
      out.push({ allowed: false, what: `AcroForm /${k} changed`, objectNumber: n });
    }
  }
}
