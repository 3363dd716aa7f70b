import { isAgencyCode, type AgencyCode } from '../agency/code.js';
import { parseDocumentId } from './document-id.js';
import { P, leaf } from './common-fields.js';
import { childrenNamed, compact, invalidEdxml, optionalChild, readAgencyCode, readInteger, requiredText } from './read-helpers.js';
import type { XmlElement } from './safe-xml.js';
import type { Bussiness, BussinessDocType, BussinessDocumentInfo, ReplacementInfo } from './types.js';
import type { XmlNode } from './xml-writer.js';
import { quoted, type WarningSink } from './warnings.js';

/**
 * `Bussiness/BussinessDocumentInfo` (update) and `Bussiness/ReplacementInfoList` (replace), QCVN 102:2016.
 * Element order as the vendors' generators write it (Bkav's receiver, VNPT's builder): DocumentInfo,
 * DocumentReceiver, ReceiverList/Receiver(ReceiverType, OrganId); ReplacementInfo(DocumentId,
 * OrganIdList/OrganId*). Both blocks follow StaffInfo inside Bussiness.
 */

export function writeBussinessDocumentInfo(i: BussinessDocumentInfo | undefined): XmlNode | null {
  if (!i) return null;
  return {
    name: `${P}BussinessDocumentInfo`,
    children: [
      leaf('DocumentInfo', i.DocumentInfo),
      leaf('DocumentReceiver', i.DocumentReceiver),
      i.ReceiverList.length > 0
        ? {
            name: `${P}ReceiverList`,
            children: i.ReceiverList.map((r) => ({ name: `${P}Receiver`, children: [leaf('ReceiverType', r.ReceiverType), leaf('OrganId', r.OrganId)] })),
          }
        : null,
    ],
  };
}

export function writeReplacementInfoList(list: readonly ReplacementInfo[] | undefined): XmlNode | null {
  if (!list) return null;
  return {
    name: `${P}ReplacementInfoList`,
    children: list.map((r) => ({
      name: `${P}ReplacementInfo`,
      children: [leaf('DocumentId', r.DocumentId), { name: `${P}OrganIdList`, children: r.OrganIdList.map((o) => leaf('OrganId', o)) }],
    })),
  };
}

export function readBussinessDocumentInfo(el: XmlElement, path: string): BussinessDocumentInfo {
  const listEl = optionalChild(el, 'ReceiverList', path);
  const seen = new Set<string>();
  const ReceiverList = listEl
    ? childrenNamed(listEl, 'Receiver').map((r, i) => {
        const rp = `${path}.ReceiverList.Receiver[${i}]`;
        const receiver = {
          ReceiverType: readInteger(r, 'ReceiverType', rp, { required: true, max: 1 }) as 0 | 1,
          OrganId: readAgencyCode(r, 'OrganId', rp),
        };
        if (seen.has(receiver.OrganId)) throw invalidEdxml(`${rp}.OrganId`, 'duplicate receiver');
        seen.add(receiver.OrganId);
        return receiver;
      })
    : [];
  return compact({
    DocumentInfo: readInteger(el, 'DocumentInfo', path, { required: false, max: 1 }) as 0 | 1 | undefined,
    DocumentReceiver: readInteger(el, 'DocumentReceiver', path, { required: false, max: 1 }) as 0 | 1 | undefined,
    ReceiverList,
  });
}

export function readReplacementInfoList(el: XmlElement, path: string, warnings: WarningSink): ReplacementInfo[] {
  const items = childrenNamed(el, 'ReplacementInfo');
  if (items.length === 0) throw invalidEdxml(`${path}.ReplacementInfo`, 'missing (a replace names at least one replaced document)');
  return items.map((r, i) => {
    const rp = `${path}.ReplacementInfo[${i}]`;
    const DocumentId = requiredText(r, 'DocumentId', rp, 512);
    if (!parseDocumentId(DocumentId)) {
      // The public SDK sample writes `000.00.01.H01,2018,10`: kept as written, it only names the replaced copy.
      if (!warnings) throw invalidEdxml(`${rp}.DocumentId`, 'not a composite document id');
      warnings.push({ code: 'EDXML_REPLACED_ID_NOT_COMPOSITE', path: `${rp}.DocumentId`, detail: `kept as written: ${quoted(DocumentId)}` });
    }
    const organs = optionalChild(r, 'OrganIdList', rp);
    const OrganIdList = organs ? childrenNamed(organs, 'OrganId').map((o, j) => readListedAgencyCode(o, `${rp}.OrganIdList.OrganId[${j}]`)) : [];
    if (OrganIdList.length === 0) throw invalidEdxml(`${rp}.OrganIdList.OrganId`, 'missing (at least one agency)');
    return { DocumentId, OrganIdList };
  });
}

/** One `OrganId` of a list, with readAgencyCode's rules (untrimmed, no white space forgiven). */
function readListedAgencyCode(el: XmlElement, path: string): AgencyCode {
  if (el.children.length > 0 || !isAgencyCode(el.text)) throw invalidEdxml(path, 'not an agency code');
  return el.text;
}

/** Which block a BussinessDocType carries: update → BussinessDocumentInfo, replace → ReplacementInfoList. */
export function bussinessInfoAllowed(type: BussinessDocType): { readonly documentInfo: boolean; readonly replacements: boolean } {
  return { documentInfo: type === 2, replacements: type === 3 };
}

/**
 * Refuses, before writing, a block the BussinessDocType has none of, or an empty replacement list.
 * @throws DomainError `ERR_EDXML_INVALID` with `details.path`.
 */
export function checkBussinessInfo(b: Bussiness): void {
  const allowed = bussinessInfoAllowed(b.BussinessDocType);
  if (b.BussinessDocumentInfo !== undefined && !allowed.documentInfo) {
    throw invalidEdxml('TraceHeaderList.Bussiness.BussinessDocumentInfo', 'only an update (BussinessDocType 2) carries it');
  }
  if (b.ReplacementInfoList !== undefined && !allowed.replacements) {
    throw invalidEdxml('TraceHeaderList.Bussiness.ReplacementInfoList', 'only a replace (BussinessDocType 3) carries it');
  }
}
