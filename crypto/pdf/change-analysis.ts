import type { PdfFile } from './pdf-file.js';
import { asArray, asDict, isName, objectsEqual, PdfDict, PdfRef, PdfStream, type PdfObject } from './syntax/objects.js';
import type { PdfChangeCode } from './types.js';
import type { XrefEntry } from './xref.js';

/** A change between the signed revision and the final one, before the revision number is attached. */
export interface RawChange {
  readonly allowed: boolean;
  readonly code: PdfChangeCode;
  readonly what: string;
  readonly objectNumber?: number;
}

/** Catalog entries a later revision may change: LTV data, metadata, extension levels (ETSI EN 319 142-1 §5.4). */
const CATALOG_ALLOWED = new Set(['DSS', 'Metadata', 'Extensions', 'Version']);
/** AcroForm entries that do not change what is shown. */
const ACROFORM_ALLOWED = new Set(['Fields', 'SigFlags', 'DR', 'DA']);
/** Field and widget entries that form filling changes (ISO 32000-1 §12.7). */
const FILL_KEYS = new Set(['V', 'AP', 'AS']);
/** Catalog entries that make a viewer act (ISO 32000-1 §12.6): a change there is an action, not a layout change. */
const CATALOG_ACTIONS = new Set(['OpenAction', 'AA']);

/** Where an object of the signed revision sits, found by walking it from the catalog (first area wins). */
type Area = 'page' | 'pages' | 'content' | 'resources' | 'annotation' | 'form' | 'names' | 'outlines' | 'action' | 'dss' | 'metadata' | 'info' | 'other';

function refsIn(o: PdfObject | undefined, out: PdfRef[] = [], depth = 0): PdfRef[] {
  if (depth > 64 || o === null || o === undefined) return out;
  if (o instanceof PdfRef) out.push(o);
  else if (Array.isArray(o)) for (const x of o) refsIn(x, out, depth + 1);
  else if (o instanceof PdfDict) for (const v of o.map.values()) refsIn(v, out, depth + 1);
  else if (o instanceof PdfStream) for (const v of o.dict.map.values()) refsIn(v, out, depth + 1);
  return out;
}

function refNums(o: PdfObject | undefined): number[] {
  const out: number[] = [];
  for (const x of asArray(o) ?? []) if (x instanceof PdfRef) out.push(x.num);
  return out;
}

function describe(o: PdfObject): string {
  const d = asDict(o);
  if (!d) return Array.isArray(o) ? 'array' : 'object';
  const t = d.get('Type');
  const st = d.get('Subtype');
  return [isName(t) ? `/${t.value}` : '', isName(st) ? `/${st.value}` : '', o instanceof PdfStream ? 'stream' : 'dictionary'].filter(Boolean).join(' ');
}

/** Reads an object of a revision; an object that cannot be read there counts as absent (null, §7.3.10). */
function readOr(file: PdfFile, num: number): { value: PdfObject; unreadable: boolean } {
  try {
    return { value: file.getObject(num), unreadable: false };
  } catch {
    return { value: null, unreadable: true };
  }
}

/** What the signed revision says each object is for, to classify its changes and name them in reasons. */
class SignedRoles {
  readonly area = new Map<number, { area: Area; page?: number }>();
  readonly pages = new Map<number, number>(); // page object → 1-based page number
  readonly annots = new Map<number, number>(); // /Annots array object → page
  readonly fields = new Set<number>(); // every field node in the AcroForm tree
  readonly sigFields = new Set<number>();
  readonly widgets = new Map<number, number>(); // widget annotation of a field → the field
  /** Objects referred to by the signed revision but not defined in it (references that lead nowhere). */
  readonly dangling = new Set<number>();
  acroForm?: number;
  fieldsArray?: number;
  readonly catalog: number;
  info?: number;

