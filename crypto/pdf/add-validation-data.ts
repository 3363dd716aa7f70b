import type { TrustAtNow } from '../pki/trust-material.js';
import type { RevocationSubject } from '../report/types.js';
import { inspectSignedData } from '../cms/index.js';
import { CryptoError } from '../errors.js';
import { parseCertificate, parseCrl, parseOcspResponse, validateChain, type ParsedCertificate, type ParsedCrl, type ParsedOcspResponse } from '../pki/index.js';
import { appendDss, type VriEntry } from './dss.js';
import type { PdfLimits } from './limits.js';
import { PdfFile } from './pdf-file.js';
import { listSignatureFields } from './signature-fields.js';
import { asDict, PdfString } from './syntax/objects.js';
import { derLength } from './verify-signature.js';

/** Options of {@link addValidationData}: the trust context the data is gathered from. DER (PEM accepted). */
export interface AddValidationDataOptions extends TrustAtNow {
  readonly limits?: Partial<PdfLimits>;
}

/** The outcome of {@link addValidationData}. */
export interface AddValidationDataResult {
  /** The document with the DSS revision appended. */
  readonly pdf: Uint8Array;
  readonly certificates: number;
  readonly crls: number;
  readonly ocspResponses: number;
  /**
   * Non-anchor certificates of a path for which the trust context had no CRL or OCSP response (B-LT wants
   * revocation data for every one, even a CA that declares no distribution point: validators such as pyHanko
   * require it), and signers or TSAs whose path to an anchor was not found.
   */
  readonly missing: readonly string[];
}

interface Revocation {
  readonly der: Uint8Array;
  readonly crl?: ParsedCrl;
  readonly ocsp?: ParsedOcspResponse;
}

function parseQuietly<T>(items: readonly Uint8Array[] | undefined, parse: (b: Uint8Array) => T): Array<{ der: Uint8Array; parsed: T }> {
  const out: Array<{ der: Uint8Array; parsed: T }> = [];
  for (const der of items ?? []) {
    try {
      out.push({ der, parsed: parse(der) });
    } catch {
      /* not validation data */
    }
  }
  return out;
}

/** The revocation data that answers for `cert`: OCSP responses naming its serial, else the newest CRL of its issuer. */
function revocationFor(cert: ParsedCertificate, crls: ReadonlyArray<{ der: Uint8Array; parsed: ParsedCrl }>, ocsps: ReadonlyArray<{ der: Uint8Array; parsed: ParsedOcspResponse }>): Revocation[] {
  const fromOcsp = ocsps.filter((o) => o.parsed.responses.some((r) => r.serialNumber === cert.serialNumber)).map((o) => ({ der: o.der, ocsp: o.parsed }));
  let best: { der: Uint8Array; parsed: ParsedCrl } | undefined;
  for (const c of crls) {
    if (c.parsed.issuerKey !== cert.issuerKey) continue;
    if (!best || c.parsed.thisUpdate.getTime() > best.parsed.thisUpdate.getTime()) best = c;
  }
  return [...fromOcsp, ...(best ? [{ der: best.der, crl: best.parsed }] : [])];
}

/** The certification paths of one signature field: of its signer and of every certificate its CMS and tokens carry. */
interface SignaturePaths {
  readonly contents: Uint8Array;
  readonly paths: ReadonlyArray<readonly ParsedCertificate[]>;
}

function signaturePaths(file: PdfFile, options: TrustAtNow, anchors: ReadonlySet<string>, missing: Set<string>): SignaturePaths[] {
  const out: SignaturePaths[] = [];
  for (const f of listSignatureFields(file)) {
    const contents = asDict(file.resolve(f.value))?.get('Contents');
    if (!(contents instanceof PdfString)) continue;
    const len = derLength(contents.bytes);
    const cms = len !== undefined ? contents.bytes.subarray(0, len) : contents.bytes;
    let groups: Array<readonly Uint8Array[]>;
    try {
      const info = inspectSignedData(cms);
      groups = [info.certificates, ...info.timestampTokens.map((t) => inspectSignedData(t).certificates)];
    } catch {
      continue; // not a CMS: nothing to make long-term verifiable
    }
    const paths: ParsedCertificate[][] = [];
    for (const embedded of groups) {
      const candidates = [...embedded, ...(options.intermediates ?? [])];
      for (const der of embedded) {
        const result = validateChain({ leaf: der, intermediates: candidates, trustAnchors: options.trustAnchors, crls: [], at: options.now, purpose: 'signature' });
        const path = result.path;
        const top = path[path.length - 1]!;
        if (!anchors.has(top.sha256)) {
          missing.add(`no path to a trust anchor for ${top.subject}`);
          continue;
        }
        paths.push([...path]);
      }
    }
    out.push({ contents: contents.bytes, paths });
  }
  return out;
}

