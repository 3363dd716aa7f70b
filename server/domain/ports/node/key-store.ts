import type { SigningIdentity } from '../../../../crypto/index.js';
import type { AgencyCode } from '../../agency/index.js';

/** Which key: an agency's seal key, or a person's key (a leader of the agency). */
export type KeyRef = { readonly agencyCode: AgencyCode; readonly kind: 'seal' } | { readonly agencyCode: AgencyCode; readonly kind: 'person'; readonly userId: string };

/**
 * The private keys and secrets of hosted agencies and their leaders. The development implementation keeps
 * PKCS#12 bytes in the database sealed with a key derived from the token secret; a production one would
 * front an HSM and return a remote {@link SigningIdentity}. Nothing outside this port sees key bytes.
 */
export interface KeyStore {
  putPkcs12(ref: KeyRef, pkcs12: Uint8Array, password: string): Promise<void>;
  /** The identity, or null when no key is stored for `ref`. Parsed once, then cached. */
  getIdentity(ref: KeyRef): Promise<SigningIdentity | null>;
  /** A named secret, e.g. the axis system secret of an agency (`axis-secret:<code>`). */
  putSecret(name: string, value: string): Promise<void>;
  getSecret(name: string): Promise<string | null>;
}

/** Sealed bytes at rest (what the development key store writes). Implemented in storage/node/. */
export interface SealedItemRepository {
  put(name: string, sealed: Uint8Array, now: Date): Promise<void>;
  get(name: string): Promise<Uint8Array | null>;
}