  constructor(readonly file: PdfFile) {
    this.catalog = file.rootRef.num;
    const info = file.trailer.get('Info');
    if (info instanceof PdfRef) this.info = info.num;
    let pages: PdfRef[];
    try {
      pages = file.pageRefs();
    } catch {
      pages = [];
    }
    const catalog = asDict(readOr(file, this.catalog).value) ?? new PdfDict();
    this.area.set(this.catalog, { area: 'other' });
    pages.forEach((p, i) => {
      this.pages.set(p.num, i + 1);
      this.area.set(p.num, { area: 'page', page: i + 1 });
    });
    // The page tree's inner nodes: their inheritable entries (Resources, MediaBox…) belong to every page below.
    const inner: PdfDict[] = [];
    const nodes = refsIn(catalog.get('Pages'));
    while (nodes.length > 0 && inner.length <= pages.length + 64) {
      const r = nodes.pop()!;
      if (this.area.has(r.num)) continue;
      const d = asDict(readOr(file, r.num).value);
      if (!d) continue;
      this.area.set(r.num, { area: 'pages' });
      inner.push(d);
      nodes.push(...refsIn(d.get('Kids')));
    }
    pages.forEach((p, i) => {
      const page = asDict(readOr(file, p.num).value);
      if (!page) return;
      const a = page.get('Annots');
      if (a instanceof PdfRef) this.annots.set(a.num, i + 1);
      for (const [k, v] of page.map) {
        if (k === 'Parent') continue;
        const area: Area = k === 'Contents' ? 'content' : k === 'Resources' ? 'resources' : k === 'Annots' ? 'annotation' : k === 'AA' ? 'action' : 'page';
        this.mark(v, area, i + 1);
      }
    });
    for (const d of inner) for (const [k, v] of d.map) if (k !== 'Kids' && k !== 'Parent') this.mark(v, k === 'Resources' ? 'resources' : 'pages');
    const acro = catalog.get('AcroForm');
    if (acro instanceof PdfRef) this.acroForm = acro.num;
    const fields = asDict(file.resolve(acro))?.get('Fields');
    if (fields instanceof PdfRef) this.fieldsArray = fields.num;
    const walk = (o: PdfObject, ft: PdfObject | undefined, depth: number): void => {
      if (!(o instanceof PdfRef) || depth > 32 || this.fields.has(o.num)) return;
      const d = asDict(readOr(file, o.num).value);
      if (!d) return;
      this.fields.add(o.num);
      const type = d.get('FT') ?? ft;
      if (isName(type, 'Sig')) this.sigFields.add(o.num);
      for (const k of asArray(file.resolve(d.get('Kids'))) ?? []) {
        if (k instanceof PdfRef && !asDict(readOr(file, k.num).value)?.has('T')) this.widgets.set(k.num, o.num);
        walk(k, type, depth + 1);
      }
    };
    for (const f of asArray(file.resolve(fields)) ?? []) walk(f, undefined, 0);
    for (const [k, v] of catalog.map) {
      if (k === 'Pages') continue;
      const area: Area = k === 'AcroForm' ? 'form' : k === 'Names' || k === 'Dests' ? 'names' : k === 'Outlines' ? 'outlines' : CATALOG_ACTIONS.has(k) ? 'action' : k === 'DSS' ? 'dss' : k === 'Metadata' ? 'metadata' : 'other';
      this.mark(v, area);
    }
    if (info !== undefined) this.mark(info, 'info');
  }

  /** Labels every object reachable from `o` not labelled yet (iterative: outlines and name trees can be long). */
  private mark(o: PdfObject | undefined, area: Area, page?: number): void {
    const stack = refsIn(o);
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (this.area.has(r.num) || this.dangling.has(r.num)) continue;
      const { value } = readOr(this.file, r.num);
      if (value === null) {
        this.dangling.add(r.num);
        continue;
      }
      this.area.set(r.num, { area, ...(page !== undefined ? { page } : {}) });
      refsIn(value, stack);
    }
  }

  name(num: number, o: PdfObject): string {
    const a = this.area.get(num);
    const on = a?.page !== undefined ? ` of page ${a.page}` : '';
    switch (a?.area) {
      case 'content':
        return `content stream${on} (object ${num})`;
      case 'resources':
        return `resources${on} (object ${num}, ${describe(o)})`;
      case 'annotation':
        return `annotation${on.replace(' of ', ' on ')} (object ${num}, ${describe(o)})`;
      default:
        return `object ${num} (${describe(o)})`;
    }
  }

  /** The change code for an object of the signed revision that a later revision redefined. */
  codeFor(num: number): PdfChangeCode {
    switch (this.area.get(num)?.area) {
      case 'content':
        return 'CONTENT_CHANGED';
      case 'resources':
        return 'RESOURCE_CHANGED';
      case 'annotation':
        return 'ANNOTATION_CHANGED';
      case 'page':
        return 'PAGE_CHANGED';
      case 'pages':
        return 'PAGES_CHANGED';
      case 'form':
        return 'FORM_CHANGED';
      case 'names':
        return 'NAMES_CHANGED';
      case 'outlines':
        return 'OUTLINES_CHANGED';
      case 'action':
        return 'ACTION_CHANGED';
      default:
        return 'OBJECT_OVERRIDDEN';
    }
  }
}

