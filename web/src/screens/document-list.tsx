import { t, tDynamic, useLang } from '../i18n';
import { useLive } from '../live';
import { linkTo } from '../router';
import { validationOfSummary, verdictOf, type Refusal, type Validation } from '../verdict';
import { ErrorLine } from './parts';

export interface RecipientSummary {
  code: string;
  name: string;
  phase: string;
  recall: string | null;
  lastStatus: string | null;
}

export interface DocumentSummary {
  id: string;
  box: 'inbox' | 'outbox';
  documentId: string;
  from: string;
  fromName: string;
  to: string[];
  subject: string;
  codeNumber: string;
  codeNotation: string;
  promulgationDate: string;
  priority: number;
  verdict: Validation['verdict'];
  signatureLevel: Validation['signatureLevel'];
  refusal?: Refusal;
  recalled: boolean;
  recipients: RecipientSummary[];
  delivery?: string;
  createdAt: string;
}

export const statusLabel = (code: string | null) => (code ? `${code} · ${tDynamic(`status_${code}`, code)}` : t('status_none'));

export function VerdictBadge(props: { validation: Validation | undefined; box: 'inbox' | 'outbox' }) {
  const v = verdictOf(props.validation, props.box);
  return (
    <span class={`badge ${v.tone}`} data-verdict={v.key}>
      <span aria-hidden="true">{v.tone === 'ok' ? '✔' : v.tone === 'bad' ? '✖' : '?'}</span> {v.text}
    </span>
  );
}

export function DocumentList(props: { box: 'inbox' | 'outbox' }) {
  useLang();
  const { box } = props;
  const { data, error } = useLive<{ items: DocumentSummary[]; total: number }>(`/documents?box=${box}&pageSize=50`);
  const title = box === 'inbox' ? t('inboxTitle') : t('outboxTitle');
  return (
    <section aria-labelledby="list-title">
      <h1 id="list-title" tabIndex={-1}>
        {title} {data ? <span class="count">({data.total})</span> : null}
      </h1>
      <p class="muted small" aria-live="off">
        {t('liveNote')}
      </p>
      <ErrorLine error={error} />
      {!data ? (
        <p>{t('loading')}</p>
      ) : data.items.length === 0 ? (
        <p>{t('empty')}</p>
      ) : (
        <ul class="doc-list" aria-live="polite" data-testid={`${box}-list`}>
          {data.items.map((d) => (
            <li class="doc-row" key={d.id} data-document-id={d.documentId}>
              <div class="doc-main">
                <a href={`/documents/${d.id}`} onClick={linkTo(`/documents/${d.id}`)} class="doc-link">
                  <span class="code">
                    {d.codeNumber}/{d.codeNotation}
                  </span>{' '}
                  {d.subject}
                </a>
                <div class="muted small">
                  {box === 'inbox' ? (
                    <>
                      {t('colFrom')}: {d.fromName} <span class="code">({d.from})</span>
                    </>
                  ) : (
                    <>
                      {t('colTo')}: {d.recipients.map((r) => r.name || r.code).join(', ')}
                    </>
                  )}{' '}
                  · {t('colDate')}: {d.promulgationDate}
                </div>
              </div>
              <div class="doc-state">
                {box === 'inbox' ? (
                  <>
                    <VerdictBadge validation={validationOfSummary(d)} box="inbox" />
                    <span class="status" data-status={d.recipients[0]?.lastStatus ?? ''}>
                      {statusLabel(d.recipients[0]?.lastStatus ?? null)}
                    </span>
                  </>
                ) : (
                  <>
                    {d.delivery ? <span class={`badge ${d.delivery === 'failed' ? 'bad' : d.delivery === 'sent' ? 'ok' : 'unknown'}`}>{tDynamic(`delivery_${d.delivery}`, d.delivery)}</span> : null}
                    {d.recipients.map((r) => (
                      <span class="status" key={r.code} data-recipient={r.code} data-status={r.lastStatus ?? ''}>
                        <span class="code">{r.code}</span>: {statusLabel(r.lastStatus)}
                      </span>
                    ))}
                  </>
                )}
                {d.recalled ? <span class="badge unknown">{t('recalled')}</span> : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
