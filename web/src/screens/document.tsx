import { useEffect, useState } from 'preact/hooks';
import { ApiError, fetchAttachment, fetchFile, request, saveBlob } from '../api';
import { formatDateTime, getLang, t, tDynamic, useLang } from '../i18n';
import { useLive } from '../live';
import { linkTo } from '../router';
import type { Session } from '../session';
import { describeReason, describeSubIndication, signerOf, type Finding, type Validation } from '../verdict';
import { statusLabel, VerdictBadge, type DocumentSummary } from './document-list';
import { ErrorLine } from './parts';
import { PdfPages } from './pdf-pages';

interface TimelineEntry {
  code: string;
  from: string;
  at: string;
  description?: string;
}
interface RecipientDetail {
  code: string;
  name: string;
  phase: string;
  recall: 'none' | 'requested' | 'agreed' | 'refused';
  delivery: { state: string };
  timeline: TimelineEntry[];
}
interface AttachmentRow {
  index: number;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  role: 'attachment' | 'signature';
  signs?: string;
  signedBy?: string;
  available: boolean;
}
interface DocumentDetail extends Omit<DocumentSummary, 'recipients'> {
  metadata: { signer: { fullName: string; position?: string; competence?: string }; promulgationPlace: string; documentType: { typeName: string }; copies?: number };
  file: { name: string; size: number; sha256: string; available: boolean };
  attachments?: AttachmentRow[];
  recipients: RecipientDetail[];
  validation: Validation & { signatures: Finding[] };
  messages: { id: string; kind: string; statusCode?: string; state: string; attempts: number; lastError?: string }[];
}

const CHECK_NAMES: Record<string, [string, string]> = {
  format: ['Định dạng chữ ký', 'Signature format'],
  'byte-range': ['Phạm vi byte được ký (ByteRange)', 'Signed byte range'],
  'signature-dictionary': ['Từ điển chữ ký PDF', 'PDF signature dictionary'],
  'signed-revision': ['Phiên bản tài liệu được ký', 'Signed revision'],
  cms: ['Cấu trúc CMS', 'CMS structure'],
  'message-digest': ['Mã băm nội dung khớp (toàn vẹn)', 'Content digest matches (integrity)'],
  'signature-value': ['Giá trị chữ ký đúng', 'Signature value'],
  'signing-certificate': ['Chứng thư ký được gắn trong chữ ký', 'Signing certificate attribute'],
  'signer-certificate': ['Chứng thư người ký', 'Signer certificate'],
  'algorithm-policy': ['Thuật toán được phép (không SHA-1)', 'Allowed algorithms (no SHA-1)'],
  'key-usage': ['Mục đích sử dụng khóa', 'Key usage'],
  'signer-binding': ['Chứng thư gắn với mã cơ quan', 'Certificate bound to the agency code'],
  'signature-fields': ['Trường chữ ký', 'Signature fields'],
  modifications: ['Phân tích thay đổi của PDF', 'PDF change analysis'],
  'chain:path': ['Chuỗi chứng thư tới CA gốc tin cậy', 'Chain to a trusted root'],
  'chain:crypto-constraints': ['Chuỗi: thuật toán được phép', 'Chain: allowed algorithms'],
  'chain:constraints': ['Chuỗi: ràng buộc CA (basicConstraints)', 'Chain: CA constraints'],
  'chain:signing-certificate-usage': ['Chuỗi: chứng thư dùng để ký', 'Chain: certificate usable for signing'],
  'chain:validity': ['Chuỗi: trong thời hạn hiệu lực', 'Chain: within validity'],
  'chain:revocation': ['Chuỗi: chưa bị thu hồi (CRL/OCSP)', 'Chain: not revoked (CRL/OCSP)'],
  'modifications-after-signing': ['Thay đổi sau khi ký', 'Changes after signing'],
  'removed-signatures': ['Không chữ ký nào bị gỡ bỏ', 'No signature removed'],
  'trailing-data': ['Không có dữ liệu lạ sau phiên bản cuối', 'No data after the last revision'],
  chain: ['Chuỗi chứng thư tới CA gốc tin cậy', 'Chain to a trusted root'],
  revocation: ['Tình trạng thu hồi (CRL/OCSP)', 'Revocation (CRL/OCSP)'],
  validity: ['Thời hạn hiệu lực chứng thư', 'Certificate validity period'],
};
const checkName = (n: string) => {
  const v = CHECK_NAMES[n];
  return v ? v[getLang() === 'en' ? 1 : 0] : n;
};

