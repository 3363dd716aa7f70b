import type { AgencyCode } from '../agency/code.js';
import type { BussinessDocType, EdocPackage } from './types.js';

/** What a document package asks of its receiver, from `Bussiness.BussinessDocType` (QCVN 102:2016). */
export type BussinessIntent = 'new' | 'revoke' | 'update' | 'replace';

const INTENTS: Readonly<Record<BussinessDocType, BussinessIntent>> = { 0: 'new', 1: 'revoke', 2: 'update', 3: 'replace' };

export function bussinessIntentOf(pkg: EdocPackage): BussinessIntent {
  return INTENTS[pkg.TraceHeaderList.Bussiness.BussinessDocType];
}

/**
 * True when the package revokes an earlier document (`BussinessDocType` 1). A recall may arrive this way or
 * as status 13; both are handled as a recall of `Bussiness.DocumentId` (DOMAIN.md).
 */
export function isRevokePackage(pkg: EdocPackage): boolean {
  return pkg.TraceHeaderList.Bussiness.BussinessDocType === 1;
}

/** The earlier documents a revoke, update or replace acts on at one receiver, and whether it may be new there. */
export interface EarlierDocuments {
  /** The composite DocumentIds the package acts on at this receiver, in package order; empty for a new document. */
  readonly targets: readonly string[];
  /**
   * True when the package itself says this receiver may hold none of them: an update whose
   * `BussinessDocumentInfo/ReceiverList` names the receiver (a receiver the update changes, e.g. one it adds),
   * or a replace whose `ReplacementInfoList` names other agencies' copies only. Such a package is stored as a
   * new document there; any other package whose target is unknown is refused.
   */
  readonly mayBeNew: boolean;
}

/**
 * What a document package acts on at `receiver` (QCVN 102:2016 `Bussiness`): a revoke or an update its
 * `Bussiness/DocumentId`; a replace the `ReplacementInfo/DocumentId`s whose `OrganIdList` names the receiver
 * (several documents may be replaced at once), or `Bussiness/DocumentId` when it carries no
 * `ReplacementInfoList`.
 */
export function earlierDocumentsFor(pkg: EdocPackage, receiver: AgencyCode): EarlierDocuments {
  const b = pkg.TraceHeaderList.Bussiness;
  if (b.BussinessDocType === 0) return { targets: [], mayBeNew: true };
  const own = b.DocumentId ?? pkg.MessageHeader.DocumentId;
  if (b.BussinessDocType === 3 && b.ReplacementInfoList) {
    const targets = [...new Set(b.ReplacementInfoList.filter((r) => r.OrganIdList.includes(receiver)).map((r) => r.DocumentId))];
    return { targets, mayBeNew: targets.length === 0 };
  }
  if (b.BussinessDocType === 2) {
    return { targets: [own], mayBeNew: (b.BussinessDocumentInfo?.ReceiverList ?? []).some((r) => r.OrganId === receiver) };
  }
  return { targets: [own], mayBeNew: false };
}
