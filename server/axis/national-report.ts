import { rootAgencyCode, type AgencyCode } from '../domain/agency/index.js';
import { DomainError } from '../domain/errors.js';
import { VIETNAM_OFFSET_MS, vietnamMonthOf } from '../domain/vietnam-time.js';
import type { DeliveryRecord } from '../domain/ports/axis/index.js';
import type { AxisDeps } from './deps.js';

/** One agency's traffic through the axis in a month, as the axis saw it. */
export interface NationalFigures {
  /** Document packages the agency submitted (one per package, whatever the number of recipients). */
  readonly packagesSent: number;
  /** Deliveries of those packages (package × recipient). */
  readonly deliveriesSent: number;
  /** Document deliveries addressed to the agency. */
  readonly received: number;
  /** Of the deliveries sent: the receiver answered 01 (received: its verification passed). */
  readonly answered01: number;
  /** Of the deliveries sent: the receiver answered 02 (refused, e.g. a signature failed its verification). */
  readonly answered02: number;
  /** Of the deliveries sent: no 01 or 02 yet. */
  readonly unanswered: number;
  /** answered01 / (answered01 + answered02); null when nothing was answered. */
  readonly share01: number | null;
  /** answered02 / (answered01 + answered02); null when nothing was answered. */
  readonly share02: number | null;
}

export interface NationalAgencyRow extends NationalFigures {
  readonly code: AgencyCode;
  readonly name: string;
}

/** A level-1 organisation (a ministry, a province) with every agency of its code tree that had traffic. */
export interface NationalGroup extends NationalFigures {
  readonly code: AgencyCode;
  readonly name: string;
  readonly agencies: readonly NationalAgencyRow[];
}

export interface NationalReport {
  readonly month: string;
  /** The month as instants: [from, to), Vietnam time (+07:00). */
  readonly from: string;
  readonly to: string;
  readonly totals: NationalFigures;
  readonly groups: readonly NationalGroup[];
}

/** Most deliveries one report reads; beyond, ERR_PAYLOAD_TOO_LARGE rather than an answer that silently undercounts. */
export const NATIONAL_REPORT_MAX_DELIVERIES = 500_000;
const PAGE = 1000;

/** [start, end) of a calendar month in Vietnam time (UTC+07:00, no daylight saving). */
export function vietnamMonthRange(month: string): { from: Date; to: Date } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new DomainError('ERR_VALIDATION', 'month must be YYYY-MM', { details: { issues: [{ path: 'query.month', message: 'YYYY-MM' }] } });
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from: new Date(Date.UTC(y, mo - 1, 1) - VIETNAM_OFFSET_MS), to: new Date(Date.UTC(y, mo, 1) - VIETNAM_OFFSET_MS) };
}

export { vietnamMonthOf };

interface Tally {
  packages: Set<string>;
  deliveriesSent: number;
  received: number;
  answered01: number;
  answered02: number;
}
const newTally = (): Tally => ({ packages: new Set(), deliveriesSent: 0, received: 0, answered01: 0, answered02: 0 });

function figuresOf(t: { packagesSent: number; deliveriesSent: number; received: number; answered01: number; answered02: number }): NationalFigures {
  const answered = t.answered01 + t.answered02;
  return {
    packagesSent: t.packagesSent,
    deliveriesSent: t.deliveriesSent,
    received: t.received,
    answered01: t.answered01,
    answered02: t.answered02,
    unanswered: t.deliveriesSent - answered,
    share01: answered ? t.answered01 / answered : null,
    share02: answered ? t.answered02 / answered : null,
  };
}
const sum = (rows: readonly NationalFigures[]) =>
  figuresOf(
    rows.reduce((a, r) => ({ packagesSent: a.packagesSent + r.packagesSent, deliveriesSent: a.deliveriesSent + r.deliveriesSent, received: a.received + r.received, answered01: a.answered01 + r.answered01, answered02: a.answered02 + r.answered02 }), {
      packagesSent: 0,
      deliveriesSent: 0,
      received: 0,
      answered01: 0,
      answered02: 0,
    }),
  );

async function monthDeliveries(deps: Pick<AxisDeps, 'deliveries'>, from: Date, to: Date): Promise<DeliveryRecord[]> {
  const out: DeliveryRecord[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = await deps.deliveries.listSubmittedBetween({ type: 'edoc', from, to, skip, limit: PAGE });
    out.push(...page);
    if (out.length > NATIONAL_REPORT_MAX_DELIVERIES) throw new DomainError('ERR_PAYLOAD_TOO_LARGE', `more than ${NATIONAL_REPORT_MAX_DELIVERIES} deliveries in the month`, { details: { maxDeliveries: NATIONAL_REPORT_MAX_DELIVERIES } });
    if (page.length < PAGE) return out;
  }
}