/** The signed PDF (the file route needs the bearer token, so it is fetched, then drawn by pdf.js). */
function PdfView(props: { id: string; name: string; available: boolean }) {
  const [bytes, setBytes] = useState<Uint8Array | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!props.available) return;
    fetchFile(props.id).then(
      async (b) => setBytes(new Uint8Array(await b.arrayBuffer())),
      (e) => setError(e instanceof ApiError ? e : new ApiError('ERR_UNAVAILABLE', 0, String(e))),
    );
  }, [props.id, props.available]);
  if (error) return <ErrorLine error={error} />;
  if (!bytes) return <p>{props.available ? t('loading') : '—'}</p>;
  return <PdfPages bytes={bytes} name={props.name} />;
}

function SignatureReport(props: { f: Finding; verifiedAt?: string | undefined; seal: boolean }) {
  const lang = useLang();
  const { f } = props;
  const who = signerOf(f.signer);
  const tone = f.indication === 'TOTAL_PASSED' ? 'ok' : f.indication === 'TOTAL_FAILED' ? 'bad' : 'unknown';
  const changes = f.checks.find((c) => c.name === 'modifications-after-signing' || c.name === 'modifications');
  const revision = f.checks.find((c) => c.name === 'signed-revision' || c.name === 'byte-range');
  return (
    <details class="sig" open data-indication={f.indication}>
      <summary>
        <span class={`badge ${tone}`}>{tDynamic(`indication_${f.indication}`, f.indication)}</span>{' '}
        {f.kind === 'package' ? t('sigPackage') : f.kind === 'attachment' ? `${t('sigAttachment')} ${f.attachment ?? ''}` : `${t('sigPdf')} ${f.fieldName ?? ''}`} — {who?.person ?? '—'}
        {f.subIndication ? <span class="muted small"> ({describeSubIndication(f.subIndication, lang)})</span> : null}
      </summary>
      <dl class="facts">
        <dt>{t('who')}</dt>
        <dd>
          {who?.person ?? '—'}
          {who?.org ? ` — ${who.org}` : ''}
        </dd>
        <dt>{t('when')}</dt>
        <dd>{f.signingTime ? formatDateTime(f.signingTime) : '—'}</dd>
        <dt>{t('timeSource')}</dt>
        <dd>
          {t('timeSourceNode')}
          {props.verifiedAt ? `: ${formatDateTime(props.verifiedAt)}` : ''}
        </dd>
        {f.boundToSender !== undefined && (f.boundToSender || props.seal) ? (
          <>
            <dt>{t('boundToSender')}</dt>
            <dd>{f.boundToSender ? t('yes') : t('no')}</dd>
          </>
        ) : null}
        {revision?.detail ? (
          <>
            <dt>{checkName(revision.name)}</dt>
            <dd>{revision.detail}</dd>
          </>
        ) : null}
        {changes ? (
          <>
            <dt>{t('changesAfter')}</dt>
            <dd>{changes.detail ?? (changes.passed ? t('passed') : t('failed'))}</dd>
          </>
        ) : null}
        {f.explanation ? (
          <>
            <dt>{t('reason')}</dt>
            <dd>{f.explanation}</dd>
          </>
        ) : null}
      </dl>
      <h4>{t('checks')}</h4>
      <ol class="checklist">
        {f.checks.map((c) => (
          <li class={c.passed ? 'pass' : 'fail'}>
            <span aria-hidden="true">{c.passed ? '✔' : '✖'}</span> {checkName(c.name)} — <strong>{c.passed ? t('passed') : t('failed')}</strong>
            {c.detail && c !== changes ? <span class="muted small"> ({c.detail})</span> : null}
          </li>
        ))}
      </ol>
    </details>
  );
}

