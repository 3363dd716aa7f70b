import type { PdfFile } from './pdf-file.js';
import { asArray, asDict, asInteger, isName, type PdfObject } from './syntax/objects.js';

/** The /TransformParams /P of a DocMDP signature dictionary (ISO 32000-1 §12.8.2.2), if it has one. */
export function docMdpPermissionOf(file: PdfFile, sigDict: PdfObject | undefined): 1 | 2 | 3 | undefined {
  const refs = asArray(file.resolve(asDict(file.resolve(sigDict))?.get('Reference'))) ?? [];
  for (const r of refs) {
    const d = asDict(file.resolve(r));
    if (!d || !isName(d.get('TransformMethod'), 'DocMDP')) continue;
    const p = asInteger(file.resolve(asDict(file.resolve(d.get('TransformParams')))?.get('P'))) ?? 2;
    return p === 1 || p === 3 ? p : 2;
  }
  return undefined;
}

/** The document's DocMDP permission from catalog /Perms /DocMDP, if certified. */
export function findDocMdpPermission(file: PdfFile): 1 | 2 | 3 | undefined {
  const perms = asDict(file.resolve(file.catalog.get('Perms')));
  const sig = perms?.get('DocMDP');
  return sig === undefined ? undefined : (docMdpPermissionOf(file, sig) ?? 2);
}
