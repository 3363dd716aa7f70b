import { signPdf, type SigningIdentity } from '../../../../crypto/index.js';
import { IncrementalWriter } from '../../../../crypto/pdf/incremental-writer.js';
import { PdfFile } from '../../../../crypto/pdf/pdf-file.js';
import { asArray, asDict, isName, name, PdfDict, PdfRef, PdfStream, PdfString } from '../../../../crypto/pdf/syntax/objects.js';
import type { PdfChangeCode } from '../../../../crypto/index.js';
import { pdfLibDocument } from './inputs.js';
import { vietnameseFont } from './tools.js';

/** What verifyPdf must say about a file of test/vectors/pdf/after-signing/. */
export interface AfterSigningExpected {
  readonly indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
  readonly subIndication?: string;
  /** Change codes the report must list for the first signature (disallowed ones, or allowed ones for a control). */
  readonly codes: readonly PdfChangeCode[];
  readonly about: string;
}

export interface AfterSigningEntry {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly expected: AfterSigningExpected;
}

const text = (s: string): PdfString => new PdfString(Buffer.from(s, 'latin1'), false);

/** Appends one revision made by `edit` with the incremental writer (as an attacker's tool would). */
export function appendRevision(pdf: Uint8Array, edit: (file: PdfFile, w: IncrementalWriter) => void): Uint8Array {
  const file = PdfFile.open(pdf);
  const w = new IncrementalWriter(file);
  edit(file, w);
  return w.build().bytes;
}

function firstPage(file: PdfFile): { ref: PdfRef; dict: PdfDict } {
  const ref = file.pageRefs()[0]!;
  return { ref, dict: asDict(file.resolve(ref))! };
}

function contentRef(file: PdfFile): PdfRef {
  const c = firstPage(file).dict.get('Contents');
  return c instanceof PdfRef ? c : (asArray(c)![0] as PdfRef);
}

/** A FreeText annotation that paints `amount` in a white box over the line where the signed amount is written. */
function overlayAnnotation(w: IncrementalWriter, amount: string): PdfDict {
  const ap = w.allocate();
  const paint = `q 1 1 1 rg 0 0 460 30 re f Q BT /F1 14 Tf 0 g 2 9 Td (${amount}) Tj ET`;
  w.set(
    ap,
    new PdfStream(
      new PdfDict()
        .set('Type', name('XObject'))
        .set('Subtype', name('Form'))
        .set('BBox', [0, 0, 460, 30])
        .set('Resources', new PdfDict().set('Font', new PdfDict().set('F1', new PdfDict().set('Type', name('Font')).set('Subtype', name('Type1')).set('BaseFont', name('Helvetica'))))),
      Buffer.from(paint, 'latin1'),
    ),
  );
  return new PdfDict().set('Type', name('Annot')).set('Subtype', name('FreeText')).set('Rect', [70, 752, 530, 782]).set('F', 4).set('Contents', text(amount)).set('DA', text('/Helv 14 Tf 0 g')).set('AP', new PdfDict().set('N', ap));
}

/** Appends a cross-reference section with one entry and no object: `num` now lives at `offset` (bytes already there). */
function appendXrefOnly(pdf: Uint8Array, num: number, offset: number): Uint8Array {
  const file = PdfFile.open(pdf);
  const head = pdf[pdf.length - 1] === 0x0a ? '' : '\n';
  const at = pdf.length + head.length;
  const trailer = `<< /Size ${file.size} /Root ${file.rootRef.num} ${file.rootRef.gen} R /Prev ${file.startxref} >>`;
  const tail = `${head}xref\n${num} 1\n${String(offset).padStart(10, '0')} 00000 n\r\ntrailer\n${trailer}\nstartxref\n${at}\n%%EOF\n`;
  return Buffer.concat([Buffer.from(pdf), Buffer.from(tail, 'latin1')]);
}

/**
 * Attacks on what a signed PDF shows after signing, one file per failure mode (issue 11 §1), with their
 * expected indication and change codes. The person signs, then the agency seals, then the attacker appends a
 * revision (the way PDF Insecurity's incremental saving and shadow attacks do, Mainka et al., NDSS 2021).
 * Two files are prepared before signing, as a shadow attacker does: a reference left dangling, and a second
 * version of the page content hidden in an earlier revision.
 */
