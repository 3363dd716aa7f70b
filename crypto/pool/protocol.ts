import type { HashName, RsaScheme } from '../keys/signer.js';

/** Messages between the pool and its workers (structured clone; byte arrays transferred where possible). */
/** What the pool posts to a worker: a registration, or a batch of signing requests (one message, fewer hops). */
export type PoolMessage = Extract<PoolRequest, { type: 'register' }> | readonly Extract<PoolRequest, { type: 'sign' }>[];

export type PoolRequest =
  | { readonly type: 'register'; readonly keyId: string; readonly pkcs8: Uint8Array; readonly certificate: Uint8Array; readonly chain: readonly Uint8Array[] }
  | {
      readonly type: 'sign';
      readonly id: number;
      readonly keyId: string;
      readonly content?: Uint8Array;
      readonly digest?: Uint8Array;
      readonly digestHash?: HashName;
      readonly hash?: HashName;
      readonly scheme?: RsaScheme;
      /** Milliseconds since the epoch (Dates are cloned, but a number is cheaper and unambiguous). */
      readonly signingTime?: number;
      readonly includeChain?: boolean;
    };

export type PoolResponse = { readonly id: number; readonly ok: true; readonly signature: Uint8Array } | { readonly id: number; readonly ok: false; readonly error: SerializedError };

export interface SerializedError {
  readonly kind: 'CryptoError' | 'TypeError' | 'Error';
  readonly code?: string;
  readonly message: string;
}
