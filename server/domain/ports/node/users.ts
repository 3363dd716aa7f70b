import type { AgencyCode } from '../../agency/index.js';
import type { NodeUser } from './types.js';

export type NewUser = Omit<NodeUser, 'disabled'> & { readonly disabled?: boolean };

/** The node's users, one agency each. Implemented in storage/node/. */
export interface UserRepository {
  /** ERR_DUPLICATE_KEY when (agencyCode, username) is taken. */
  create(user: NewUser): Promise<NodeUser>;
  findByUsername(agencyCode: AgencyCode, username: string): Promise<NodeUser | null>;
  findById(id: string): Promise<NodeUser | null>;
  listByAgency(agencyCode: AgencyCode): Promise<readonly NodeUser[]>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Disables (or enables again) a user: a disabled user cannot log in and its tokens stop working at once. */
  setDisabled(id: string, disabled: boolean): Promise<void>;
}