const sizeText = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** Every attachment of an inbox document besides the main PDF: its own signature's verdict, and a download. */
function Attachments(props: { id: string; rows: AttachmentRow[]; findings: Finding[] }) {
  useLang();
  const [error, setError] = useState<ApiError | null>(null);
  const verdictOf = (name: string) => props.findings.find((f) => f.kind === 'attachment' && f.attachment === name);
  const download = (a: AttachmentRow) =>
    fetchAttachment(props.id, a.index).then(
      (b) => saveBlob(b, a.name),
      (e) => setError(e instanceof ApiError ? e : new ApiError('ERR_UNAVAILABLE', 0, String(e))),
    );
  return (
    <section class="card" aria-labelledby="attachments-title">
      <h2 id="attachments-title">{t('attachments')}</h2>
      <table class="attachments" data-testid="attachments">
        <thead>
          <tr>
            <th scope="col">{t('attachmentName')}</th>
            <th scope="col">{t('attachmentType')}</th>
            <th scope="col">{t('attachmentSize')}</th>
            <th scope="col">{t('attachmentSignature')}</th>
            <th scope="col">
              <span class="sr-only">{t('downloadAttachment')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((a) => {
            const f = a.role === 'attachment' ? verdictOf(a.name) : undefined;
            const tone = f?.indication === 'TOTAL_PASSED' ? 'ok' : f?.indication === 'TOTAL_FAILED' ? 'bad' : 'unknown';
            return (
              <tr key={a.index} data-attachment={a.name}>
                <td class="name">{a.name}</td>
                <td class="small">{a.contentType}</td>
                <td class="small">{sizeText(a.size)}</td>
                <td class="small">
                  {a.role === 'signature' ? (
                    `${t('attachmentIsSignature')} ${a.signs ?? ''}`
                  ) : a.signedBy ? (
                    <>
                      <span class={`badge ${tone}`} data-testid={`attachment-verdict-${a.index}`}>
                        {f ? tDynamic(`indication_${f.indication}`, f.indication) : '—'}
                      </span>{' '}
                      {t('attachmentSignedBy')}
                      {f?.signer ? ` — ${signerOf(f.signer)?.person ?? ''}` : ''}
                    </>
                  ) : (
                    t('attachmentUnsigned')
                  )}
                </td>
                <td>
                  {a.available ? (
                    <button type="button" onClick={() => download(a)} aria-label={`${t('downloadAttachment')} ${a.name}`}>
                      {t('downloadAttachment')}
                    </button>
                  ) : (
                    <span class="muted small">{t('attachmentRemoved')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorLine error={error} />
    </section>
  );
}

function Timeline(props: { r: RecipientDetail; box: string }) {
  useLang();
  return (
    <ol class="timeline" data-recipient={props.r.code} data-testid={`timeline-${props.r.code}`}>
      {props.r.timeline.length === 0 ? <li class="muted">{t('status_none')}</li> : null}
      {props.r.timeline.map((e) => (
        <li data-code={e.code}>
          <strong>{statusLabel(e.code)}</strong> <span class="muted small">{formatDateTime(e.at)}</span>
          {e.description && e.code !== '01' ? <div class="small">{e.description}</div> : null}
        </li>
      ))}
    </ol>
  );
}

function Actions(props: { doc: DocumentDetail; session: Session; onDone: () => void }) {
  useLang();
  const { doc } = props;
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const acting = props.session.roles.some((r) => r === 'clerk' || r === 'leader');
  if (!acting) return null;

  const run = async (path: string, body?: unknown) => {
    setBusy(true);
    setError(null);
    setNote('');
    try {
      await request('POST', `/documents/${doc.id}/${path}`, body);
      setReason('');
      setNote(t('done'));
      props.onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('ERR_UNAVAILABLE', 0, String(e)));
    } finally {
      setBusy(false);
    }
  };
  const status = (code: string, description?: string) => run('status', { code, ...(description ? { description } : {}) });

  let buttons: preact.ComponentChildren;
  if (doc.box === 'inbox') {
    const r = doc.recipients[0];
    if (!r) return null;
    if (r.recall === 'requested') {
      buttons = (
        <>
          <p>{t('answerRecall')}</p>
          <button type="button" disabled={busy} onClick={() => status('15')}>
            {t('agreeRecall')}
          </button>
          <button type="button" disabled={busy} onClick={() => status('16')}>
            {t('refuseRecall')}
          </button>
        </>
      );
    } else {
      const next: Record<string, string[]> = { arrived: ['03'], accepted: ['04', '05', '06'], assigned: ['04', '05', '06'], processing: ['05', '06'] };
      const codes = r.recall === 'agreed' ? [] : (next[r.phase] ?? []);
      const canRefuse = r.phase === 'arrived' && r.recall !== 'agreed';
      if (!codes.length && !canRefuse) return null;
      buttons = (
        <>
          {codes.map((c) => (
            <button type="button" class={c === '03' ? 'primary' : ''} disabled={busy} data-status-action={c} onClick={() => status(c)}>
              {statusLabel(c)}
            </button>
          ))}
          {canRefuse ? (
            <div class="refuse">
              <label for="refuse-reason">{t('refuseReason')}</label>
              <input id="refuse-reason" value={reason} maxLength={1000} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
              <button type="button" class="danger" disabled={busy || !reason.trim()} data-status-action="02" onClick={() => status('02', reason.trim())}>
                {t('refuse')}
              </button>
            </div>
          ) : null}
        </>
      );
    }
  } else {
    const failed = doc.messages.some((m) => m.state === 'failed');
    const recallable = !doc.recalled && doc.recipients.some((r) => r.phase !== 'refused' && r.recall !== 'agreed');
    if (!failed && !recallable) return null;
    buttons = (
      <>
        {failed ? (
          <button type="button" disabled={busy} onClick={() => run('retry')}>
            {t('retry')}
          </button>
        ) : null}
        {recallable ? (
          <div class="refuse">
            <label for="recall-reason">{t('recallReason')}</label>
            <input id="recall-reason" value={reason} maxLength={1000} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
            <button type="button" class="danger" disabled={busy || !reason.trim()} onClick={() => run('recall', { reason: reason.trim() })}>
              {t('recall')}
            </button>
          </div>
        ) : null}
      </>
    );
  }
  return (
    <section class="card" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('actions')}</h2>
      <div class="actions">{buttons}</div>
      <ErrorLine error={error} />
      <p role="status" class="small">
        {note}
      </p>
    </section>
  );
}

export function DocumentScreen(props: { id: string; session: Session }) {
  const lang = useLang();
  const { data: doc, error, bump } = useLive<DocumentDetail>(`/documents/${encodeURIComponent(props.id)}`);
  const back = doc?.box === 'outbox' ? '/outbox' : '/inbox';
  if (!doc) {
    return (
      <section>
        <h1 tabIndex={-1}>{t('docTitle')}</h1>
        <ErrorLine error={error} />
        {!error ? <p>{t('loading')}</p> : null}
      </section>
    );
  }
  const v = doc.validation;
  const pdfSigs = v.signatures.filter((s) => s.kind === 'pdf');
  const person = pdfSigs.length >= 2 ? signerOf(pdfSigs[0]!.signer) : null;
  const seal = signerOf(pdfSigs[pdfSigs.length - 1]?.signer);
  return (
    <article aria-labelledby="doc-title">
      <p>
        <a href={back} onClick={linkTo(back)}>
          ← {t('back')}
        </a>
      </p>
      <h1 id="doc-title" tabIndex={-1}>
        <span class="code">
          {doc.codeNumber}/{doc.codeNotation}
        </span>{' '}
        {doc.subject}
      </h1>
      <div class="doc-head">
        <VerdictBadge validation={v} box={doc.box} />
        {doc.box === 'inbox' && v.verdict === 'refused' && v.reasonCode ? (
          <p class="small" data-testid="refusal-reason">
            {t('reason')}: {describeReason(v.reasonCode, lang)}
          </p>
        ) : null}
        <dl class="facts">
          <dt>{t('colFrom')}</dt>
          <dd>
            {doc.fromName} <span class="code">({doc.from})</span>
          </dd>
          <dt>{t('colDate')}</dt>
          <dd>
            {doc.promulgationDate}, {doc.metadata.promulgationPlace} · {doc.metadata.documentType.typeName}
          </dd>
          <dt>{t('signerFullName')}</dt>
          <dd>{[doc.metadata.signer.competence, doc.metadata.signer.position, doc.metadata.signer.fullName].filter(Boolean).join(' ')}</dd>
          {doc.metadata.copies !== undefined ? (
            <>
              <dt>{t('copies')}</dt>
              <dd data-testid="copies">{doc.metadata.copies}</dd>
            </>
          ) : null}
          {doc.box === 'inbox' && (person || seal) ? (
            <>
              {person ? (
                <>
                  <dt>{t('signedBy')}</dt>
                  <dd data-testid="signed-by">
                    {person.person}
                    {person.org ? ` — ${person.org}` : ''}
                  </dd>
                </>
              ) : null}
              {seal ? (
                <>
                  <dt>{t('sealedBy')}</dt>
                  <dd>
                    {seal.person}
                    {seal.org && seal.org !== seal.person ? ` — ${seal.org}` : ''}
                  </dd>
                </>
              ) : null}
            </>
          ) : null}
        </dl>
        {doc.file.available ? (
          <button type="button" onClick={() => fetchFile(doc.id).then((b) => saveBlob(b, doc.file.name))}>
            {t('download')}
          </button>
        ) : null}
      </div>

      <Actions doc={doc} session={props.session} onDone={bump} />

      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{doc.box === 'outbox' ? t('recipientsState') : t('timeline')}</h2>
        <p class="muted small">{t('liveNote')}</p>
        {doc.recipients.map((r) => (
          <div class="recipient" key={r.code}>
            {doc.box === 'outbox' ? (
              <h3>
                {r.name} <span class="code">({r.code})</span> · <span class="badge">{tDynamic(`delivery_${r.delivery.state}`, r.delivery.state)}</span>
                {r.recall !== 'none' ? <span class="badge unknown"> {tDynamic(`status_${r.recall === 'requested' ? '13' : r.recall === 'agreed' ? '15' : '16'}`, r.recall)}</span> : null}
              </h3>
            ) : null}
            <Timeline r={r} box={doc.box} />
          </div>
        ))}
        {doc.messages.some((m) => m.state === 'failed') ? (
          <p class="alert bad">
            {doc.messages
              .filter((m) => m.state === 'failed')
              .map((m) => `${m.kind}${m.statusCode ? ` ${m.statusCode}` : ''}: ${m.lastError ?? ''}`)
              .join('; ')}
          </p>
        ) : null}
      </section>

      {doc.box === 'inbox' && doc.attachments?.length ? <Attachments id={doc.id} rows={doc.attachments} findings={v.signatures} /> : null}

      <section class="card" aria-labelledby="pdf-title">
        <h2 id="pdf-title">{t('pdfPreview')}</h2>
        <PdfView id={doc.id} name={doc.file.name} available={doc.file.available} />
      </section>

      {doc.box === 'inbox' ? (
        <section class="card" aria-labelledby="report-title">
          <h2 id="report-title">{t('reportTitle')}</h2>
          {v.verifiedAt ? (
            <p class="small">
              {t('verifiedAt')}: {formatDateTime(v.verifiedAt)}
            </p>
          ) : null}
          {v.signatures.map((f) => (
            <SignatureReport f={f} verifiedAt={v.verifiedAt} seal={f.kind === 'package' || f === pdfSigs[pdfSigs.length - 1]} />
          ))}
        </section>
      ) : null}
    </article>
  );
}
