import { signedDataDigestAlgorithm, verifyDetached } from '../cms/index.js';
import { CryptoError } from '../errors.js';
import type { HashName } from '../keys/index.js';
import { Checklist } from '../report/index.js';
import type { Indication, SignatureReport } from '../report/types.js';
import { digestByteRange, type ByteRange, type RangeDigester } from './byte-range.js';
import { analyzeChanges } from './change-analysis.js';
import { docMdpPermissionOf } from './docmdp.js';
import type { DssMaterial } from './dss.js';
import { parsePdfDate } from './pdf-date.js';
import { PdfFile } from './pdf-file.js';
import { findStartXref } from './xref.js';
import { listSignatureFields, type SignatureFieldInfo } from './signature-fields.js';
import { asArray, asDict, decodeTextString, isName, objectsEqual, PdfDict, PdfRef, PdfString, type PdfObject } from './syntax/objects.js';
import type { PdfChange, PdfModificationAnalysis, PdfSignatureReport, PdfSubIndication, VerifyPdfOptions } from './types.js';

const ACCEPTED_SUBFILTERS = new Set(['ETSI.CAdES.detached', 'adbe.pkcs7.detached']);
const HASHES = new Set<string>(['SHA-256', 'SHA-384', 'SHA-512']);

interface Failure {
  readonly indication: Indication;
  readonly subIndication: PdfSubIndication;
  readonly explanation: string;
}

function str(file: PdfFile, o: PdfObject | undefined): string | undefined {
  const v = file.resolve(o);
  return v instanceof PdfString ? decodeTextString(v) : undefined;
}

/** Length of a DER TLV at the start of `b` (definite lengths), so the zero padding of /Contents is dropped. */
export function derLength(b: Uint8Array): number | undefined {
  if (b.length < 2 || b[0] !== 0x30) return undefined;
  const l = b[1]!;
  if (l < 0x80) return 2 + l;
  const n = l & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return 2 + n + len <= b.length ? 2 + n + len : undefined;
}

/** True when bytes [from, to) hold nothing but whitespace. */
export function onlyWhitespace(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0x00 && c !== 0x0c) return false;
  }
  return true;
}

/** The signed prefix must end with %%EOF and at most one EOL (ISO 32000-1 §7.5.5; it is a revision). */
function endsWithEof(bytes: Uint8Array, end: number): boolean {
  let i = end;
  if (bytes[i - 1] === 0x0a) i--;
  if (bytes[i - 1] === 0x0d) i--;
  return Buffer.from(bytes.buffer, bytes.byteOffset + i - 5, 5).toString('latin1') === '%%EOF';
}

/**
 * Verifies one signature field in the fixed order of {@link verifyPdf}: signature dictionary, byte range,
 * signed revision, CMS, later revisions.
 */
