import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { t, useLang } from '../i18n';
import { ErrorLine } from './parts';

export interface RegistryAgency {
  code: string;
  name: string;
  parentCode: string | null;
}

let registry: Promise<RegistryAgency[]> | null = null;
/** The node's cached copy of the axis registry (GET /api/v1/agencies), read once per page load. */
function loadRegistry(): Promise<RegistryAgency[]> {
  registry ??= request<{ items: RegistryAgency[] }>('GET', '/agencies').then((r) => r.items);
  registry.catch(() => (registry = null));
  return registry;
}

/** Lower case without diacritics, so "ha tinh" finds "Hà Tĩnh" and "dong" finds "Đông". */
export const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase();

function ancestors(code: string, byCode: Map<string, RegistryAgency>): RegistryAgency[] {
  const out: RegistryAgency[] = [];
  let p = byCode.get(code)?.parentCode;
  while (p && out.length < 10) {
    const a = byCode.get(p);
    if (!a) break;
    out.push(a);
    p = a.parentCode;
  }
  return out;
}

/**
 * Recipients from the axis registry: search by name (without accents) or code; a query that names an agency's
 * code also lists the agencies below it in the hierarchy. Each result is a button (keyboard: Tab, Enter).
 */
export function RecipientPicker(props: { self: string; value: string[]; onChange: (codes: string[]) => void; invalid?: string | undefined }) {
  useLang();
  const [all, setAll] = useState<RegistryAgency[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [query, setQuery] = useState('');
  useEffect(() => {
    loadRegistry().then(setAll, (e) => setError(e instanceof ApiError ? e : new ApiError('ERR_UNAVAILABLE', 0, String(e))));
  }, []);
  const byCode = useMemo(() => new Map((all ?? []).map((a) => [a.code, a])), [all]);
  const results = useMemo(() => {
    const q = fold(query.trim());
    if (!all || !q) return [];
    return all
      .filter((a) => a.code !== props.self && !props.value.includes(a.code))
      .filter((a) => fold(a.code).includes(q) || fold(a.name).includes(q) || ancestors(a.code, byCode).some((p) => fold(p.code) === q))
      .slice(0, 8);
  }, [all, query, props.value, byCode, props.self]);

  const add = (code: string) => {
    props.onChange([...props.value, code]);
    setQuery('');
    document.getElementById('recipient-search')?.focus();
  };

  return (
    <fieldset class={`field ${props.invalid ? 'invalid' : ''}`}>
      <legend>{t('recipients')}</legend>
      {props.value.length > 0 ? (
        <ul class="chips" aria-label={t('recipients')}>
          {props.value.map((code) => (
            <li key={code} class="chip" data-code={code}>
              <span>
                {byCode.get(code)?.name ?? code} <span class="code">({code})</span>
              </span>
              <button type="button" class="chip-remove" aria-label={`${t('recipientRemove')} ${byCode.get(code)?.name ?? code}`} onClick={() => props.onChange(props.value.filter((c) => c !== code))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label for="recipient-search">{t('recipientSearch')}</label>
      <input
        id="recipient-search"
        type="search"
        autoComplete="off"
        value={query}
        aria-describedby={props.invalid ? 'recipients-error' : undefined}
        aria-invalid={props.invalid ? true : undefined}
        aria-controls="recipient-results"
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            if (results[0]) add(results[0].code);
          }
        }}
      />
      <ErrorLine error={error} />
      <div id="recipient-results" aria-live="polite">
        {query.trim() && all && results.length === 0 ? <p class="muted small">{t('recipientNone')}</p> : null}
        {results.length > 0 ? (
          <ul class="results">
            {results.map((a) => {
              const up = ancestors(a.code, byCode);
              return (
                <li key={a.code}>
                  <button type="button" class="result" data-code={a.code} onClick={() => add(a.code)}>
                    <span class="result-name">{a.name}</span> <span class="code">{a.code}</span>
                    {up.length ? (
                      <span class="muted small result-path">
                        {t('underParent')} {up.map((p) => p.name).join(' › ')}
                      </span>
                    ) : null}
                  </button>
                </li>
              );
            })}
          </ul>
        ) : null}
      </div>
      {props.invalid ? (
        <p id="recipients-error" class="field-error">
          {props.invalid}
        </p>
      ) : null}
    </fieldset>
  );
}
