import type { AgencyCode } from '../domain/agency/index.js';
import type { AxisAgencySummary } from '../domain/ports/node/index.js';
import type { NodeDeps, NodePrincipal } from './deps.js';
import { READING_ROLES, requireRole } from './principal.js';

/** How long the node keeps the registry list before asking the axis again. */
export const REGISTRY_CACHE_MS = 5 * 60_000;
/** At most this many agencies are read (the development registry has a few dozen; a country a few thousand). */
const MAX_AGENCIES = 20_000;
const PAGE_SIZE = 100;

interface Cached {
  readonly at: number;
  readonly items: Promise<readonly AxisAgencySummary[]>;
}
const caches = new WeakMap<object, Cached>();

async function readAll(deps: Pick<NodeDeps, 'axis'>, as: AgencyCode): Promise<readonly AxisAgencySummary[]> {
  const out: AxisAgencySummary[] = [];
  for (let page = 1; out.length < MAX_AGENCIES; page++) {
    const r = await deps.axis.listAgencies(as, { page, pageSize: PAGE_SIZE });
    out.push(...r.items);
    if (r.items.length < PAGE_SIZE || out.length >= r.total) break;
  }
  return Object.freeze(out);
}

/**
 * The axis registry (code, name, parent code of every agency), as the caller's agency reads it from the axis,
 * kept for {@link REGISTRY_CACHE_MS} so the compose form's recipient search costs the axis one list per node
 * and period. A failed read is not kept.
 */
export async function listRegistryAgencies(deps: Pick<NodeDeps, 'axis' | 'now'>, principal: NodePrincipal): Promise<readonly AxisAgencySummary[]> {
  requireRole(principal, READING_ROLES);
  const now = deps.now().getTime();
  const hit = caches.get(deps.axis);
  if (hit && now - hit.at < REGISTRY_CACHE_MS) return hit.items;
  const items = readAll(deps, principal.agencyCode);
  caches.set(deps.axis, { at: now, items });
  items.catch(() => {
    if (caches.get(deps.axis)?.items === items) caches.delete(deps.axis);
  });
  return items;
}