function openForUpdate(pdf: Uint8Array, options: { readonly now: Date; readonly trustAnchors: readonly Uint8Array[]; readonly limits?: Partial<PdfLimits> }): PdfFile {
  if (!(pdf instanceof Uint8Array)) throw new TypeError('pdf must be a Uint8Array');
  if (!options || !(options.now instanceof Date) || !Array.isArray(options.trustAnchors)) throw new TypeError('options.now and options.trustAnchors are required');
  const file = PdfFile.open(pdf, pdf.length, options.limits ? { limits: options.limits } : {});
  if (file.isEncrypted()) throw new CryptoError('ERR_PDF_ENCRYPTED', 'encrypted PDF files cannot be updated');
  return file;
}

export type { RevocationSubject } from '../report/types.js';

/**
 * Every non-anchor certificate of the certification paths of the signatures and signature-time-stamps of a
 * PDF (the same paths {@link addValidationData} gathers), each with its issuer: what a caller fetches OCSP
 * responses for before making the document B-LT. Pure: it reads the file and fetches nothing.
 */
export function listRevocationSubjects(pdf: Uint8Array, options: AddValidationDataOptions): readonly RevocationSubject[] {
  const file = openForUpdate(pdf, options);
  const anchors = new Set(options.trustAnchors.map((a) => parseCertificate(a).sha256));
  const subjects = new Map<string, RevocationSubject>();
  for (const sig of signaturePaths(file, options, anchors, new Set())) {
    for (const path of sig.paths) {
      for (let i = 0; i < path.length - 1; i++) {
        const cert = path[i]!;
        if (!subjects.has(cert.sha256)) subjects.set(cert.sha256, Object.freeze({ certificate: cert.der, issuer: path[i + 1]!.der, ocspUrls: cert.ocspUrls }));
      }
    }
  }
  return Object.freeze([...subjects.values()]);
}

/**
 * Makes a signed PDF long-term verifiable (PAdES B-LT, ETSI EN 319 142-1 §6.4): for every signature and for
 * every signature-time-stamp token in it, builds the certification path from the certificates the CMS and
 * the token carry plus the trust context, and gathers each path certificate and the revocation data that
 * answers for each non-anchor certificate of the path (OCSP responses naming it, else its issuer's newest
 * CRL), then appends them as a Document Security Store with one VRI entry per signature in a new incremental
 * update ({@link appendDss}); signed bytes are untouched. The data comes only from the caller (no fetching).
 * What could not be found is returned in `missing`, so the caller decides whether B-LT was reached.
 */
export function addValidationData(pdf: Uint8Array, options: AddValidationDataOptions): AddValidationDataResult {
  const file = openForUpdate(pdf, options);
  const crls = parseQuietly(options.crls, parseCrl).map((c) => ({ der: c.parsed.der, parsed: c.parsed }));
  const ocsps = parseQuietly(options.ocspResponses, parseOcspResponse);
  const anchors = new Set(options.trustAnchors.map((a) => parseCertificate(a).sha256));
  const allCerts = new Map<string, Uint8Array>();
  const allRevocation = new Map<string, Revocation>();
  const missing = new Set<string>();
  const vri: VriEntry[] = [];

  for (const sig of signaturePaths(file, options, anchors, missing)) {
    const certs = new Map<string, Uint8Array>();
    const revs = new Map<string, Revocation>();
    for (const path of sig.paths) {
      for (const [i, cert] of path.entries()) {
        certs.set(cert.sha256, cert.der);
        if (i === path.length - 1) continue;
        const found = revocationFor(cert, crls, ocsps);
        if (found.length === 0) missing.add(`no revocation data for ${cert.subject}`);
        for (const r of found) revs.set(Buffer.from(r.der).toString('base64'), r);
      }
    }
    for (const [k, v] of certs) allCerts.set(k, v);
    for (const [k, v] of revs) allRevocation.set(k, v);
    const list = [...revs.values()];
    vri.push({
      signatureContents: sig.contents,
      certificates: [...certs.values()],
      crls: list.filter((r) => r.crl).map((r) => r.der),
      ocspResponses: list.filter((r) => r.ocsp).map((r) => r.der),
    });
  }
  const revocation = [...allRevocation.values()];
  const material = {
    certificates: [...allCerts.values()],
    crls: revocation.filter((r) => r.crl).map((r) => r.der),
    ocspResponses: revocation.filter((r) => r.ocsp).map((r) => r.der),
  };
  const out = appendDss(file, material, vri);
  return Object.freeze({
    pdf: out,
    certificates: material.certificates.length,
    crls: material.crls.length,
    ocspResponses: material.ocspResponses.length,
    missing: Object.freeze([...missing]),
  });
}
