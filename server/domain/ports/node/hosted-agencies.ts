import type { AgencyCode } from '../../agency/index.js';
import type { HostedAgency } from './types.js';

/** The agencies this node hosts, with the poll lease that lets several node processes share polling. */
export interface HostedAgencyRepository {
  /** Creates the agency or renames it; leases untouched. */
  upsert(agency: { readonly code: AgencyCode; readonly name: string; readonly now: Date }): Promise<HostedAgency>;
  find(code: AgencyCode): Promise<HostedAgency | null>;
  /** Every hosted agency; may answer from a copy a few seconds old (leases and poll times as they were). */
  list(): Promise<readonly HostedAgency[]>;
  /** Takes the poll lease when free or expired (one guarded write). True when this owner now holds it. */
  claimPoll(code: AgencyCode, owner: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Releases the poll lease held by `owner` and records the poll time. */
  releasePoll(code: AgencyCode, owner: string, now: Date): Promise<void>;
}
