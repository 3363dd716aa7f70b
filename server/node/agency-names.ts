import type { AgencyCode } from '../domain/agency/index.js';
import type { AxisGateway } from '../domain/ports/node/index.js';

/** How long a recipient's registered name is reused before the axis is asked again. */
export const AGENCY_NAME_TTL_MS = 10 * 60_000;
const CAPACITY = 4096;

interface Entry {
  readonly name: string;
  readonly until: number;
}

const caches = new WeakMap<AxisGateway, Map<AgencyCode, Entry>>();

/**
 * The registered name of `code` (the OrganName written into a package), from a per-gateway cache filled by
 * the axis registry: names are labels (the axis routes by code and checks every recipient again at submit),
 * so a name a few minutes old is good enough, and an upload does not wait for one axis call per recipient.
 * Only found agencies are kept: a code registered a moment ago is found on the next upload.
 */
export async function agencyNameOf(axis: AxisGateway, as: AgencyCode, code: AgencyCode, now: Date): Promise<string | null> {
  let cache = caches.get(axis);
  if (!cache) caches.set(axis, (cache = new Map()));
  const hit = cache.get(code);
  if (hit && hit.until > now.getTime()) return hit.name;
  const found = await axis.getAgency(as, code);
  if (!found) {
    cache.delete(code);
    return null;
  }
  cache.delete(code);
  cache.set(code, { name: found.name, until: now.getTime() + AGENCY_NAME_TTL_MS });
  while (cache.size > CAPACITY) cache.delete(cache.keys().next().value!);
  return found.name;
}