export interface AnalysisContext {
  /** DocMDP permission in force (undefined: approval signatures only, treated as /P 2). */
  readonly docMdp?: 1 | 2 | 3;
}

/** The outcome of {@link analyzeChanges}. */
export interface ChangeAnalysis {
  readonly changes: readonly RawChange[];
  /** Objects the signed revision refers to but does not define (they read as null there). */
  readonly danglingInSigned: readonly number[];
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

/** Actions on a new signature field or widget: a signature is allowed, a script run on opening the page is not. */
function actionsOf(file: PdfFile, o: PdfObject | undefined): string | undefined {
  const d = asDict(file.resolve(o));
  if (!d) return undefined;
  if (d.has('AA')) return '/AA';
  if (d.has('A')) return '/A';
  return undefined;
}

class Analysis {
  readonly out: RawChange[] = [];
  constructor(
    readonly signed: PdfFile,
    readonly final: PdfFile,
    readonly roles: SignedRoles,
    readonly ctx: AnalysisContext,
  ) {}

  push(allowed: boolean, code: PdfChangeCode, what: string, objectNumber?: number): void {
    this.out.push({ allowed, code, what, ...(objectNumber !== undefined ? { objectNumber } : {}) });
  }

  checkAddedFields(oldList: PdfObject[], newList: PdfObject[]): void {
    const { signed, final, ctx } = this;
    const oldNums = refNums(oldList);
    const newNums = refNums(newList);
    const removed = oldNums.filter((n) => !newNums.includes(n));
    if (removed.length > 0 || newList.length - newNums.length !== oldList.length - oldNums.length) {
      this.push(false, 'FIELD_REMOVED', `form fields removed from the AcroForm: ${removed.map((n) => `object ${n}`).join(', ') || 'direct fields'}`);
    }
    for (const n of newNums.filter((x) => !oldNums.includes(x))) {
      const isSig = isSignatureFieldOrWidget(final, new PdfRef(n, 0));
      const existed = readOr(signed, n).value !== null;
      const action = actionsOf(final, new PdfRef(n, 0));
      if (!isSig) this.push(false, 'FIELD_ADDED', `form field added (object ${n}) that is not a signature field`, n);
      else if (ctx.docMdp === 1) this.push(false, 'FIELD_ADDED', `signature field added (object ${n}) although the certification (DocMDP /P 1) forbids any change`, n);
      else if (action) this.push(false, 'ACTION_ADDED', `signature field added (object ${n}) with an action (${action})`, n);
      else this.push(true, 'SIGNATURE_FIELD_ADDED', `signature field ${existed ? 'listed' : 'added'} (object ${n})`, n);
    }
  }

  checkAddedAnnots(page: number, oldList: PdfObject[], newList: PdfObject[]): void {
    const { final, ctx } = this;
    const oldNums = refNums(oldList);
    const newNums = refNums(newList);
    const removed = oldNums.filter((n) => !newNums.includes(n));
    if (removed.length > 0) this.push(ctx.docMdp === 3, 'ANNOTATION_REMOVED', `annotations removed from page ${page}: ${removed.map((n) => `object ${n}`).join(', ')}`);
    if (newList.length - newNums.length > oldList.length - oldNums.length) this.push(false, 'ANNOTATION_ADDED', `direct annotation added to page ${page}`);
    for (const n of newNums.filter((x) => !oldNums.includes(x))) {
      const d = asDict(readOr(final, n).value);
      const sub = d?.get('Subtype');
      const action = actionsOf(final, new PdfRef(n, 0));
      if (isName(sub, 'Widget') && isSignatureFieldOrWidget(final, new PdfRef(n, 0))) {
        if (action) this.push(false, 'ACTION_ADDED', `signature widget added to page ${page} (object ${n}) with an action (${action})`, n);
        else this.push(ctx.docMdp !== 1, 'SIGNATURE_WIDGET_ADDED', `signature widget added to page ${page} (object ${n})`, n);
      } else {
        this.push(ctx.docMdp === 3 && !isName(sub, 'Widget') && !action, 'ANNOTATION_ADDED', `annotation ${isName(sub) ? `/${sub.value} ` : ''}added to page ${page} (object ${n})`, n);
      }
    }
  }

