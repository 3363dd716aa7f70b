import { signDetached } from '../cms/index.js';
import { timestampSignature, type SignatureTimestamper } from '../cms/add-timestamp.js';
import { CryptoError } from '../errors.js';
import type { HashName, RsaScheme, SigningIdentity } from '../keys/index.js';
import { summarizeCertificate } from '../pki/index.js';
import { drawRoleAppearance } from './appearance/draw-role.js';
import type { PdfAppearanceOptions, PdfSignatureRole } from './appearance/types.js';
import { digestByteRange } from './byte-range.js';
import { findDocMdpPermission } from './docmdp.js';
import { IncrementalWriter } from './incremental-writer.js';
import { formatIsoWithOffset, formatPdfDate } from './pdf-date.js';
import { PdfFile } from './pdf-file.js';
import { appendSignaturePlaceholder, embedSignatureContents, type PreparedSignature } from './signature-field.js';
import { listSignatureFields } from './signature-fields.js';
import { asArray, asDict, PdfRef } from './syntax/objects.js';

export interface SignPdfOptions {
  readonly identity: SigningIdentity;
  /** Decree 30/2020: `signer` (the competent person), `seal` (the agency), `attachment` (agency, on attached files). */
  readonly role: PdfSignatureRole;
  /** The signing time written to /M (PAdES B-B carries no signing-time attribute: ETSI EN 319 142-1 §5.3). */
  readonly signingTime: Date;
  /** Offset of the local time shown and written to /M, in minutes. Default 420 (+07:00, Vietnam). */
  readonly timeZoneOffsetMinutes?: number;
  /** Default SHA-256. */
  readonly hash?: HashName;
  readonly scheme?: RsaScheme;
  readonly reason?: string;
  readonly location?: string;
  readonly contactInfo?: string;
  /** Certify with DocMDP (ISO 32000-1 §12.8.2.2): `true` means /P 2 (form filling and signing allowed). */
  readonly certify?: boolean | { readonly permission: 1 | 2 | 3 };
  /** The visible appearance; `false` for an invisible signature. Default: visible with default layout. */
  readonly appearance?: PdfAppearanceOptions | false;
  /**
   * Field name; default the first free "SignatureN". When it names an existing empty signature field, the
   * signature goes into that field and its widget's page and rectangle (ISO 32000-1 §12.7.4.5).
   */
  readonly fieldName?: string;
  /**
   * Bytes reserved in /Contents beyond the CMS just made, for a later timestamp and revocation data
   * (PAdES B-T/B-LT). Default 8192.
   */
  readonly reserveBytes?: number;
  /**
   * Obtains an RFC 3161 token over the signature value (the caller does the I/O, e.g. an HTTP TSA): the token
   * becomes the signature-time-stamp unsigned attribute (PAdES B-T, ETSI EN 319 142-1 §6.3). A failing
   * timestamper fails the signing: a B-T signature is never silently made as B-B.
   */
  readonly timestamp?: SignatureTimestamper;
}

export interface SignPdfResult {
  readonly pdf: Uint8Array;
  readonly fieldName: string;
  readonly byteRange: readonly [number, number, number, number];
}

interface EmptyField {
  readonly field: PdfRef;
  readonly widget: PdfRef;
  readonly pageIndex: number;
  readonly rect?: readonly [number, number, number, number];
}

/** The existing unsigned signature field named `fieldName`, with its widget's page and rectangle. */
function findEmptyField(file: PdfFile, fieldName: string | undefined): EmptyField | undefined {
  if (fieldName === undefined) return undefined;
  const f = listSignatureFields(file).find((x) => x.name === fieldName);
  if (!f) return undefined;
  if (f.value !== undefined) throw new CryptoError('ERR_PDF_UNSUPPORTED', `signature field "${fieldName}" is already signed`);
  const w = f.widgets[0];
  if (!f.ref || !w?.ref) throw new CryptoError('ERR_PDF_UNSUPPORTED', `signature field "${fieldName}" is not an indirect object`);
  const pages = file.pageRefs();
  const p = w.dict.get('P');
  let pageIndex = p instanceof PdfRef ? pages.findIndex((x) => x.num === p.num) : -1;
  if (pageIndex < 0) {
    pageIndex = pages.findIndex((pg) => (asArray(file.resolve(asDict(file.resolve(pg))?.get('Annots'))) ?? []).some((a) => a instanceof PdfRef && a.num === w.ref!.num));
  }
  if (pageIndex < 0) throw new CryptoError('ERR_PDF_UNSUPPORTED', `signature field "${fieldName}" is on no page`);
  const r = w.rect;
  const rect = r ? ([Math.min(r[0], r[2]), Math.min(r[1], r[3]), Math.max(r[0], r[2]), Math.max(r[1], r[3])] as const) : undefined;
  return { field: f.ref, widget: w.ref, pageIndex, ...(rect && rect[2] - rect[0] >= 1 && rect[3] - rect[1] >= 1 ? { rect } : {}) };
}

function commonName(subject: string): string | undefined {
  const m = /(?:^|,)\s*CN=((?:\\.|[^,\\])*)/.exec(subject);
  return m?.[1]?.replace(/\\(.)/g, '$1').trim();
}

