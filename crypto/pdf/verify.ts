import { CryptoError } from '../errors.js';
import { createRangeDigester } from './byte-range.js';
import type { Indication } from '../report/types.js';
import { docMdpPermissionOf } from './docmdp.js';
import { readDss, type DssMaterial } from './dss.js';
import { PdfFile } from './pdf-file.js';
import { listSignatureFields, type SignatureFieldInfo } from './signature-fields.js';
import { asArray, asDict, objectsEqual, PdfRef, type PdfObject } from './syntax/objects.js';
import type { PdfReport, PdfSignatureReport, PdfSubIndication, VerifyPdfOptions } from './types.js';
import { Checklist } from '../report/index.js';
import { onlyWhitespace, verifySignatureField } from './verify-signature.js';

export type { VerifyPdfOptions } from './types.js';

/** Section offsets of every revision of the chain, with the end offset of each, in file order. */
function revisionEnds(file: PdfFile): Array<{ offset: number; end: number }> {
  return file.sections.map((s) => ({ offset: s.offset, end: file.revisionEnd(s) })).sort((a, b) => a.end - b.end);
}

/**
 * Verifies every signature of a PDF (ISO 32000-1 §12.8; ETSI EN 319 142-1; ETSI EN 319 102-1 for the
 * indications) in a fixed order per signature: signature dictionary, byte-range sanity (starts at 0, two
 * ranges, the gap is exactly the /Contents hex string, ends at the end of a revision of the chain), the
 * revision it covers, the CMS (digest of the byte ranges, signature value, chain and revocation at the
 * signing time) through the generic core, then an analysis of every revision appended after it. Resists
 * the attacks of "PDF Insecurity" (Mladenov et al., CCS 2019) and shadow attacks (Mainka et al., NDSS
 * 2021). Returns a frozen report; throws only when the file cannot be read at all (ERR_PDF_MALFORMED) or
 * is encrypted (ERR_PDF_ENCRYPTED).
 */
export async function verifyPdf(pdf: Uint8Array, options: VerifyPdfOptions): Promise<PdfReport> {
  if (!(pdf instanceof Uint8Array)) throw new TypeError('pdf must be a Uint8Array');
  if (!options || !(options.now instanceof Date) || !Array.isArray(options.trustAnchors)) throw new TypeError('options.now and options.trustAnchors are required');
  const file = PdfFile.open(pdf, pdf.length, options.limits ? { limits: options.limits } : {});
  if (file.isEncrypted()) throw new CryptoError('ERR_PDF_ENCRYPTED', 'encrypted PDF files are not supported');
  const doc = new Checklist();
  const revs = revisionEnds(file);
  const lastEnd = revs[revs.length - 1]!.end;
  if (!onlyWhitespace(pdf, lastEnd, pdf.length)) doc.fail('trailing-data', `${pdf.length - lastEnd} bytes after the last revision are not part of any revision`);
  else doc.pass('trailing-data');

  let fields: SignatureFieldInfo[];
  try {
    fields = listSignatureFields(file).filter((f) => f.value !== undefined);
    doc.pass('signature-fields', `${fields.length} signed field(s)`);
  } catch (e) {
    throw new CryptoError('ERR_PDF_MALFORMED', 'the AcroForm cannot be read', { cause: e });
  }

  // A signature listed in an earlier revision must still be listed: removing one hides it from the report.
  const removed = findRemovedSignatures(file, revs, fields);
  if (removed.length > 0) doc.fail('removed-signatures', `signature field(s) removed after signing: ${removed.join(', ')}`);
  else doc.pass('removed-signatures');

  // The certification signature, if any, sets the permissions for every later change.
  let docMdp: 1 | 2 | 3 | undefined;
  const permsSig = asDict(file.resolve(file.catalog.get('Perms')))?.get('DocMDP');
  if (permsSig !== undefined) docMdp = docMdpPermissionOf(file, permsSig) ?? 2;

  const ordered: Array<{ field: SignatureFieldInfo; end: number; gapStart?: number }> = fields.map((f) => {
    const br = asArray(file.resolve(asDict(file.resolve(f.value))?.get('ByteRange')));
    const a = br?.[2];
    const b = br?.[3];
    const gap = br?.[1];
    return { field: f, end: typeof a === 'number' && typeof b === 'number' ? a + b : Number.MAX_SAFE_INTEGER, ...(typeof gap === 'number' ? { gapStart: gap } : {}) };
  });
  ordered.sort((x, y) => x.end - y.end);
  // The signatures' first ranges are prefixes of the file: hashed once for all of them.
  const digestRange = createRangeDigester(
    pdf,
    ordered.flatMap((o) => (o.gapStart !== undefined ? [o.gapStart] : [])),
  );

  // The validation data the document carries (PAdES B-LT), read from its final revision.
  let dss: DssMaterial | undefined;
  try {
    dss = readDss(file);
    if (dss) doc.pass('dss', `${dss.certificates.length} certificate(s), ${dss.crls.length} CRL(s), ${dss.ocspResponses.length} OCSP response(s)`);
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'ERR_PDF_LIMIT') throw e;
    dss = undefined;
    doc.pass('dss', `the DSS cannot be read and is not used (${e instanceof CryptoError ? e.code : 'error'})`);
  }

  // Latest first, so a later signature's verified timestamp can be a proof of existence for every earlier
  // signature value its signed bytes include (ETSI EN 319 102-1 §5.6.2.4: POE of signed data).
  const reports: PdfSignatureReport[] = new Array(ordered.length);
  const proofs: CoveringPoe[] = [];
  for (let i = ordered.length - 1; i >= 0; i--) {
    const isLast = i === ordered.length - 1;
    const r = await verifySignatureField(pdf, file, revs, ordered[i]!.field, docMdp, options, isLast, dss, (gapEnd) => earliestCovering(proofs, gapEnd), digestRange);
    reports[i] = r;
    const proof = coveringPoeOf(r);
    if (proof) proofs.push(proof);
  }

  let indication: Indication = 'TOTAL_PASSED';
  let sub: PdfSubIndication | undefined;
  let explanation: string | undefined;
  if (reports.length === 0) {
    indication = 'INDETERMINATE';
    sub = 'SIGNED_DATA_NOT_FOUND';
    explanation = 'the document has no signature';
  } else {
    const failed = reports.find((r) => r.indication === 'TOTAL_FAILED');
    const indet = reports.find((r) => r.indication === 'INDETERMINATE');
    const worst = failed ?? indet;
    if (worst) {
      indication = worst.indication;
      sub = worst.subIndication;
      explanation = `signature "${worst.fieldName}": ${worst.explanation ?? worst.indication}`;
    }
  }
  const removedFail = doc.checks.find((c) => c.name === 'removed-signatures' && !c.passed);
  if (removedFail) {
    indication = 'TOTAL_FAILED';
    sub = 'DISALLOWED_MODIFICATION';
    explanation = removedFail.detail;
  }
  const trailingFail = doc.checks.find((c) => c.name === 'trailing-data' && !c.passed);
  if (trailingFail && indication === 'TOTAL_PASSED') {
    indication = 'INDETERMINATE';
    sub = 'SIG_CONSTRAINTS_FAILURE';
    explanation = trailingFail.detail;
  }
  return Object.freeze({
    indication,
    ...(sub ? { subIndication: sub } : {}),
    ...(explanation ? { explanation } : {}),
    revisions: revs.length,
    ...(reports.length > 0 && reports[reports.length - 1]!.level ? { level: reports[reports.length - 1]!.level } : {}),
    ...(dss ? { dss: Object.freeze({ certificates: dss.certificates.length, crls: dss.crls.length, ocspResponses: dss.ocspResponses.length }) } : {}),
    signatures: Object.freeze(reports),
    checks: Object.freeze(doc.checks),
  });
}

