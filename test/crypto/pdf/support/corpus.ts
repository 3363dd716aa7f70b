import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeySigner, signPdf, type SigningIdentity } from '../../../../crypto/index.js';
import { IncrementalWriter } from '../../../../crypto/pdf/incremental-writer.js';
import { PdfFile } from '../../../../crypto/pdf/pdf-file.js';
import { asArray, asDict, name, PdfDict, PdfRef, PdfStream, PdfString } from '../../../../crypto/pdf/syntax/objects.js';
import { pdfLibDocument } from './inputs.js';
import { opensslSignedDocument } from './openssl-signed.js';
import type { TestPki } from './pki.js';
import { vietnameseFont, work } from './tools.js';

/** What verifyPdf must say about a corpus file. */
export interface Expected {
  readonly indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
  readonly subIndication?: string;
  /** The attack or defect, in words. */
  readonly about: string;
}

export interface CorpusEntry {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly expected: Expected;
}

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Replaces `from` by `to` (same length, padded with spaces) at its last occurrence before `before`. */
function patch(bytes: Uint8Array, from: string, to: string, before = bytes.length): Uint8Array {
  const out = Buffer.from(bytes);
  const at = out.lastIndexOf(from, before, 'latin1');
  if (at < 0) throw new Error(`"${from}" not found`);
  if (to.length > from.length) throw new Error('patch must not grow the file');
  out.write(to.padEnd(from.length, ' '), at, 'latin1');
  return out;
}

function selfSignedIdentity(): SigningIdentity {
  const dir = work;
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'self.key'), '-out', join(dir, 'self.pem'), '-subj', '/CN=Self-signed impostor (DEV)', '-days', '3650', '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation'],
    { stdio: 'ignore' },
  );
  execFileSync('openssl', ['x509', '-in', join(dir, 'self.pem'), '-outform', 'DER', '-out', join(dir, 'self.der')]);
  return { signer: createKeySigner(createPrivateKey(readFileSync(join(dir, 'self.key')))), certificate: new Uint8Array(readFileSync(join(dir, 'self.der'))), chain: [] };
}

/** Appends one revision made by `edit` with the incremental writer (as an attacker's tool would). */
function appendRevision(pdf: Uint8Array, edit: (file: PdfFile, w: IncrementalWriter) => void): Uint8Array {
  const file = PdfFile.open(pdf);
  const w = new IncrementalWriter(file);
  edit(file, w);
  return w.build().bytes;
}

function firstPage(file: PdfFile): { ref: PdfRef; dict: PdfDict } {
  const ref = file.pageRefs()[0]!;
  return { ref, dict: asDict(file.resolve(ref))! };
}