export async function buildAfterSigningCorpus(pki: { readonly person: SigningIdentity; readonly seal: SigningIdentity }, signingTime: Date): Promise<AfterSigningEntry[]> {
  const font = vietnameseFont();
  const seal = new Date(signingTime.getTime() + 60_000);
  const signTwice = async (pdf: Uint8Array, certify?: { permission: 1 | 2 | 3 }): Promise<Uint8Array> => {
    const one = (await signPdf(pdf, { identity: pki.person, role: 'signer', signingTime, appearance: { font }, ...(certify ? { certify } : {}) })).pdf;
    return (await signPdf(one, { identity: pki.seal, role: 'seal', signingTime: seal, appearance: { font } })).pdf;
  };
  const base = await pdfLibDocument(1, { form: true });
  const two = await signTwice(base);
  const out: AfterSigningEntry[] = [];
  const add = (file: string, bytes: Uint8Array, expected: AfterSigningExpected): void => void out.push({ file, bytes, expected });
  const failed = { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION' } as const;

  add('valid-two-signatures.pdf', two, { indication: 'TOTAL_PASSED', codes: ['SIGNATURE_FIELD_ADDED', 'SIGNATURE_WIDGET_ADDED'], about: 'control: person then seal; the person signature sees only the seal added' });

  // 1. A reference the signed revision makes to an object it does not define, defined after the seal.
  {
    let hole = 0;
    const prepared = appendRevision(base, (f, w) => {
      const { ref, dict } = firstPage(f);
      const r = w.allocate();
      hole = r.num;
      w.set(ref, dict.clone().set('Annots', [...(asArray(f.resolve(dict.get('Annots'))) ?? []), r]));
    });
    const signed = await signTwice(prepared);
    add(
      'dangling-reference-annotation-overlay.pdf',
      appendRevision(signed, (_f, w) => w.set(new PdfRef(hole, 0), overlayAnnotation(w, 'So tien: 1.000.000.000 VND'))),
      {
        ...failed,
        codes: ['DANGLING_REFERENCE_DEFINED'],
        about: 'the signed page lists an annotation that does not exist; after the seal it is defined and paints another amount over the signed text',
      },
    );
  }

  // 2. The page dictionary re-pointed at a new content stream.
  add(
    'page-contents-replaced.pdf',
    appendRevision(two, (f, w) => {
      const { ref, dict } = firstPage(f);
      const c = w.allocate();
      w.set(c, new PdfStream(new PdfDict(), Buffer.from('BT /F1 14 Tf 72 760 Td (Cong van so 999/UBND-VP: chi 1.000.000.000 VND) Tj ET', 'latin1')));
      w.set(ref, dict.clone().set('Contents', c));
    }),
    { ...failed, codes: ['CONTENT_CHANGED'], about: 'incremental update: the page /Contents points at a new stream' },
  );

  // 3. A script run on opening the document.
  add(
    'openaction-javascript.pdf',
    appendRevision(two, (f, w) => {
      w.set(f.rootRef, f.catalog.clone().set('OpenAction', new PdfDict().set('S', name('JavaScript')).set('JS', text('app.alert("Van ban hop le");'))));
    }),
    { ...failed, codes: ['ACTION_ADDED'], about: 'catalog /OpenAction JavaScript added after signing' },
  );

  // 4. A page open action (additional actions of the page).
  add(
    'page-aa-javascript.pdf',
    appendRevision(two, (f, w) => {
      const { ref, dict } = firstPage(f);
      w.set(ref, dict.clone().set('AA', new PdfDict().set('O', new PdfDict().set('S', name('JavaScript')).set('JS', text('this.print();')))));
    }),
    { ...failed, codes: ['ACTION_ADDED'], about: 'page /AA (open) JavaScript added after signing' },
  );

  // 5. The document-level JavaScript name tree.
  add(
    'names-javascript.pdf',
    appendRevision(two, (f, w) => {
      const js = w.allocate();
      w.set(js, new PdfDict().set('S', name('JavaScript')).set('JS', text('app.alert("x");')));
      w.set(f.rootRef, f.catalog.clone().set('Names', new PdfDict().set('JavaScript', new PdfDict().set('Names', [text('a'), js]))));
    }),
    { ...failed, codes: ['NAMES_CHANGED'], about: 'catalog /Names /JavaScript added after signing' },
  );

  // 6. The font of the signed text redefined through a new xref entry (shadow replace).
  add(
    'font-resource-replaced.pdf',
    appendRevision(two, (f, w) => {
      const fonts = asDict(f.resolve(asDict(f.resolve(firstPage(f).dict.get('Resources')))!.get('Font')))!;
      const fref = [...fonts.map.values()][0] as PdfRef;
      w.set(fref, new PdfDict().set('Type', name('Font')).set('Subtype', name('Type1')).set('BaseFont', name('Symbol')));
    }),
    { ...failed, codes: ['RESOURCE_CHANGED'], about: 'shadow replace: the page font redefined (the same text now shows other glyphs)' },
  );

  // 7. The appearance XObject of the person's visible signature replaced.
  add(
    'signature-appearance-replaced.pdf',
    appendRevision(two, (f, w) => {
      const { dict } = firstPage(f);
      const widget = (asArray(f.resolve(dict.get('Annots'))) ?? []).find(
        (a) => isName(asDict(f.resolve(a))?.get('Subtype'), 'Widget') && asDict(f.resolve(asDict(f.resolve(a))?.get('AP')))?.get('N') instanceof PdfRef && isName(asDict(f.resolve(a))?.get('FT'), 'Sig'),
      )!;
      const ap = asDict(asDict(f.resolve(widget))!.get('AP'))!.get('N') as PdfRef;
      const old = f.resolve(ap) as PdfStream;
      w.set(ap, new PdfStream(old.dict.clone(), Buffer.from('BT /Helv 10 Tf 0 g 4 4 Td (Ky boi: nguoi khac) Tj ET', 'latin1')));
    }),
    { ...failed, codes: ['ANNOTATION_CHANGED'], about: 'the appearance stream (a form XObject) of the first signature widget redefined' },
  );

  // 8. Shadow hide through a new xref entry: a second version of the content, hidden in an earlier revision, is
  //    made current by a cross-reference section that adds no object at all.
  {
    let content = 0;
    const withHidden = appendRevision(base, (f, w) => {
      const c = contentRef(f);
      content = c.num;
      w.set(c, new PdfStream(new PdfDict(), Buffer.from('BT /F1 14 Tf 72 760 Td (Cong van so 123/UBND-VP: chi 1.000.000.000 VND) Tj ET', 'latin1')));
    });
    const hidden = PdfFile.open(withHidden).offsetOf(content)!;
    const restored = appendRevision(withHidden, (f, w) => w.set(new PdfRef(content, 0), PdfFile.open(base).getObject(content)));
    const signed = await signTwice(restored);
    add('shadow-hide-via-new-xref.pdf', appendXrefOnly(signed, content, hidden), {
      ...failed,
      codes: ['CONTENT_CHANGED'],
      about: 'shadow hide: an xref-only revision points the page content at a version hidden in an earlier (signed) revision',
    });
  }

  // 9. Form field changed beyond what DocMDP /P 2 (form filling) permits: moved and unlocked.
  {
    const certified = await signTwice(base, { permission: 2 });
    add(
      'field-changed-beyond-docmdp.pdf',
      appendRevision(certified, (f, w) => {
        const acro = asDict(f.resolve(f.catalog.get('AcroForm')))!;
        const tf = (asArray(f.resolve(acro.get('Fields'))) ?? []).find((x) => isName(asDict(f.resolve(x))?.get('FT'), 'Tx')) as PdfRef;
        w.set(tf, asDict(f.resolve(tf))!.clone().set('V', text('da sua')).set('Rect', [72, 740, 400, 780]).set('Ff', 0));
      }),
      { ...failed, codes: ['FIELD_CHANGED', 'FORM_FILLED'], about: 'DocMDP /P 2: a field filled in (allowed) but also moved over the signed text (/Rect, /Ff changed: not allowed)' },
    );
    add(
      'valid-form-filled-docmdp-p2.pdf',
      appendRevision(certified, (f, w) => {
        const acro = asDict(f.resolve(f.catalog.get('AcroForm')))!;
        const tf = (asArray(f.resolve(acro.get('Fields'))) ?? []).find((x) => isName(asDict(f.resolve(x))?.get('FT'), 'Tx')) as PdfRef;
        w.set(tf, asDict(f.resolve(tf))!.clone().set('V', text('da dien')));
      }),
      { indication: 'TOTAL_PASSED', codes: ['FORM_FILLED'], about: 'control: DocMDP /P 2 and only a field value filled in after both signatures' },
    );
  }

  // 10. The page content stream freed in a later revision (the page shows nothing).
  add(
    'content-deleted.pdf',
    (() => {
      const f = PdfFile.open(two);
      const c = contentRef(f);
      const head = two[two.length - 1] === 0x0a ? '' : '\n';
      const at = two.length + head.length;
      const tail = `${head}xref\n${c.num} 1\n0000000000 00001 f\r\ntrailer\n<< /Size ${f.size} /Root ${f.rootRef.num} 0 R /Prev ${f.startxref} >>\nstartxref\n${at}\n%%EOF\n`;
      return Buffer.concat([Buffer.from(two), Buffer.from(tail, 'latin1')]);
    })(),
    { ...failed, codes: ['OBJECT_DELETED'], about: 'an xref-only revision marks the page content stream free' },
  );

  // 11. An empty signature field whose widget runs a script when the page opens.
  add(
    'signature-widget-with-action.pdf',
    appendRevision(two, (f, w) => {
      const { ref, dict } = firstPage(f);
      const wref = w.allocate();
      w.set(
        wref,
        new PdfDict()
          .set('Type', name('Annot'))
          .set('Subtype', name('Widget'))
          .set('FT', name('Sig'))
          .set('T', text('extra'))
          .set('Rect', [0, 0, 0, 0])
          .set('P', ref)
          .set('AA', new PdfDict().set('PO', new PdfDict().set('S', name('JavaScript')).set('JS', text('app.alert(1);')))),
      );
      const annots = dict.get('Annots');
      if (annots instanceof PdfRef) w.set(annots, [...(asArray(f.resolve(annots)) ?? []), wref]);
      else w.set(ref, dict.clone().set('Annots', [...(asArray(annots) ?? []), wref]));
      const acroRef = f.catalog.get('AcroForm');
      const acro = asDict(f.resolve(acroRef))!;
      const fields = acro.get('Fields');
      if (fields instanceof PdfRef) w.set(fields, [...(asArray(f.resolve(fields)) ?? []), wref]);
      else if (acroRef instanceof PdfRef) w.set(acroRef, acro.clone().set('Fields', [...(asArray(fields) ?? []), wref]));
      else w.set(f.rootRef, f.catalog.clone().set('AcroForm', acro.clone().set('Fields', [...(asArray(fields) ?? []), wref])));
    }),
    { ...failed, codes: ['ACTION_ADDED'], about: 'a new (empty) signature field whose widget has a page-open JavaScript action' },
  );

  // 12. A document security store added after the seal: allowed (PAdES LTV, ETSI EN 319 142-1 §5.4).
  add(
    'valid-dss-added.pdf',
    appendRevision(two, (f, w) => {
      const dss = w.allocate();
      const cert = w.allocate();
      w.set(cert, new PdfStream(new PdfDict(), pki.seal.certificate));
      w.set(dss, new PdfDict().set('Type', name('DSS')).set('Certs', [cert]));
      w.set(f.rootRef, f.catalog.clone().set('DSS', dss));
    }),
    { indication: 'TOTAL_PASSED', codes: ['DSS_UPDATED'], about: 'control: a DSS with the seal certificate added after both signatures (allowed)' },
  );
  return out;
}