/** A later signature's verified timestamp and the first byte its signed ranges do not include. */
interface CoveringPoe {
  readonly genTime: Date;
  readonly fieldName: string;
  /** The signature's own /Contents gap starts here: every byte before it is signed. */
  readonly coveredUpTo: number;
}

/**
 * The proof a verified signature offers to the signatures under it: its signature timestamp verified, and
 * its signature value verified over a message digest that matched the signed bytes (so the timestamp, over
 * that signature value, proves the bytes existed). Anything less proves nothing about earlier bytes.
 */
function coveringPoeOf(r: PdfSignatureReport): CoveringPoe | undefined {
  const cms = r.cms;
  if (!cms?.timestamp || !cms.intact || !cms.valid || !r.byteRange || r.byteRange[0] !== 0) return undefined;
  const genTime = new Date(cms.timestamp.genTime);
  if (Number.isNaN(genTime.getTime())) return undefined;
  return { genTime, fieldName: r.fieldName, coveredUpTo: r.byteRange[1]! };
}

/** The earliest proof among later signatures whose signed bytes include everything up to `gapEnd`. */
function earliestCovering(proofs: readonly CoveringPoe[], gapEnd: number): { genTime: Date; fieldName: string } | undefined {
  let best: CoveringPoe | undefined;
  for (const p of proofs) if (p.coveredUpTo >= gapEnd && (!best || p.genTime.getTime() < best.genTime.getTime())) best = p;
  return best ? { genTime: best.genTime, fieldName: best.fieldName } : undefined;
}

/**
 * Names of signed fields of earlier revisions whose signature dictionary the final AcroForm no longer lists.
 * Each revision's view comes from the chain read once, and a revision is listed again only when its own
 * section redefines an object the previous listing read: linear in revisions for documents that do not
 * touch their form in every revision.
 */
function findRemovedSignatures(file: PdfFile, revs: Array<{ offset: number; end: number }>, current: SignatureFieldInfo[]): string[] {
  const present = new Set(current.flatMap((f) => (f.value instanceof PdfRef ? [f.value.num] : [])));
  const removed = new Set<string>();
  const byOffset = new Map(file.sections.map((s) => [s.offset, s]));
  let read: Set<number> | undefined;
  let root: PdfObject | undefined;
  for (const r of revs.slice(0, -1)) {
    const section = byOffset.get(r.offset);
    const sameRoot = section !== undefined && objectsEqual(section.trailer.get('Root'), root);
    root = section?.trailer.get('Root');
    if (read && section && sameRoot && ![...section.entries.keys()].some((n) => read!.has(n))) continue;
    let earlier: PdfFile;
    try {
      earlier = file.revision(r.offset, r.end);
    } catch (e) {
      if (e instanceof CryptoError && e.code === 'ERR_PDF_LIMIT') throw e;
      read = undefined;
      continue; // e.g. the first-page section of a linearized file: not a revision of its own
    }
    const log = new Set<number>();
    try {
      for (const f of earlier.tracking(log, () => listSignatureFields(earlier))) {
        if (f.value instanceof PdfRef && !present.has(f.value.num)) removed.add(f.name);
      }
      read = log;
    } catch {
      read = undefined;
      continue;
    }
  }
  return [...removed];
}