  classifyAcroForm(n: number, oldD: PdfDict, newD: PdfDict): void {
    for (const k of diffKeys(oldD, newD)) {
      if (k === 'Fields') {
        const a = oldD.get(k);
        const b = newD.get(k);
        if (a instanceof PdfRef && b instanceof PdfRef && a.num === b.num) continue;
        this.checkAddedFields(asArray(this.signed.resolve(a)) ?? [], asArray(this.final.resolve(b)) ?? []);
      } else if (k === 'NeedAppearances') {
        const v = this.final.resolve(newD.get(k));
        this.push(v !== true, 'FORM_CHANGED', 'AcroForm /NeedAppearances changed (viewers would redraw field appearances)', n);
      } else if (ACROFORM_ALLOWED.has(k)) {
        this.push(true, 'FORM_UPDATED', `AcroForm /${k} updated`, n);
      } else {
        this.push(false, 'FORM_CHANGED', `AcroForm /${k} changed`, n);
      }
    }
  }

  /** An object of the signed revision that the final revision defines differently. */
  classifyChanged(n: number, oldV: PdfObject, newV: PdfObject): void {
    const { roles, ctx, signed, final } = this;
    const oldD = oldV instanceof PdfDict ? oldV : undefined;
    const newD = newV instanceof PdfDict ? newV : undefined;

    if (n === roles.catalog && oldD && newD) {
      for (const k of diffKeys(oldD, newD)) {
        if (k === 'AcroForm') {
          const a = oldD.get(k);
          const b = newD.get(k);
          const ad = asDict(signed.resolve(a)) ?? new PdfDict();
          const bd = asDict(final.resolve(b));
          if (a instanceof PdfRef && b instanceof PdfRef) {
            if (a.num !== b.num) this.push(false, 'FORM_CHANGED', 'the catalog points at another AcroForm', n);
          } else if (!bd) this.push(false, 'FORM_CHANGED', 'the AcroForm was removed', n);
          else this.classifyAcroForm(n, ad, bd);
        } else if (CATALOG_ALLOWED.has(k)) {
          this.push(true, k === 'DSS' ? 'DSS_UPDATED' : 'METADATA_UPDATED', `catalog /${k} updated`, n);
        } else if (CATALOG_ACTIONS.has(k)) {
          this.push(false, oldD.has(k) ? 'ACTION_CHANGED' : 'ACTION_ADDED', `catalog /${k} ${oldD.has(k) ? 'changed' : 'added'}${scriptIn(final, newD.get(k)) ? ' (JavaScript)' : ''}`, n);
        } else {
          const code: PdfChangeCode = k === 'Pages' ? 'PAGES_CHANGED' : k === 'Names' || k === 'Dests' ? 'NAMES_CHANGED' : k === 'Outlines' ? 'OUTLINES_CHANGED' : 'CATALOG_CHANGED';
          this.push(false, code, `catalog /${k} changed`, n);
        }
      }
      return;
    }
    if (n === roles.acroForm && oldD && newD) return this.classifyAcroForm(n, oldD, newD);
    if (n === roles.fieldsArray && Array.isArray(oldV) && Array.isArray(newV)) return this.checkAddedFields(oldV, newV);
    if (n === roles.info) return this.push(true, 'METADATA_UPDATED', `document information dictionary updated (object ${n})`, n);
    const area = roles.area.get(n)?.area;
    if (area === 'dss' || area === 'metadata') return this.push(true, area === 'dss' ? 'DSS_UPDATED' : 'METADATA_UPDATED', `${area === 'dss' ? 'document security store' : 'metadata'} updated (object ${n})`, n);
    const page = roles.pages.get(n);
    if (page !== undefined && oldD && newD) {
      for (const k of diffKeys(oldD, newD)) {
        if (k === 'Annots') {
          const a = oldD.get(k);
          const b = newD.get(k);
          if (a instanceof PdfRef && b instanceof PdfRef && a.num === b.num) continue;
          this.checkAddedAnnots(page, asArray(signed.resolve(a)) ?? [], asArray(final.resolve(b)) ?? []);
        } else {
          const code: PdfChangeCode = k === 'Contents' ? 'CONTENT_CHANGED' : k === 'Resources' ? 'RESOURCE_CHANGED' : k === 'AA' ? (oldD.has(k) ? 'ACTION_CHANGED' : 'ACTION_ADDED') : 'PAGE_CHANGED';
          this.push(false, code, `page ${page} /${k} changed`, n);
        }
      }
      return;
    }
    const annotsPage = roles.annots.get(n);
    if (annotsPage !== undefined && Array.isArray(oldV) && Array.isArray(newV)) return this.checkAddedAnnots(annotsPage, oldV, newV);

    const widgetOf = roles.widgets.get(n);
    if ((roles.fields.has(n) || widgetOf !== undefined) && oldD && newD) {
      const isSig = roles.sigFields.has(n) || (widgetOf !== undefined && roles.sigFields.has(widgetOf));
      const field = asDict(readOr(signed, widgetOf ?? n).value) ?? oldD;
      for (const k of diffKeys(oldD, newD)) {
        if (isSig && (k === 'V' || k === 'AP') && !field.has('V') && ctx.docMdp !== 1) {
          if (k === 'V') this.push(true, 'SIGNATURE_ADDED', `empty signature field signed (object ${n})`, n);
        } else if (isSig && k === 'V') {
          this.push(false, 'SIGNATURE_REPLACED', `the signature value of field object ${n} was replaced`, n);
        } else if (!isSig && FILL_KEYS.has(k)) {
          this.push(ctx.docMdp !== 1, 'FORM_FILLED', `form field value changed (object ${n}, /${k})`, n);
        } else {
          this.push(false, 'FIELD_CHANGED', `form field object ${n} /${k} changed`, n);
        }
      }
      return;
    }
    this.push(false, roles.codeFor(n), `${roles.name(n, oldV)} changed`, n);
  }
}

function scriptIn(file: PdfFile, o: PdfObject | undefined): boolean {
  const d = asDict(file.resolve(o));
  if (!d) return false;
  if (isName(d.get('S'), 'JavaScript')) return true;
  return [...d.map.values()].some((v) => isName(asDict(file.resolve(v))?.get('S'), 'JavaScript'));
}

function diffKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => !objectsEqual(a.get(k), b.get(k)));
}