/** An upper bound of the CMS size before signing, from the certificates it carries and the key size. */
function estimateCmsBytes(identity: SigningIdentity): number {
  const certs = identity.certificate.length + identity.chain.reduce((n, c) => n + c.length, 0);
  const sig = identity.signer.keyType === 'RSA' ? Math.ceil(identity.signer.keyBits / 8) : 2 * Math.ceil(identity.signer.keyBits / 8) + 9;
  // SignedData framing, algorithm identifiers, signed attributes (content-type, message-digest, ESS
  // signing-certificate-v2 with issuer and serial) comfortably fit in 1.5 KB.
  return certs + sig + 1536;
}

/**
 * Signs a PDF as PAdES baseline B-B (ETSI EN 319 142-1 §6.3: /SubFilter ETSI.CAdES.detached, ESS
 * signing-certificate-v2, no signing-time attribute, /M in the signature dictionary) by an append-only
 * incremental update: the input bytes are kept verbatim so earlier signatures stay valid (ISO 32000-1 §12.8).
 * The byte ranges are hashed as views of the output; /Contents is sized from the certificates and key,
 * and if the CMS still does not fit, the update is rebuilt once with room for it (never truncated).
 */
export async function signPdf(pdf: Uint8Array, options: SignPdfOptions): Promise<SignPdfResult> {
  return signPdfSized(pdf, options, undefined);
}

/** {@link signPdf} with the first /Contents size forced (tests exercise the rebuild path with it). */
export async function signPdfSized(pdf: Uint8Array, options: SignPdfOptions, firstContentsBytes: number | undefined): Promise<SignPdfResult> {
  if (!(pdf instanceof Uint8Array)) throw new TypeError('pdf must be a Uint8Array');
  if (!options || !options.identity) throw new TypeError('options.identity is required');
  if (!(options.signingTime instanceof Date) || Number.isNaN(options.signingTime.getTime())) throw new TypeError('options.signingTime must be a valid Date');
  if (!['signer', 'seal', 'attachment'].includes(options.role)) throw new TypeError('options.role must be signer, seal or attachment');
  const hash = options.hash ?? 'SHA-256';
  const reserve = options.reserveBytes ?? 8192;
  if (!Number.isSafeInteger(reserve) || reserve < 0) throw new TypeError('options.reserveBytes must be a non-negative integer');
  const offset = options.timeZoneOffsetMinutes ?? 420;
  if (!Number.isSafeInteger(offset) || Math.abs(offset) > 14 * 60) throw new TypeError('options.timeZoneOffsetMinutes must be an integer within ±840');

  const file = PdfFile.open(pdf);
  if (file.isEncrypted()) throw new CryptoError('ERR_PDF_ENCRYPTED', 'encrypted PDF files cannot be signed');
  const mdp = findDocMdpPermission(file);
  if (mdp === 1) throw new CryptoError('ERR_PDF_UNSUPPORTED', 'the document is certified with DocMDP /P 1: no change, not even a signature, is allowed');
  const docMdpP = options.certify === undefined || options.certify === false ? undefined : options.certify === true ? 2 : options.certify.permission;
  if (docMdpP !== undefined && listSignatureFields(file).some((f) => f.value !== undefined)) {
    throw new CryptoError('ERR_PDF_UNSUPPORTED', 'only the first signature of a document can certify it (DocMDP)');
  }
  const empty = findEmptyField(file, options.fieldName);
  const certName = commonName(summarizeCertificate(options.identity.certificate).subject) ?? '';

  const build = async (contentsBytes: number): Promise<PreparedSignature> => {
    const writer = new IncrementalWriter(file);
    let pageIndex = 0;
    let rect: readonly [number, number, number, number] = [0, 0, 0, 0];
    let appearanceRef;
    if (options.appearance !== false) {
      const drawn = await drawRoleAppearance({
        file,
        writer,
        role: options.role,
        options: options.appearance ?? {},
        certificateName: certName,
        isoTime: formatIsoWithOffset(options.signingTime, offset),
        ...(empty?.rect ? { fixed: { pageIndex: empty.pageIndex, rect: empty.rect } } : {}),
      });
      pageIndex = drawn.pageIndex;
      rect = drawn.rect;
      appearanceRef = drawn.ref;
    }
    return appendSignaturePlaceholder({
      file,
      writer,
      pageIndex,
      rect,
      ...(appearanceRef ? { appearance: appearanceRef } : {}),
      ...(options.fieldName !== undefined ? { fieldName: options.fieldName } : {}),
      ...(empty ? { emptyField: { field: empty.field, widget: empty.widget } } : {}),
      contentsBytes,
      signature: {
        subFilter: 'ETSI.CAdES.detached',
        m: formatPdfDate(options.signingTime, offset),
        ...(options.reason !== undefined ? { reason: options.reason } : {}),
        ...(options.location !== undefined ? { location: options.location } : {}),
        ...(options.contactInfo !== undefined ? { contactInfo: options.contactInfo } : {}),
        ...(docMdpP !== undefined ? { docMdpP } : {}),
      },
    });
  };

  let size = firstContentsBytes ?? estimateCmsBytes(options.identity) + reserve;
  for (let attempt = 0; ; attempt++) {
    const prepared = await build(size);
    const digest = digestByteRange(prepared.bytes, prepared.byteRange, hash);
    const signed = await signDetached({ digest, hash }, { identity: options.identity, hash, ...(options.scheme ? { scheme: options.scheme } : {}) });
    const cms = options.timestamp ? await timestampSignature(signed, options.timestamp) : signed;
    if (cms.length <= prepared.contentsBytes || attempt > 0) {
      return Object.freeze({ pdf: embedSignatureContents(prepared, cms), fieldName: prepared.fieldName, byteRange: prepared.byteRange });
    }
    size = cms.length + reserve;
  }
}