/**
 * The axis operator's national view of a month (issue 13): per agency, the document packages it sent and the
 * deliveries it received through the axis, and how the receivers answered its deliveries — 01 (received, the
 * receiver's verification passed) or 02 (refused) —, rolled up by level-1 code (a ministry or a province with
 * every agency below it). The month is that of the submission at the axis, Vietnam time; an answer counts
 * for the month of the package it answers, whenever it came. Reads the deliveries of the month and the
 * statuses about their documents: no document content, which the axis does not keep in the clear for this.
 */
export async function nationalMonthlyReport(deps: Pick<AxisDeps, 'deliveries' | 'registry'>, input: { readonly month: string }): Promise<NationalReport> {
  const { from, to } = vietnamMonthRange(input.month);
  const edocs = await monthDeliveries(deps, from, to);
  const answers = await answersOf(deps, edocs, to);
  const tallies = new Map<AgencyCode, Tally>();
  const tallyOf = (code: AgencyCode) => tallies.get(code) ?? (tallies.set(code, newTally()), tallies.get(code)!);
  for (const d of edocs) {
    const s = tallyOf(d.sender);
    s.packages.add(d.docId);
    s.deliveriesSent++;
    tallyOf(d.recipient).received++;
    // The answer travels the other way: from the delivery's recipient to its sender.
    const a = answers.get(deliveryKey(d));
    if (a === '01') s.answered01++;
    else if (a === '02') s.answered02++;
  }
  const names = await registryNames(
    deps,
    [...tallies.keys()].flatMap((c) => [c, rootAgencyCode(c)]),
  );
  const rows: NationalAgencyRow[] = [...tallies.entries()].map(([code, t]) => ({ code, name: names.get(code) ?? code, ...figuresOf({ ...t, packagesSent: t.packages.size }) })).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const byRoot = new Map<AgencyCode, NationalAgencyRow[]>();
  for (const r of rows) {
    const root = rootAgencyCode(r.code);
    byRoot.set(root, [...(byRoot.get(root) ?? []), r]);
  }
  const groups: NationalGroup[] = [...byRoot.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([code, agencies]) => ({ code, name: names.get(code) ?? code, ...sum(agencies), agencies }));
  return { month: input.month, from: from.toISOString(), to: to.toISOString(), totals: sum(rows), groups };
}

const deliveryKey = (d: DeliveryRecord) => `${d.docId}\u0000${d.recipient}`;

/**
 * The first 01 or 02 that answered each delivery of the month, by delivery (package id × recipient). A status
 * names only the DocumentId it answers (edXML), not the package, so a DocumentId resent in another month would
 * otherwise share its answer: a status answers the latest package of that DocumentId from its sender to it
 * submitted before the status (resends after the month included), and only the first answer of a delivery counts.
 */
async function answersOf(deps: Pick<AxisDeps, 'deliveries'>, edocs: readonly DeliveryRecord[], monthEnd: Date): Promise<Map<string, '01' | '02'>> {
  const ids = [...new Set(edocs.map((d) => d.documentId))];
  const statuses: DeliveryRecord[] = [];
  const packages = [...edocs];
  for (let i = 0; i < ids.length; i += PAGE) {
    statuses.push(...(await deps.deliveries.listStatusesAbout(ids.slice(i, i + PAGE), ['01', '02'])));
    packages.push(...(await deps.deliveries.listEdocsAboutSince(ids.slice(i, i + PAGE), monthEnd)));
  }
  // Packages per (DocumentId, sender, recipient), oldest first.
  const byKey = new Map<string, DeliveryRecord[]>();
  for (const p of packages) {
    const k = `${p.documentId}\u0000${p.sender}\u0000${p.recipient}`;
    byKey.set(k, [...(byKey.get(k) ?? []), p]);
  }
  for (const list of byKey.values()) list.sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  const inMonth = new Set(edocs.map(deliveryKey));
  const answers = new Map<string, '01' | '02'>();
  statuses.sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  for (const s of statuses) {
    // The answer travels the other way: from the delivery's recipient to its sender.
    const list = byKey.get(`${s.documentId}\u0000${s.recipient}\u0000${s.sender}`) ?? [];
    let answered: DeliveryRecord | undefined;
    for (const p of list) if (p.submittedAt.getTime() <= s.submittedAt.getTime()) answered = p;
    if (!answered) continue;
    const k = deliveryKey(answered);
    if (inMonth.has(k) && !answers.has(k)) answers.set(k, s.statusCode as '01' | '02');
  }
  return answers;
}

/** Names from the registry: every page of it when many agencies had traffic, else one read per code. */
async function registryNames(deps: Pick<AxisDeps, 'registry'>, codes: readonly AgencyCode[]): Promise<Map<AgencyCode, string>> {
  const wanted = new Set(codes);
  const names = new Map<AgencyCode, string>();
  if (wanted.size <= 50) {
    for (const code of wanted) {
      const a = await deps.registry.findByCode(code);
      if (a) names.set(code, a.name);
    }
    return names;
  }
  for (let skip = 0; ; skip += PAGE) {
    const page = await deps.registry.list({ skip, limit: PAGE });
    for (const a of page.items) if (wanted.has(a.code)) names.set(a.code, a.name);
    if (page.items.length < PAGE) return names;
  }
}
