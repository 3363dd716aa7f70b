import { isDescendantOf, type AgencyCode } from '../../domain/agency/index.js';
import { COUNTER_NAMES, type CounterName, type MonthlyCounters } from '../../domain/ports/node/index.js';
import { monthOf } from '../counting.js';
import type { NodeDeps, NodePrincipal } from '../deps.js';
import { READING_ROLES, requireRole } from '../principal.js';

export type Counts = Readonly<Record<CounterName, number>>;

export interface Ratios {
  /** Documents with valid person and agency signatures / registered outgoing documents (recalled excluded). */
  readonly signed: number | null;
  /** Documents sent only electronically (Paper = 0) / registered outgoing documents. */
  readonly fullyElectronic: number | null;
  /** Incoming packages whose signatures validate / all incoming packages. */
  readonly verifiedInbound: number | null;
}

export interface MonthlyReport extends Counts {
  readonly agencyCode: AgencyCode;
  readonly month: string;
  /** Outgoing documents less recalled ones: the denominator of the outgoing ratios (DOMAIN.md, Reporting). */
  readonly registered: number;
  readonly ratios: Ratios;
  /** The same figures for the agency and every hosted agency below it in the code hierarchy (QCVN 102:2016). */
  readonly rollup: Counts & { readonly registered: number; readonly ratios: Ratios; readonly agencies: readonly AgencyCode[] };
}

const ratio = (a: number, b: number) => (b <= 0 ? null : Math.round((a / b) * 10_000) / 10_000);

function ratiosOf(c: Counts): { registered: number; ratios: Ratios } {
  const registered = c.outgoing - c.recalled;
  return {
    registered,
    ratios: { signed: ratio(c.signed, registered), fullyElectronic: ratio(c.fullyElectronic, registered), verifiedInbound: ratio(c.inboundVerified, c.inbound) },
  };
}

function sum(all: readonly MonthlyCounters[]): Counts {
  const out = Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as Record<CounterName, number>;
  for (const c of all) for (const n of COUNTER_NAMES) out[n] += c[n];
  return out;
}

/**
 * The monthly report of the caller's agency (by promulgation month, Vietnam time): its own counters and the
 * roll-up over the hosted agencies below it in the code hierarchy (a province's figure includes its
 * departments). Read from counters kept as things happen: no scan of documents.
 */
export async function monthlyReport(deps: Pick<NodeDeps, 'counters' | 'agencies' | 'now'>, principal: NodePrincipal, month?: string): Promise<MonthlyReport> {
  requireRole(principal, READING_ROLES);
  const m = month ?? monthOf(deps.now());
  const self = principal.agencyCode;
  const below = (await deps.agencies.list()).map((a) => a.code).filter((code) => isDescendantOf(code, self));
  const counters = await Promise.all([self, ...below].map((code) => deps.counters.get(code, m)));
  const own = counters[0]!;
  const total = sum(counters);
  return Object.freeze({
    ...sum([own]),
    agencyCode: self,
    month: m,
    ...ratiosOf(own),
    rollup: Object.freeze({ ...total, ...ratiosOf(total), agencies: [self, ...below] }),
  });
}
