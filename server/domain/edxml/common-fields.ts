import { parseDocumentId } from './document-id.js';
import { quoted, type WarningSink } from './warnings.js';
import { compact, invalidEdxml, optionalText, readAgencyCode, readDate, requiredText } from './read-helpers.js';
import type { XmlElement } from './safe-xml.js';
import type { Organization, ResponseFor, StaffInfo } from './types.js';
import type { XmlNode } from './xml-writer.js';

/** Reading and writing of the blocks shared by document and status packages. */

export const P = 'edXML:';

export function leaf(local: string, value: string | number | boolean | undefined): XmlNode | null {
  if (value === undefined) return null;
  return { name: P + local, text: String(value) };
}

export function writeOrganization(local: 'From' | 'To', o: Organization): XmlNode {
  return {
    name: P + local,
    children: [
      leaf('OrganId', o.OrganId),
      leaf('OrganizationInCharge', o.OrganizationInCharge),
      leaf('OrganName', o.OrganName),
      leaf('OrganAdd', o.OrganAdd),
      leaf('Email', o.Email),
      leaf('Telephone', o.Telephone),
      leaf('Fax', o.Fax),
      leaf('Website', o.Website),
    ],
  };
}

export function readOrganization(el: XmlElement, path: string): Organization {
  return compact({
    OrganId: readAgencyCode(el, 'OrganId', path),
    OrganizationInCharge: optionalText(el, 'OrganizationInCharge', path, 1024),
    OrganName: requiredText(el, 'OrganName', path, 1024),
    OrganAdd: optionalText(el, 'OrganAdd', path, 1024),
    Email: optionalText(el, 'Email', path, 320),
    Telephone: optionalText(el, 'Telephone', path, 64),
    Fax: optionalText(el, 'Fax', path, 64),
    Website: optionalText(el, 'Website', path, 1024),
  });
}

export function writeResponseFor(r: ResponseFor): XmlNode {
  return {
    name: `${P}ResponseFor`,
    children: [leaf('OrganId', r.OrganId), leaf('Code', r.Code), leaf('PromulgationDate', r.PromulgationDate), leaf('DocumentId', r.DocumentId)],
  };
}

/** True when a `ResponseFor` holds nothing: no text and only empty leaves (some senders write the block blank). */
export function isEmptyBlock(el: XmlElement): boolean {
  return el.text.trim() === '' && el.children.every((c) => c.children.length === 0 && c.text.trim() === '');
}

/** Reads `ResponseFor`; its DocumentId must be a composite id consistent with its other fields. */
/**
 * `ResponseFor` (OrganId, Code, PromulgationDate, DocumentId). `inconsistentId: 'warn'` (a document's reply
 * reference, informational only) keeps a DocumentId that disagrees with its fields as written, with
 * `EDXML_RESPONSE_FOR_ID_INCONSISTENT`, in a lenient read; a status package's ResponseFor names the document the
 * status acts on, so there it is always refused.
 */
export function readResponseFor(el: XmlElement, path: string, warnings?: WarningSink, inconsistentId: 'refuse' | 'warn' = 'refuse'): ResponseFor {
  const r: ResponseFor = {
    OrganId: readAgencyCode(el, 'OrganId', path),
    Code: requiredText(el, 'Code', path, 256),
    PromulgationDate: readDate(el, 'PromulgationDate', path, true, warnings),
    DocumentId: requiredText(el, 'DocumentId', path, 512),
  };
  const parts = parseDocumentId(r.DocumentId);
  if (!parts) throw invalidEdxml(`${path}.DocumentId`, 'not {organId},{yyyy/MM/dd},{number}/{notation}');
  if (parts.organId !== r.OrganId || parts.promulgationDate !== r.PromulgationDate || `${parts.codeNumber}/${parts.codeNotation}` !== r.Code) {
    if (!warnings || inconsistentId === 'refuse') throw invalidEdxml(`${path}.DocumentId`, 'inconsistent with OrganId, Code or PromulgationDate');
    warnings.push({
      code: 'EDXML_RESPONSE_FOR_ID_INCONSISTENT',
      path: `${path}.DocumentId`,
      detail: `kept as written: ${quoted(r.DocumentId)} disagrees with OrganId, Code or PromulgationDate`,
    });
  }
  return r;
}

export function writeStaffInfo(s: StaffInfo | undefined): XmlNode | null {
  if (!s) return null;
  return {
    name: `${P}StaffInfo`,
    children: [leaf('Department', s.Department), leaf('Staff', s.Staff), leaf('Mobile', s.Mobile), leaf('Email', s.Email)],
  };
}

export function readStaffInfo(el: XmlElement, path: string): StaffInfo {
  return compact({
    Department: optionalText(el, 'Department', path, 1024),
    Staff: optionalText(el, 'Staff', path, 1024),
    Mobile: optionalText(el, 'Mobile', path, 64),
    Email: optionalText(el, 'Email', path, 320),
  });
}
