import type { KeyType } from '../keys/signer.js';
import type { SignPdfOptions } from '../pdf/sign.js';
import type { VerifyPdfOptions } from '../pdf/types.js';
import type { SignEnvelopedOptions } from '../xmldsig/sign.js';
import type { VerifyEnvelopedOptions } from '../xmldsig/verify.js';
import type { SerializedError } from './protocol.js';

/** The signer as it travels to a PDF worker: its public facts only; signing goes back to the main thread. */
export interface RemoteSignerInfo {
  readonly keyId: string;
  readonly keyType: KeyType;
  readonly keyBits: number;
}

/** Main thread → PDF worker. */
export type PdfWorkerRequest =
  | { readonly type: 'verify'; readonly id: number; readonly pdf: Uint8Array; readonly options: VerifyPdfOptions }
  | { readonly type: 'verify-xml'; readonly id: number; readonly xml: Uint8Array; readonly options: VerifyEnvelopedOptions }
  | {
      readonly type: 'sign';
      readonly id: number;
      readonly pdf: Uint8Array;
      readonly options: Omit<SignPdfOptions, 'identity'>;
      readonly identity: { readonly signer: RemoteSignerInfo; readonly certificate: Uint8Array; readonly chain: readonly Uint8Array[] };
    }
  | {
      readonly type: 'sign-xml';
      readonly id: number;
      readonly xml: Uint8Array;
      readonly options: Omit<SignEnvelopedOptions, 'identity'>;
      readonly identity: { readonly signer: RemoteSignerInfo; readonly certificate: Uint8Array; readonly chain: readonly Uint8Array[] };
    }
  | { readonly type: 'raw-signed'; readonly call: number; readonly signature?: Uint8Array; readonly error?: SerializedError };

/** PDF worker → main thread. */
export type PdfWorkerResponse =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'done'; readonly id: number; readonly ok: false; readonly error: SerializedError }
  | { readonly type: 'raw-sign'; readonly id: number; readonly call: number; readonly data: Uint8Array; readonly options: { hash: 'SHA-256' | 'SHA-384' | 'SHA-512'; scheme: 'pkcs1' | 'pss' } };