function sameEntry(a: XrefEntry | undefined, b: XrefEntry | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.type === 1 && b.type === 1) return a.offset === b.offset && a.gen === b.gen;
  if (a.type === 2 && b.type === 2) return a.stream === b.stream && a.index === b.index;
  return a.type === 0 && b.type === 0;
}

/**
 * Compares the revision a signature covers with the final one by what the final revision shows and does
 * (ISO 32000-1 §12.8.2.2; ETSI EN 319 142-1 §5.4), not by which objects happen to have new xref entries:
 * every object reachable in the final revision from the trailer — the catalog, the page tree, each page's
 * contents, resources and annotations, the AcroForm, names, actions (OpenAction, AA) and outlines — is
 * compared with the same object of the signed revision, each resolved through its own revision's
 * cross-reference table. So shadow attacks (Mainka et al., NDSS 2021) that hide, replace, or
 * hide-and-replace content through new xref entries, and a reference that led nowhere when signed but is
 * defined afterwards (a null object, §7.3.10, that becomes an annotation painting over signed text), are
 * changes. A reference found at the same place in the signed revision must lead to the same object; a new
 * object is judged where it enters the signed structure (the new /Annots entry, the new form field).
 * Anything not on the allow-list is disallowed: signature fields and their widgets, DSS/VRI, metadata,
 * and form filling where DocMDP permits it.
 */
