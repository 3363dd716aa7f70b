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
