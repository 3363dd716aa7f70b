import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { CryptoError } from '../errors.js';
import { decodeStream } from './filters.js';
import { IncrementalWriter } from './incremental-writer.js';
import type { PdfFile } from './pdf-file.js';
import { asArray, asDict, name, PdfDict, PdfRef, PdfStream, type PdfObject } from './syntax/objects.js';

/** Entries a DSS may hold before the reader refuses it (each array of /Certs, /CRLs, /OCSPs). */
export const MAX_DSS_ENTRIES = 1000;
/** Size cap of one decoded DSS stream (a CRL of a large CA can be a few MB). */
const MAX_DSS_STREAM = 16 * 1024 * 1024;

/** Validation data of a Document Security Store (ETSI EN 319 142-1 §5.4.2), DER each. */
export interface DssMaterial {
  readonly certificates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
  readonly ocspResponses: readonly Uint8Array[];
}

/** What one signature needs, for its VRI entry (ETSI EN 319 142-1 §5.4.2.2). */
export interface VriEntry {
  /** The raw bytes of the signature's /Contents string (the key is their SHA-1, as pyHanko and Acrobat do). */
  readonly signatureContents: Uint8Array;
  readonly certificates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
  readonly ocspResponses: readonly Uint8Array[];
}

function readStreams(file: PdfFile, o: PdfObject | undefined, what: string): Uint8Array[] {
  const list = asArray(file.resolve(o));
  if (!list) return [];
  if (list.length > MAX_DSS_ENTRIES) throw new CryptoError('ERR_PDF_LIMIT', `the DSS lists more than ${MAX_DSS_ENTRIES} ${what}`);
  const out: Uint8Array[] = [];
  for (const item of list) {
    const s = file.resolve(item);
    if (!(s instanceof PdfStream)) continue;
    try {
      out.push(decodeStream(s, file.budget, MAX_DSS_STREAM));
    } catch (e) {
      if (e instanceof CryptoError && e.code === 'ERR_PDF_LIMIT') throw e;
      // an unreadable entry is no validation data; what it should have proven stays unproven
    }
  }
  return out;
}

/**
 * The validation data of the document's Document Security Store (ETSI EN 319 142-1 §5.4.2; ISO 32000-2
 * §12.8.4.3): the streams of /Certs, /CRLs and /OCSPs of the catalog's /DSS in the revision `file` shows.
 * VRI dictionaries only group the same streams per signature, so they add nothing to read. Entries that do not
 * decode are skipped; more than {@link MAX_DSS_ENTRIES} in one array is ERR_PDF_LIMIT.
 */
export function readDss(file: PdfFile): DssMaterial | undefined {
  const dss = asDict(file.resolve(file.catalog.get('DSS')));
  if (!dss) return undefined;
  return {
    certificates: readStreams(file, dss.get('Certs'), 'certificates'),
    crls: readStreams(file, dss.get('CRLs'), 'CRLs'),
    ocspResponses: readStreams(file, dss.get('OCSPs'), 'OCSP responses'),
  };
}

const hexKey = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Appends a Document Security Store in a new incremental update (ETSI EN 319 142-1 §5.4.2, PAdES B-LT §6.4):
 * every certificate, CRL and OCSP response once, as a Flate stream, listed in /Certs, /CRLs, /OCSPs of a new
 * /DSS dictionary in the catalog (an existing DSS's entries are kept), plus one /VRI entry per signature keyed
 * by the upper-case hex SHA-1 of its /Contents (§5.4.2.2). The only object of the signed revisions that changes
 * is the catalog, by its /DSS entry, which change analysis permits after a signature (ISO 32000-2 §12.8.4.3).
 */
export function appendDss(file: PdfFile, material: DssMaterial, vri: readonly VriEntry[] = []): Uint8Array {
  const writer = new IncrementalWriter(file);
  const old = readDss(file) ?? { certificates: [], crls: [], ocspResponses: [] };
  const refs = new Map<string, PdfRef>();
  const embed = (der: Uint8Array): PdfRef => {
    const key = hexKey(der);
    let ref = refs.get(key);
    if (!ref) {
      ref = writer.allocate();
      writer.set(ref, new PdfStream(new PdfDict([['Filter', name('FlateDecode')]]), deflateSync(der)));
      refs.set(key, ref);
    }
    return ref;
  };
  const list = (items: readonly Uint8Array[]) => {
    const seen = new Set<number>();
    return items.map(embed).filter((r) => !seen.has(r.num) && (seen.add(r.num), true));
  };
  const dss = new PdfDict([['Type', name('DSS')]]);
  const certs = list([...old.certificates, ...material.certificates]);
  const crls = list([...old.crls, ...material.crls]);
  const ocsps = list([...old.ocspResponses, ...material.ocspResponses]);
  if (certs.length) dss.set('Certs', certs);
  if (crls.length) dss.set('CRLs', crls);
  if (ocsps.length) dss.set('OCSPs', ocsps);
  const oldVri = asDict(file.resolve(asDict(file.resolve(file.catalog.get('DSS')))?.get('VRI')));
  if (vri.length || oldVri) {
    const v = new PdfDict(oldVri?.map);
    for (const e of vri) {
      const entry = new PdfDict();
      const c = list(e.certificates);
      const r = list(e.crls);
      const o = list(e.ocspResponses);
      if (c.length) entry.set('Cert', c);
      if (r.length) entry.set('CRL', r);
      if (o.length) entry.set('OCSP', o);
      const ref = writer.allocate();
      writer.set(ref, entry);
      v.set(createHash('sha1').update(e.signatureContents).digest('hex').toUpperCase(), ref);
    }
    dss.set('VRI', v);
  }
  const dssRef = writer.allocate();
  writer.set(dssRef, dss);
  const catalog = file.catalog.clone().set('DSS', dssRef);
  writer.set(writer.refTo(file.rootRef.num), catalog);
  return writer.build().bytes;
}