export function analyzeChanges(signed: PdfFile, final: PdfFile, ctx: AnalysisContext): ChangeAnalysis {
  const roles = new SignedRoles(signed);
  const a = new Analysis(signed, final, roles, ctx);
  if (final.isEncrypted() && !signed.isEncrypted()) a.push(false, 'ENCRYPTION_ADDED', 'encryption added');
  const signedRoot = signed.trailer.get('Root');
  const finalRoot = final.trailer.get('Root');
  if (!objectsEqual(signedRoot, finalRoot)) a.push(false, 'CATALOG_CHANGED', 'the trailer points at another document catalog');

  // The cross-reference entry decides identity cheaply: the same entry (and, for a compressed object, the same
  // object stream entry) is the same object; only objects whose entry differs are parsed in both revisions.
  const same = (n: number): boolean => {
    const e = final.entry(n);
    if (!sameEntry(signed.entry(n), e)) return false;
    return e?.type !== 2 || sameEntry(signed.entry(e.stream), final.entry(e.stream));
  };
  const before = new Map<number, { value: PdfObject; unreadable: boolean }>();
  const signedValue = (n: number): PdfObject => {
    let v = before.get(n);
    if (!v) before.set(n, (v = readOr(signed, n)));
    return v.value;
  };

  // Walk the final revision. An edge is "old" when the signed revision had the same reference at the same
  // place (the same key of the same object): then the object it leads to must not have appeared or vanished.
  const visited = new Set<number>();
  const reported = new Set<number>();
  // Where an edge comes from (the object and key), put into words only for a reason: most edges need none.
  const stack: Array<{ num: number; old: boolean; fromNum?: number; fromKey?: string }> = [];
  const fromText = (e: { fromNum?: number; fromKey?: string }): string => (e.fromNum === undefined ? 'the trailer' : `object ${e.fromNum}${e.fromKey !== undefined ? ` /${e.fromKey}` : ''}`);
  if (finalRoot instanceof PdfRef) stack.push({ num: finalRoot.num, old: objectsEqual(signedRoot, finalRoot) });
  const finalInfo = final.trailer.get('Info');
  if (finalInfo instanceof PdfRef) stack.push({ num: finalInfo.num, old: false });

  while (stack.length > 0) {
    const edge = stack.pop()!;
    const { num, old } = edge;
    const unchanged = same(num);
    const cur = readOr(final, num);
    if (cur.unreadable) {
      if (!reported.has(num)) a.push(false, 'OBJECT_UNREADABLE', `object ${num} cannot be read in the final revision`, num);
      reported.add(num);
      continue;
    }
    const prior = unchanged ? cur.value : signedValue(num);
    if (old && !unchanged && !reported.has(num)) {
      if (prior === null && cur.value !== null) {
        reported.add(num);
        a.push(false, 'DANGLING_REFERENCE_DEFINED', `object ${num} (${describe(cur.value)}), referred to by ${fromText(edge)} but not defined when signed, was defined afterwards`, num);
      } else if (prior !== null && cur.value === null) {
        reported.add(num);
        a.push(false, 'OBJECT_DELETED', `${roles.name(num, prior)} referred to by ${fromText(edge)} was deleted`, num);
      }
    }
    if (visited.has(num)) continue;
    visited.add(num);
    const value = cur.value;
    if (value === null) continue;
    const isSame = unchanged || objectsEqual(prior, value);
    if (!isSame && prior !== null) a.classifyChanged(num, prior, value);
    // Children: a reference the signed version of this object also had under the same key is an old edge.
    const oldDict = isSame ? undefined : asDict(prior);
    const newDict = asDict(value);
    if (newDict) {
      for (const [k, v] of newDict.map) {
        const oldRefs = isSame ? undefined : new Set(refsIn(oldDict?.get(k)).map((r) => r.num));
        for (const r of refsIn(v)) stack.push({ num: r.num, old: prior !== null && (isSame || oldRefs!.has(r.num)), fromNum: num, fromKey: k });
      }
    } else {
      const oldRefs = isSame ? undefined : new Set(refsIn(prior ?? undefined).map((r) => r.num));
      for (const r of refsIn(value)) stack.push({ num: r.num, old: prior !== null && (isSame || oldRefs!.has(r.num)), fromNum: num });
    }
  }
  return { changes: a.out, danglingInSigned: [...roles.dangling].sort((x, y) => x - y) };
}
