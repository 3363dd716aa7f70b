import type { ApiError } from '../api';
import { t, type MessageKey } from '../i18n';

const KNOWN: Record<string, MessageKey> = {
  ERR_UNAVAILABLE: 'errUnavailable',
  ERR_AXIS_UNAVAILABLE: 'errUnavailable',
  ERR_DATABASE_UNAVAILABLE: 'errUnavailable',
  ERR_STORAGE_UNAVAILABLE: 'errUnavailable',
  ERR_FORBIDDEN: 'errForbidden',
  ERR_STATUS_TRANSITION: 'errTransition',
  ERR_DOCUMENT_UNSIGNED: 'errUnsigned',
  ERR_SIGNATURE_INVALID: 'errSignature',
  ERR_IDEMPOTENCY_MISMATCH: 'errIdempotency',
  ERR_PAYLOAD_TOO_LARGE: 'errTooLarge',
  ERR_VALIDATION: 'errValidation',
  ERR_CONFLICT: 'errConflict',
};

/** The sentence for an API error code, with the code itself for the helpdesk. */
export function errorText(e: ApiError): string {
  const key = KNOWN[e.code];
  return key ? t(key) : `${t('errGeneric')} (${e.code})`;
}

export function ErrorLine(props: { error: ApiError | null }) {
  return props.error ? (
    <p role="alert" class="alert bad" data-code={props.error.code}>
      {errorText(props.error)}
    </p>
  ) : null;
}