/** Builds the negative (and a few positive) corpus files, one per attack or defect. */
export async function buildCorpus(pki: TestPki, signingTime: Date): Promise<CorpusEntry[]> {
  const font = vietnameseFont();
  const base = await pdfLibDocument(1, { form: true });
  const s1 = await signPdf(base, { identity: pki.person, role: 'signer', signingTime, appearance: { font } });
  const signed = s1.pdf;
  const [, b, c] = s1.byteRange;
  const two = (await signPdf(signed, { identity: pki.seal, role: 'seal', signingTime: new Date(signingTime.getTime() + 60_000), appearance: { font } })).pdf;
  const out: CorpusEntry[] = [];
  const add = (file: string, bytes: Uint8Array, expected: Expected): void => {
    out.push({ file, bytes, expected });
  };

  add('valid-two-signatures.pdf', two, { indication: 'TOTAL_PASSED', about: 'person then agency seal, both visible (Decree 30/2020)' });
  add('valid-openssl-adbe-pkcs7.pdf', opensslSignedDocument(base, pki, { subFilter: 'adbe.pkcs7.detached', signingTime }), { indication: 'TOTAL_PASSED', about: 'signed by openssl cms -sign (adbe.pkcs7.detached, signing-time attribute)' });
  add('valid-openssl-cades.pdf', opensslSignedDocument(base, pki, { subFilter: 'ETSI.CAdES.detached', signingTime }), { indication: 'TOTAL_PASSED', about: 'signed by openssl cms -sign -cades (ETSI.CAdES.detached)' });

  const textField = (file: PdfFile): PdfRef => {
    const acro = asDict(file.resolve(file.catalog.get('AcroForm')))!;
    return (asArray(file.resolve(acro.get('Fields'))) ?? []).find((f) => f instanceof PdfRef && asDict(file.resolve(f))?.get('FT') instanceof Object && (asDict(file.resolve(f))!.get('FT') as { value: string }).value === 'Tx') as PdfRef;
  };
  add(
    'valid-form-filled-after-signing.pdf',
    appendRevision(signed, (f, w) => {
      const ref = textField(f);
      w.set(
        ref,
        asDict(f.resolve(ref))!
          .clone()
          .set('V', new PdfString(Buffer.from('da dien'), false)),
      );
    }),
    { indication: 'TOTAL_PASSED', about: 'a text field filled in after an approval signature (allowed form filling)' },
  );

  add(
    'content-changed-after-signing.pdf',
    appendRevision(signed, (f, w) => {
      const { dict } = firstPage(f);
      const contents = dict.get('Contents');
      const ref = contents instanceof PdfRef ? contents : (asArray(contents)![0] as PdfRef);
      w.set(ref, new PdfStream(new PdfDict(), Buffer.from('BT /F1 24 Tf 72 700 Td (PAY 1.000.000.000 VND) Tj ET')));
    }),
    { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', about: 'incremental saving attack: the page content stream replaced in a later revision' },
  );

  add(
    'annotation-added-after-signing.pdf',
    appendRevision(signed, (f, w) => {
      const { ref, dict } = firstPage(f);
      const annot = w.allocate();
      w.set(
        annot,
        new PdfDict()
          .set('Type', name('Annot'))
          .set('Subtype', name('FreeText'))
          .set('Rect', [72, 300, 400, 340])
          .set('Contents', new PdfString(Buffer.from('Sua doi'), false))
          .set('DA', new PdfString(Buffer.from('/Helv 14 Tf 0 g'), false)),
      );
      const annots = asArray(f.resolve(dict.get('Annots'))) ?? [];
      const a = dict.get('Annots');
      if (a instanceof PdfRef) w.set(a, [...annots, annot]);
      else w.set(ref, dict.clone().set('Annots', [...annots, annot]));
    }),
    { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', about: 'a FreeText annotation added after signing' },
  );

  add(
    'shadow-replace-font.pdf',
    appendRevision(signed, (f, w) => {
      const { dict } = firstPage(f);
      const fonts = asDict(f.resolve(asDict(f.resolve(dict.get('Resources')))!.get('Font')))!;
      const fref = [...fonts.map.values()][0] as PdfRef;
      w.set(fref, new PdfDict().set('Type', name('Font')).set('Subtype', name('Type1')).set('BaseFont', name('Courier')).set('Encoding', name('WinAnsiEncoding')));
    }),
    { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', about: 'shadow attack (replace): a font of the signed page redefined through a new xref entry' },
  );

  add(
    'shadow-hide-overlay.pdf',
    appendRevision(signed, (f, w) => {
      const { ref, dict } = firstPage(f);
      const overlay = w.allocate();
      w.set(overlay, new PdfStream(new PdfDict(), Buffer.from('q 1 1 1 rg 60 740 480 40 re f Q')));
      const c = dict.get('Contents');
      w.set(ref, dict.clone().set('Contents', [...(Array.isArray(c) ? c : [c!]), overlay]));
    }),
    { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', about: 'shadow attack (hide): an overlay appended to the page contents to hide signed text' },
  );

  add(
    'shadow-hide-and-replace-catalog.pdf',
    appendRevision(signed, (f, w) => {
      const pages = w.allocate();
      const page = w.allocate();
      const content = w.allocate();
      w.set(content, new PdfStream(new PdfDict(), Buffer.from('BT /F1 24 Tf 72 700 Td (Entirely different document) Tj ET')));
      const old = firstPage(f).dict;
      w.set(
        page,
        new PdfDict()
          .set('Type', name('Page'))
          .set('Parent', pages)
          .set('MediaBox', [0, 0, 595.28, 841.89])
          .set('Contents', content)
          .set('Resources', old.get('Resources')!)
          .set('Annots', old.get('Annots') ?? []),
      );
      w.set(pages, new PdfDict().set('Type', name('Pages')).set('Kids', [page]).set('Count', 1));
      w.set(f.rootRef, f.catalog.clone().set('Pages', pages));
    }),
    { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', about: 'shadow attack (hide-and-replace): the catalog re-pointed at a new page tree' },
  );

  add(
    'signature-dictionary-replaced.pdf',
    appendRevision(signed, (f, w) => {
      const fields = asArray(f.resolve(asDict(f.resolve(f.catalog.get('AcroForm')))!.get('Fields')))!;
      const sigField = fields.map((x) => asDict(f.resolve(x))!).find((d) => d.get('FT') instanceof Object && (d.get('FT') as { value: string }).value === 'Sig')!;
      const sigRef = sigField.get('V') as PdfRef;
      w.set(
        sigRef,
        asDict(f.resolve(sigRef))!
          .clone()
          .set('Reason', new PdfString(Buffer.from('forged'), false)),
      );
    }),
    { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', about: 'the signature dictionary redefined after signing (signature wrapping)' },
  );

  // A new xref section without /Prev, redefining the page content: the signed revision is cut off the chain.
  {
    const file = PdfFile.open(signed);
    const content = (() => {
      const c = firstPage(file).dict.get('Contents');
      return c instanceof PdfRef ? c : (asArray(c)![0] as PdfRef);
    })();
    const body = Buffer.from(`\n${content.num} 0 obj\n<< /Length 52 >>\nstream\nBT /F1 24 Tf 72 700 Td (PAY 1.000.000.000 VND) Tj ET\nendstream\nendobj\n`, 'latin1');
    const objAt = signed.length + 1;
    const xrefAt = signed.length + body.length;
    let table = `xref\n0 ${file.size}\n0000000000 65535 f \n`;
    for (let n = 1; n < file.size; n++) {
      const off = n === content.num ? objAt : file.offsetOf(n);
      table += off === undefined ? '0000000000 65535 f \n' : `${String(off).padStart(10, '0')} 00000 n \n`;
    }
    table += `trailer\n<< /Size ${file.size} /Root ${file.rootRef.num} 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    add('isa-xref-without-prev.pdf', Buffer.concat([buf(signed), body, Buffer.from(table, 'latin1')]), {
      indication: 'TOTAL_FAILED',
      subIndication: 'DISALLOWED_MODIFICATION',
      about: 'incremental saving attack: a complete new xref without /Prev detaches the signed revision',
    });
  }

  add('isa-objects-without-xref.pdf', Buffer.concat([buf(signed), Buffer.from('\n4 0 obj\n<< /Length 10 >>\nstream\nBT ET q Q\nendstream\nendobj\n', 'latin1')]), {
    indication: 'INDETERMINATE',
    subIndication: 'SIG_CONSTRAINTS_FAILURE',
    about: 'objects appended after %%EOF without a cross-reference section (for lenient readers)',
  });

  // Byte-range and /Contents defects (universal signature forgery, Mladenov et al. 2019), patched in place.
  const brText = buf(signed).toString('latin1', buf(signed).lastIndexOf('/ByteRange [', b, 'latin1'), b);
  const brArray = brText.slice(brText.indexOf('['), brText.indexOf(']') + 1);
  add('usf-missing-byterange.pdf', patch(signed, '/ByteRange [', '/ByteRangX [', b), { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', about: 'universal signature forgery: no /ByteRange' });
  add('usf-null-byterange.pdf', patch(signed, brArray, 'null', b), { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', about: 'universal signature forgery: /ByteRange null' });
  add('usf-odd-byterange.pdf', patch(signed, brArray, '[0 1 2]', b), { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', about: 'universal signature forgery: /ByteRange with three numbers' });
  const nums = brArray.slice(1, -1).trim().split(/\s+/).map(Number) as [number, number, number, number];
  add('signature-wrapping-gap.pdf', patch(signed, brArray, `[0 ${nums[1]} ${nums[2] + 16} ${nums[3] - 16}]`, b), {
    indication: 'TOTAL_FAILED',
    subIndication: 'FORMAT_FAILURE',
    about: 'signature wrapping: the gap of /ByteRange is larger than /Contents',
  });
  add('usf-missing-contents.pdf', patch(signed, '/Contents <', '/Contentz <', b + 1), { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', about: 'universal signature forgery: no /Contents' });
  {
    const z = Buffer.from(signed);
    z.fill(0x30, b + 1, c - 1);
    add('usf-zero-contents.pdf', z, { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', about: 'universal signature forgery: /Contents all zeros' });
  }
  add('usf-cert-subfilter.pdf', patch(signed, '/SubFilter /ETSI.CAdES.detached', '/SubFilter /adbe.x509.rsa_sha1', b), { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', about: '/SubFilter adbe.x509.rsa_sha1 (needs /Cert): refused' });
  {
    const z = Buffer.from(signed);
    // The RSA signature value is the last thing of the CMS: flip a hex digit inside it.
    const hex = z.toString('latin1', b + 1, c - 1).replace(/0+$/, '');
    const at = b + 1 + hex.length - 20;
    z[at] = z[at] === 0x61 ? 0x62 : 0x61;
    add('signature-value-changed.pdf', z, { indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE', about: 'one byte of the signature value changed' });
  }
  {
    const z = Buffer.from(signed);
    const at = z.indexOf('/MediaBox [0 0 595.28', 0, 'latin1');
    if (at < 0 || at > b) throw new Error('MediaBox not found in the signed range');
    z[at + 16] = 0x36; // 595.28 → 695.28: the same length, so no offset moves
    add('content-byte-changed.pdf', z, { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', about: 'one byte of the signed content changed in place' });
  }
  add('untrusted-signer.pdf', (await signPdf(base, { identity: selfSignedIdentity(), role: 'signer', signingTime, appearance: false })).pdf, {
    indication: 'INDETERMINATE',
    subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
    about: 'a self-signed signer outside the trusted hierarchy',
  });
  {
    const certified = (await signPdf(base, { identity: pki.person, role: 'signer', signingTime, appearance: false, certify: { permission: 1 } })).pdf;
    // signPdf refuses to sign a /P 1 document; an attacker's tool does not: use the lower layers.
    const { appendSignaturePlaceholder } = await import('../../../../crypto/pdf/signature-field.js');
    const file = PdfFile.open(certified);
    const prepared = appendSignaturePlaceholder({ file, writer: new IncrementalWriter(file), pageIndex: 0, rect: [0, 0, 0, 0], contentsBytes: 8, signature: { subFilter: 'ETSI.CAdES.detached', m: 'D:20260101000000Z' } });
    add('docmdp-p1-then-signed.pdf', prepared.bytes, { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', about: 'a signature field added to a document certified with DocMDP /P 1' });
  }
  add(
    'signature-field-removed.pdf',
    appendRevision(two, (f, w) => {
      const acroRef = f.catalog.get('AcroForm');
      const acro = asDict(f.resolve(acroRef))!;
      const fields = asArray(f.resolve(acro.get('Fields')))!;
      // Drop every signature field from the form: a viewer would show an unsigned document.
      const kept = fields.filter((x) => !(asDict(f.resolve(x))?.get('FT') instanceof Object && (asDict(f.resolve(x))!.get('FT') as { value: string }).value === 'Sig'));
      if (acroRef instanceof PdfRef) w.set(acroRef, acro.clone().set('Fields', kept));
      else w.set(f.rootRef, f.catalog.clone().set('AcroForm', acro.clone().set('Fields', kept)));
    }),
    { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', about: 'both signature fields removed from the AcroForm in a later revision' },
  );
  {
    const certified = (await signPdf(base, { identity: pki.person, role: 'signer', signingTime, appearance: false, certify: { permission: 1 } })).pdf;
    add(
      'docmdp-p1-then-form-filled.pdf',
      appendRevision(certified, (f, w) => {
        const ref = textField(f);
        w.set(
          ref,
          asDict(f.resolve(ref))!
            .clone()
            .set('V', new PdfString(Buffer.from('da sua'), false)),
        );
      }),
      { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', about: 'a form field filled in on a document certified with DocMDP /P 1 (no change allowed)' },
    );
  }
  add('no-signature.pdf', base, { indication: 'INDETERMINATE', subIndication: 'SIGNED_DATA_NOT_FOUND', about: 'an unsigned document' });
  return out;
}