export async function verifySignatureField(
  pdf: Uint8Array,
  file: PdfFile,
  revs: Array<{ offset: number; end: number }>,
  field: SignatureFieldInfo,
  docMdp: 1 | 2 | 3 | undefined,
  options: VerifyPdfOptions,
  isLast: boolean,
  dss?: DssMaterial,
  coveringPoe?: (gapEnd: number) => { genTime: Date; fieldName: string } | undefined,
  digestRange: RangeDigester = (r, h) => digestByteRange(pdf, r, h),
): Promise<PdfSignatureReport> {
  const steps = new Checklist();
  const base: { -readonly [K in keyof PdfSignatureReport]?: PdfSignatureReport[K] } = { fieldName: field.name, coversWholeDocument: false };
  const none: PdfModificationAnalysis = Object.freeze({ level: 'NONE', changes: Object.freeze([]) });
  const finish = (f: Failure | undefined, extra: Partial<PdfSignatureReport> = {}): PdfSignatureReport =>
    Object.freeze({
      ...base,
      ...extra,
      indication: f ? f.indication : 'TOTAL_PASSED',
      ...(f ? { subIndication: f.subIndication, explanation: f.explanation } : {}),
      checks: Object.freeze(steps.checks),
      modifications: extra.modifications ?? base.modifications ?? none,
    }) as PdfSignatureReport;
  const format = (check: string, detail: string): PdfSignatureReport => {
    steps.fail(check, detail);
    return finish({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', explanation: detail });
  };

  // 1. The signature dictionary.
  const sigRefObj = field.value;
  const sig = asDict(file.resolve(sigRefObj));
  if (!sig) return format('signature-dictionary', 'the field value is not a signature dictionary');
  const subFilter = file.resolve(sig.get('SubFilter'));
  base.subFilter = isName(subFilter) ? subFilter.value : undefined;
  const m = str(file, sig.get('M'));
  const mDate = m !== undefined ? parsePdfDate(m) : undefined;
  if (mDate) base.signingTime = mDate.toISOString();
  const reason = str(file, sig.get('Reason'));
  const location = str(file, sig.get('Location'));
  if (reason !== undefined) base.reason = reason;
  if (location !== undefined) base.location = location;
  const certP = docMdpPermissionOf(file, sig);
  if (certP !== undefined) base.certification = { permission: certP };
  if (isName(sig.get('Type'), 'DocTimeStamp') || base.subFilter === 'ETSI.RFC3161') {
    steps.fail('signature-dictionary', 'document timestamps are not verified yet');
    return finish({ indication: 'INDETERMINATE', subIndication: 'SIG_CONSTRAINTS_FAILURE', explanation: 'document timestamp (ETSI.RFC3161) not verified' });
  }
  if (!base.subFilter || !ACCEPTED_SUBFILTERS.has(base.subFilter)) {
    return format('signature-dictionary', `unsupported /SubFilter ${base.subFilter ?? '(missing)'}`);
  }
  if (sig.has('Cert')) return format('signature-dictionary', '/Cert is not allowed with CMS signatures');
  steps.pass('signature-dictionary', base.subFilter);

  // 2. Byte-range sanity.
  const brRaw = file.resolve(sig.get('ByteRange'));
  const br = asArray(brRaw);
  if (!br || br.length !== 4 || !br.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    return format('byte-range', '/ByteRange must be an array of four non-negative integers');
  }
  const range = br as unknown as ByteRange;
  base.byteRange = Object.freeze([...range]);
  const [a, b, c, d] = range;
  const contents = sig.get('Contents');
  if (!(contents instanceof PdfString)) return format('byte-range', '/Contents is missing or not a string');
  if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length || d < 0) {
    return format('byte-range', `/ByteRange [${range.join(' ')}] does not start at 0 or does not fit the file`);
  }
  if (!contents.hex || contents.start !== b || contents.end !== c) {
    return format('byte-range', 'the gap of /ByteRange is not exactly the /Contents hex string of this signature');
  }
  const signedEnd = c + d;
  if (!endsWithEof(pdf, signedEnd)) return format('byte-range', 'the signed range does not end at the end of a revision (%%EOF)');
  const revIndex = revs.findIndex((r) => r.end === signedEnd || (r.end > signedEnd && onlyWhitespace(pdf, signedEnd, r.end)));
  steps.pass('byte-range');

  // 3. The revision it covers.
  let signed: PdfFile;
  try {
    // The signed revision from the chain read once (linear in revisions), when the prefix's own startxref names it.
    const rev = revIndex >= 0 ? revs[revIndex]! : undefined;
    const prefix = pdf.subarray(0, signedEnd);
    signed = rev && findStartXref(prefix, prefix.length).value === rev.offset ? file.revision(rev.offset, signedEnd) : PdfFile.open(pdf, signedEnd, options.limits ? { limits: options.limits } : {});
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'ERR_PDF_LIMIT') throw e;
    return format('signed-revision', `the signed bytes are not a readable revision (${e instanceof CryptoError ? e.code : 'error'})`);
  }
  const inChain = file.sections.some((s) => s.offset === signed.startxref);
  if (!inChain || revIndex < 0) {
    steps.fail('signed-revision', "the signed revision is not part of the document's revision chain");
    return finish({ indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', explanation: 'the signed revision was detached from the document (incremental saving attack)' });
  }
  base.revision = revIndex + 1;
  base.signedLength = signedEnd;
  base.coversWholeDocument = onlyWhitespace(pdf, signedEnd, pdf.length);
  try {
    const signedSig = sigRefObj instanceof PdfRef ? signed.getObject(sigRefObj.num) : undefined;
    const signedFields = listSignatureFields(signed);
    const sameField = signedFields.some((f) => objectsEqual(f.value, sigRefObj) && f.name === field.name);
    if (!(signedSig instanceof PdfDict) || !objectsEqual(signedSig, sig) || !sameField) {
      steps.fail('signed-revision', 'the signature dictionary or its field differs from the one in the signed revision');
      return finish({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', explanation: 'the signature is not the one of the revision its byte range covers (signature wrapping)' });
    }
  } catch (e) {
    return format('signed-revision', `the signed revision cannot be read (${e instanceof CryptoError ? e.code : 'error'})`);
  }
  steps.pass('signed-revision', `revision ${base.revision} of ${revs.length}`);

  // 4. The CMS, through the generic core.
  let cmsBytes = contents.bytes;
  const len = derLength(cmsBytes);
  if (len !== undefined) cmsBytes = cmsBytes.subarray(0, len);
  let hash: string;
  try {
    hash = signedDataDigestAlgorithm(cmsBytes);
  } catch (e) {
    return format('cms', `/Contents is not a CMS SignedData (${e instanceof CryptoError ? e.code : 'error'})`);
  }
  // A later signature's verified timestamp whose signed bytes include this signature value (and so all of
  // this signature's /Contents, which ends at c) is a proof of existence of it (ETSI EN 319 102-1 §5.6.2.4).
  const covering = coveringPoe?.(c);
  if (covering) steps.pass('covering-timestamp', `the signature timestamp of "${covering.fieldName}" (${covering.genTime.toISOString()}) covers this signature value`);
  const input = HASHES.has(hash) ? { digest: digestRange(range, hash as HashName), hash: hash as HashName } : { content: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]) };
  const context = (material: { intermediates?: readonly Uint8Array[]; crls?: readonly Uint8Array[]; ocspResponses?: readonly Uint8Array[] }) => ({
    trustAnchors: options.trustAnchors,
    now: options.now,
    ...(material.intermediates?.length ? { intermediates: material.intermediates } : {}),
    ...(material.crls?.length ? { crls: material.crls } : {}),
    ...(material.ocspResponses?.length ? { ocspResponses: material.ocspResponses } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    // /M is the signer's claim (PAdES B-B): never the validation time (ETSI EN 319 102-1 §5.5).
    ...(mDate ? { claimedSigningTime: mDate } : {}),
    ...(options.at ? { at: options.at } : {}),
    ...(options.arrivalTime ? { arrivalTime: options.arrivalTime } : {}),
    ...(covering ? { signatureValuePoe: covering.genTime } : {}),
    ...(options.maxClockSkewMs !== undefined ? { maxClockSkewMs: options.maxClockSkewMs } : {}),
    ...(options.timestampTrustAnchors ? { timestampTrustAnchors: options.timestampTrustAnchors } : {}),
    ...(isLast && options.expectedSigners ? { expectedSigners: options.expectedSigners } : {}),
  });
  // The verifier's own validation data and the document's DSS together (ETSI EN 319 102-1 §5.2.5: revocation
  // data from the signature or the document is used like any other; a revocation either source shows decides).
  const withDss = <K extends keyof DssMaterial>(k: K, own: readonly Uint8Array[] | undefined) => (dss && dss[k].length ? [...(own ?? []), ...dss[k]] : own);
  let cms: SignatureReport;
  try {
    cms = await verifyDetached(cmsBytes, input, context({ intermediates: withDss('certificates', options.intermediates), crls: withDss('crls', options.crls), ocspResponses: withDss('ocspResponses', options.ocspResponses) }));
  } catch (e) {
    return format('cms', `/Contents is not a valid CMS SignedData (${e instanceof CryptoError ? e.code : 'error'})`);
  }
  // The level (ETSI EN 319 142-1 §6): B-T with a verified signature timestamp; B-LT when, besides, the
  // document's own validation data (DSS and what the CMS carries) suffice without the verifier's (§6.4).
  base.level = cms.timestamp ? 'B-T' : 'B-B';
  if (dss && cms.timestamp && cms.indication === 'TOTAL_PASSED') {
    let alone: SignatureReport | undefined;
    try {
      alone = await verifyDetached(cmsBytes, input, context({ intermediates: dss.certificates, crls: dss.crls, ocspResponses: dss.ocspResponses }));
    } catch {
      alone = undefined;
    }
    if (alone?.indication === 'TOTAL_PASSED') {
      base.level = 'B-LT';
      steps.pass('validation-data', `B-LT: validates at ${alone.validationTime} (${alone.poe}) from the document's DSS alone`);
    } else {
      steps.pass('validation-data', `B-T: the document's DSS alone does not suffice${alone ? ` (${alone.indication}/${alone.subIndication ?? '-'}${alone.reason ? `: ${alone.reason}` : ''})` : ''}`);
    }
  }
  base.cms = cms;
  let failure: Failure | undefined;
  if (cms.indication !== 'TOTAL_PASSED') {
    steps.fail('cms', cms.reason ?? `${cms.indication}/${cms.subIndication ?? ''}`);
    failure = { indication: cms.indication, subIndication: cms.subIndication ?? 'SIG_CRYPTO_FAILURE', explanation: cms.reason ?? cms.indication };
  } else steps.pass('cms');

  // 5. What the revisions appended after it show and do: the final revision compared with the signed one.
  const changes: PdfChange[] = [];
  if (revIndex + 1 < revs.length) {
    const analysis = analyzeChanges(signed, file, docMdp !== undefined ? { docMdp } : {});
    const revisionOfSection = new Map(revs.map((r, i) => [r.offset, i + 1]));
    for (const ch of analysis.changes) {
      const sec = ch.objectNumber !== undefined ? file.definingSection(ch.objectNumber) : undefined;
      const revision = (sec !== undefined ? revisionOfSection.get(file.sections[sec]!.offset) : undefined) ?? revs.length;
      changes.push(Object.freeze({ revision: Math.max(revision, revIndex + 2), ...ch }));
    }
    changes.sort((x, y) => x.revision - y.revision || (x.objectNumber ?? 0) - (y.objectNumber ?? 0));
    const dangling = analysis.danglingInSigned;
    if (dangling.length > 0) {
      const list = dangling
        .slice(0, 5)
        .map((n) => `object ${n}`)
        .join(', ');
      steps.pass('signed-references', `the signed revision refers to ${dangling.length} object(s) it does not define, read as null: ${list}${dangling.length > 5 ? ', …' : ''}`);
    }
  }
  const disallowed = changes.filter((x) => !x.allowed);
  const level = revIndex + 1 === revs.length ? 'NONE' : disallowed.length > 0 ? 'DISALLOWED' : 'ALLOWED';
  const modifications: PdfModificationAnalysis = Object.freeze({ level, changes: Object.freeze(changes) });
  if (disallowed.length > 0) {
    const what = disallowed
      .slice(0, 3)
      .map((x) => `${x.what} (revision ${x.revision})`)
      .join('; ');
    steps.fail('modifications', what);
    if (!failure || failure.indication !== 'TOTAL_FAILED') {
      failure = { indication: 'TOTAL_FAILED', subIndication: 'DISALLOWED_MODIFICATION', explanation: `changed after signing: ${what}` };
    }
  } else steps.pass('modifications', level === 'NONE' ? 'no later revision' : `${changes.length} permitted change(s)`);
  return finish(failure, { modifications });
}
