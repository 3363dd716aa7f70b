import { isDescendantOf, type AgencyCode } from '../../domain/agency/index.js';
import { DomainError } from '../../domain/errors.js';
import type { CounterName } from '../../domain/ports/node/index.js';
import { monthOf } from '../counting.js';
import type { NodeDeps, NodePrincipal } from '../deps.js';
import { READING_ROLES, requireRole } from '../principal.js';
import { figuresOf, ZERO_TALLY, type Figures, type Tally } from './figures.js';
import { ownOf } from './rollup.js';
import { addMonths, subtreeOf, type SubtreeNode } from './subtree.js';

export type Counts = Readonly<Record<CounterName, number>>;

export interface Ratios {
  /** Documents with valid person and agency signatures / registered outgoing documents (recalled excluded). */
  readonly signed: number | null;
  /** Documents sent only electronically (Paper = 0) / registered outgoing documents. */
  readonly fullyElectronic: number | null;
  /** Incoming packages whose signatures validate / all incoming packages. */
  readonly verifiedInbound: number | null;
}

/** One agency's row: its figures including every agency below it in the report. */
export interface ReportRow extends Figures, SubtreeNode {}

/** One month of the 12-month trend of the reporting agency (rolled up like its row). */
export interface TrendPoint {
  readonly month: string;
  readonly outgoing: number;
  readonly signedRatio: number | null;
  readonly fullyElectronicRatio: number | null;
  readonly verifiedRatio: number | null;
}

export interface MonthlyReport extends Counts {
  readonly agencyCode: AgencyCode;
  readonly agencyName: string;
  readonly month: string;
  /** `agency`: the agency alone (clerks, leaders); `subtree`: with every hosted agency below it (admin, auditor). */
  readonly scope: 'agency' | 'subtree';
  /** The reporting agency's figures (rows[0]). */
  readonly figures: Figures;
  /** The reporting agency first, then each agency below it, depth first, each with its own subtree rolled in. */
  readonly rows: readonly ReportRow[];
  /** The 12 months ending with `month`, oldest first. */
  readonly trend: readonly TrendPoint[];
  /** The reporting agency's own counters (without descendants): the counts above, and these. */
  readonly registered: number;
  readonly ratios: Ratios;
  /** The roll-up over the agencies of the report (the reporting agency's row in the old shape). */
  readonly rollup: Counts & { readonly registered: number; readonly ratios: Ratios; readonly agencies: readonly AgencyCode[] };
}

export interface MonthlyReportRequest {
  /** `YYYY-MM`; default the current month in Vietnam time. */
  readonly month?: string;
  /** A hosted agency: the caller's own (default) or, for admin and auditor, one below it. */
  readonly agency?: AgencyCode;
}

export const TREND_MONTHS = 12;
const SUBTREE_ROLES = ['admin', 'auditor'] as const;

function legacyRatios(f: Figures): Ratios {
  return { signed: f.signedRatio, fullyElectronic: f.fullyElectronicRatio, verifiedInbound: f.verifiedRatio };
}

/** Who may see which agency: clerks and leaders their own; admin and auditor their own and any below it. */
function scopeOf(principal: NodePrincipal, target: AgencyCode): 'agency' | 'subtree' {
  requireRole(principal, READING_ROLES);
  const subtree = principal.roles.some((r) => (SUBTREE_ROLES as readonly string[]).includes(r));
  if (target !== principal.agencyCode && !(subtree && isDescendantOf(target, principal.agencyCode))) {
    throw new DomainError('ERR_FORBIDDEN', subtree ? 'the agency is not under yours in the code hierarchy' : 'clerks and leaders see only their own agency', { details: { agency: target } });
  }
  return subtree ? 'subtree' : 'agency';
}

/**
 * The monthly report of an agency (by promulgation month, Vietnam time): a row per agency of its subtree,
 * each rolled up over the agencies below it (a province's figure includes its departments), and the 12-month
 * trend. Read by _id from the subtree roll-up and the trend of the agency, kept as things happen: no scan of
 * documents or counters (an agency's row holds every agency below it in the code hierarchy with counters on
 * this node).
 */
export async function monthlyReport(deps: Pick<NodeDeps, 'counters' | 'agencies' | 'now'>, principal: NodePrincipal, request: MonthlyReportRequest | string = {}): Promise<MonthlyReport> {
  const req = typeof request === 'string' ? { month: request } : request;
  const target = req.agency ?? principal.agencyCode;
  const scope = scopeOf(principal, target);
  const month = req.month ?? monthOf(deps.now());
  const hosted = await deps.agencies.list();
  const self = hosted.find((a) => a.code === target);
  if (!self && target !== principal.agencyCode) throw new DomainError('ERR_AGENCY_UNKNOWN', `${target} is not hosted on this node`);
  const root = { code: target, name: self?.name ?? target };
  const nodes = scope === 'subtree' ? subtreeOf(root, hosted) : subtreeOf(root, []);
  const first = addMonths(month, -(TREND_MONTHS - 1));
  const months = Array.from({ length: TREND_MONTHS }, (_, k) => addMonths(first, k));
  // Two or three point reads by _id, whatever the size of the subtree: the roll-up of (agency, month), which
  // holds the agency's total and that of every code below it (each row of the report), and the agency's trend
  // documents of the one or two years the 12 months span (storage/node/rollup-repository.ts).
  const [sheet, trendMonths] = await Promise.all([deps.counters.getRollup(target, month), deps.counters.getTrend(target, first, month)]);
  const ownTally = ownOf(sheet);
  const counted = (counts: Counts): Tally => ({ counts, histograms: ZERO_TALLY.histograms });
  let rowTallies: Tally[];
  let trendTallies: Tally[];
  let total: Tally;
  if (scope === 'agency') {
    trendTallies = trendMonths.map((t) => counted(t.own));
    total = ownTally;
    rowTallies = [ownTally];
  } else {
    trendTallies = trendMonths.map((t) => counted(t.total));
    total = sheet.total;
    rowTallies = nodes.map((n, i) => (i === 0 ? total : (sheet.descendants.get(n.code) ?? ZERO_TALLY)));
  }
  const rows: ReportRow[] = nodes.map((n, i) => Object.freeze({ ...n, ...figuresOf(rowTallies[i]!) }));
  const trend: TrendPoint[] = months.map((m, k) => {
    const f = figuresOf(trendTallies[k]!);
    return Object.freeze({ month: m, outgoing: f.outgoing, signedRatio: f.signedRatio, fullyElectronicRatio: f.fullyElectronicRatio, verifiedRatio: f.verifiedRatio });
  });

  const ownFigures = figuresOf(ownTally);
  const totalFigures = figuresOf(total);
  return Object.freeze({
    ...ownTally.counts,
    agencyCode: target,
    agencyName: root.name,
    month,
    scope,
    figures: rows[0]!,
    rows: Object.freeze(rows),
    trend: Object.freeze(trend),
    registered: ownFigures.outgoing,
    ratios: legacyRatios(ownFigures),
    rollup: Object.freeze({ ...total.counts, registered: totalFigures.outgoing, ratios: legacyRatios(totalFigures), agencies: nodes.map((n) => n.code) }),
  });
}
