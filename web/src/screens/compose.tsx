import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request, uploadDocument } from '../api';
import { t, useLang, type MessageKey } from '../i18n';
import { linkTo } from '../router';
import type { Session } from '../session';
import { errorText } from './parts';
import { RecipientPicker } from './recipient-picker';

const DOC_TYPES = ['Công văn', 'Quyết định', 'Thông báo', 'Báo cáo', 'Tờ trình', 'Kế hoạch', 'Giấy mời'];
const NOTATION = /^[0-9A-ZĐ][0-9A-ZĐ.\-/&]{0,49}$/u;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Form {
  subject: string;
  codeNumber: string;
  codeNotation: string;
  promulgationDate: string;
  promulgationPlace: string;
  typeName: string;
  signerFullName: string;
  signerPosition: string;
  signerCompetence: string;
  priority: string;
  paper: boolean;
  /** Number of copies issued (edXML PromulgationAmount); empty: not stated. */
  copies: string;
  personSignature: 'apply' | 'present';
}

type StepState = 'todo' | 'active' | 'done' | 'failed';
interface Progress {
  upload: number;
  steps: Record<'upload' | 'sign' | 'seal' | 'package' | 'axis', StepState>;
}

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const realDate = (s: string) => DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

/** The API's rules (server/node/metadata.ts) checked before sending; the server checks them again. */
function validate(f: Form, to: string[], file: File | null): Record<string, MessageKey> {
  const e: Record<string, MessageKey> = {};
  const text = (k: keyof Form, v: string, optional = false) => {
    if (!v) {
      if (!optional) e[k] = 'required';
    } else if (v !== v.trim()) e[k] = 'errTrim';
  };
  if (!file) e.file = 'errFile';
  if (to.length === 0) e.to = 'errRecipients';
  text('subject', f.subject);
  if (!/^[0-9]{1,10}$/.test(f.codeNumber)) e.codeNumber = f.codeNumber ? 'errDigits' : 'required';
  if (!NOTATION.test(f.codeNotation)) e.codeNotation = f.codeNotation ? 'errNotation' : 'required';
  if (!realDate(f.promulgationDate)) e.promulgationDate = 'errDate';
  text('promulgationPlace', f.promulgationPlace);
  text('signerFullName', f.signerFullName);
  text('signerPosition', f.signerPosition, true);
  text('signerCompetence', f.signerCompetence, true);
  if (f.copies && !(/^[0-9]{1,4}$/.test(f.copies) && Number(f.copies) >= 1)) e.copies = 'errCopies';
  return e;
}

/** `metadata.signer.fullName` (a server issue path) → the form field it belongs to. */
const FIELD_OF_PATH: Record<string, string> = {
  'metadata.to': 'to',
  'metadata.subject': 'subject',
  'metadata.codeNumber': 'codeNumber',
  'metadata.codeNotation': 'codeNotation',
  'metadata.promulgationDate': 'promulgationDate',
  'metadata.promulgationPlace': 'promulgationPlace',
  'metadata.documentType': 'typeName',
  'metadata.signer.fullName': 'signerFullName',
  'metadata.signer.position': 'signerPosition',
  'metadata.signer.competence': 'signerCompetence',
  'metadata.copies': 'copies',
  file: 'file',
};

function Field(props: { id: keyof Form | 'file'; label: string; error?: string | undefined; children: preact.ComponentChildren; hint?: string }) {
  return (
    <div class={`field ${props.error ? 'invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? <small class="muted">{props.hint}</small> : null}
      {props.error ? (
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function ComposeScreen(props: { session: Session }) {
  useLang();
  const leader = props.session.roles.includes('leader');
  const blank = (): Form => ({
    subject: '',
    codeNumber: '',
    codeNotation: '',
    promulgationDate: today(),
    promulgationPlace: 'Hà Nội',
    typeName: DOC_TYPES[0]!,
    signerFullName: leader ? props.session.fullName : '',
    signerPosition: '',
    signerCompetence: '',
    priority: '0',
    paper: false,
    copies: '',
    personSignature: leader ? 'apply' : 'present',
  });
  const [form, setForm] = useState<Form>(blank);
  const [to, setTo] = useState<string[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [sent, setSent] = useState<{ id: string } | null>(null);
  // One key per form: a double click or a retry after a lost answer sends the same request, which the node answers once.
  const key = useRef(crypto.randomUUID());
  const fileInput = useRef<HTMLInputElement>(null);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const input = (k: keyof Form) => ({
    id: k,
    name: k,
    value: form[k] as string,
    'aria-invalid': errors[k] ? true : undefined,
    'aria-describedby': errors[k] ? `${k}-error` : undefined,
    onInput: (e: Event) => set(k, (e.target as HTMLInputElement).value as never),
  });

  const pick = (f: File | undefined | null) => {
    if (!f) return;
    if (f.type !== 'application/pdf' && !/\.pdf$/i.test(f.name)) {
      setErrors((e) => ({ ...e, file: t('notPdf') }));
      return;
    }
    setErrors(({ file: _drop, ...rest }) => rest);
    setFile(f);
  };

  // After the node answered 202: the message waits in the outbox until the dispatcher hands it to the axis.
  useEffect(() => {
    if (!sent) return;
    let stop = false;
    const poll = async () => {
      try {
        const d = await request<{ messages: { kind: string; state: string }[] }>('GET', `/documents/${sent.id}`);
        const m = d.messages.find((x) => x.kind === 'edoc');
        if (m?.state === 'sent') return setProgress((p) => p && { ...p, steps: { ...p.steps, axis: 'done' } });
        if (m?.state === 'failed') return setProgress((p) => p && { ...p, steps: { ...p.steps, axis: 'failed' } });
      } catch {
        /* keep trying */
      }
      if (!stop) setTimeout(poll, 700);
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [sent]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setFailure(null);
    const found = validate(form, to, file);
    const msgs = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, t(v)]));
    setErrors(msgs);
    if (Object.keys(found).length) {
      const first = Object.keys(found)[0]!;
      document.getElementById(first === 'to' ? 'recipient-search' : first === 'file' ? 'file' : first)?.focus();
      return;
    }
    const metadata = {
      to,
      subject: form.subject,
      codeNumber: form.codeNumber,
      codeNotation: form.codeNotation,
      promulgationDate: form.promulgationDate,
      promulgationPlace: form.promulgationPlace,
      documentType: { type: 1, typeName: form.typeName },
      signer: { fullName: form.signerFullName, ...(form.signerPosition ? { position: form.signerPosition } : {}), ...(form.signerCompetence ? { competence: form.signerCompetence } : {}) },
      priority: Number(form.priority),
      paper: form.paper,
      ...(form.copies ? { copies: Number(form.copies) } : {}),
      personSignature: form.personSignature,
    };
    setBusy(true);
    setProgress({ upload: 0, steps: { upload: 'active', sign: 'todo', seal: 'todo', package: 'todo', axis: 'todo' } });
    try {
      const r = await uploadDocument(file!, metadata, key.current, (fraction) => setProgress((p) => p && { upload: fraction, steps: fraction >= 1 ? { ...p.steps, upload: 'done', sign: 'active', seal: 'active', package: 'active' } : p.steps }));
      setProgress((p) => p && { upload: 1, steps: { upload: 'done', sign: 'done', seal: 'done', package: 'done', axis: 'active' } });
      setSent({ id: r.id });
    } catch (err) {
      const ae = err instanceof ApiError ? err : new ApiError('ERR_UNAVAILABLE', 0, String(err));
      setFailure(ae);
      setProgress(null);
      setBusy(false);
      // A refused request changed nothing: the next attempt is a new request. Only a lost answer keeps the key.
      if (ae.status >= 400 && ae.status < 500) key.current = crypto.randomUUID();
      const issues = (ae.details?.issues as { path: string; message: string }[] | undefined) ?? [];
      const fieldErrors: Record<string, string> = {};
      for (const i of issues) {
        const field = Object.entries(FIELD_OF_PATH).find(([p]) => i.path === p || i.path.startsWith(`${p}.`))?.[1];
        if (field) fieldErrors[field] = i.message;
      }
      setErrors(fieldErrors);
    }
  };

  const reset = () => {
    setForm(blank());
    setTo([]);
    setFile(null);
    setErrors({});
    setFailure(null);
    setProgress(null);
    setSent(null);
    setBusy(false);
    key.current = crypto.randomUUID();
  };

  const step = (k: keyof Progress['steps'], label: string) => {
    const s = progress!.steps[k];
    return (
      <li class={`step ${s}`} data-step={k} data-state={s}>
        <span class="step-mark" aria-hidden="true">
          {s === 'done' ? '✔' : s === 'failed' ? '✖' : s === 'active' ? '…' : '○'}
        </span>
        <span>{k === 'axis' && s === 'failed' ? t('stepAxisFailed') : label}</span>
        {k === 'upload' && s === 'active' ? <progress max={1} value={progress!.upload} aria-label={t('stepUpload')} /> : null}
      </li>
    );
  };

  return (
    <section aria-labelledby="compose-title">
      <h1 id="compose-title" tabIndex={-1}>
        {t('composeTitle')}
      </h1>
      <form class="card" onSubmit={submit} noValidate data-idempotency-key={key.current}>
        <div class={`field ${errors.file ? 'invalid' : ''}`}>
          <span class="label" id="file-label">
            {t('fileLabel')}
          </span>
          <div
            class={`dropzone ${dragging ? 'dragging' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              pick(e.dataTransfer?.files[0]);
            }}
          >
            <span>{t('dropHere')} </span>
            <label for="file" class="file-button">
              {t('chooseFile')}
            </label>
            <input
              ref={fileInput}
              id="file"
              name="file"
              type="file"
              accept="application/pdf,.pdf"
              class="visually-hidden-input"
              aria-labelledby="file-label"
              aria-describedby={errors.file ? 'file-error' : undefined}
              onChange={(e) => pick((e.target as HTMLInputElement).files?.[0])}
            />
            {file ? (
              <p class="file-chosen" data-testid="file-chosen">
                {t('fileChosen')}: <strong>{file.name}</strong> ({Math.ceil(file.size / 1024)} KB)
              </p>
            ) : null}
          </div>
          {errors.file ? (
            <p id="file-error" class="field-error">
              {errors.file}
            </p>
          ) : null}
        </div>

        <RecipientPicker self={props.session.agencyCode} value={to} onChange={setTo} invalid={errors.to} />

        <Field id="subject" label={t('subject')} error={errors.subject}>
          <textarea {...input('subject')} rows={2} maxLength={2000} required />
        </Field>
        <div class="grid">
          <Field id="codeNumber" label={t('codeNumber')} error={errors.codeNumber}>
            <input {...input('codeNumber')} inputMode="numeric" maxLength={10} required />
          </Field>
          <Field id="codeNotation" label={t('codeNotation')} error={errors.codeNotation}>
            <input {...input('codeNotation')} maxLength={50} placeholder="VPCP-KSTT" required autoCapitalize="characters" />
          </Field>
          <Field id="promulgationDate" label={t('promulgationDate')} error={errors.promulgationDate}>
            <input {...input('promulgationDate')} type="date" required />
          </Field>
          <Field id="promulgationPlace" label={t('promulgationPlace')} error={errors.promulgationPlace}>
            <input {...input('promulgationPlace')} maxLength={200} required />
          </Field>
          <Field id="typeName" label={t('docType')} error={errors.typeName}>
            <select id="typeName" name="typeName" value={form.typeName} onChange={(e) => set('typeName', (e.target as HTMLSelectElement).value)}>
              {DOC_TYPES.map((d) => (
                <option value={d}>{d}</option>
              ))}
            </select>
          </Field>
          <Field id="priority" label={t('priority')}>
            <select id="priority" name="priority" value={form.priority} onChange={(e) => set('priority', (e.target as HTMLSelectElement).value)}>
              {(['priority0', 'priority1', 'priority2', 'priority3', 'priority4'] as const).map((k, i) => (
                <option value={String(i)}>{t(k)}</option>
              ))}
            </select>
          </Field>
          <Field id="copies" label={t('copies')} error={errors.copies} hint={t('copiesHint')}>
            <input {...input('copies')} type="number" inputMode="numeric" min={1} max={9999} step={1} />
          </Field>
          <Field id="signerFullName" label={t('signerFullName')} error={errors.signerFullName}>
            <input {...input('signerFullName')} maxLength={200} required />
          </Field>
          <Field id="signerPosition" label={t('signerPosition')} error={errors.signerPosition}>
            <input {...input('signerPosition')} maxLength={200} />
          </Field>
          <Field id="signerCompetence" label={t('signerCompetence')} error={errors.signerCompetence}>
            <input {...input('signerCompetence')} maxLength={200} />
          </Field>
        </div>
        <div class="field checkbox">
          <input id="paper" type="checkbox" checked={form.paper} onChange={(e) => set('paper', (e.target as HTMLInputElement).checked)} />
          <label for="paper">{t('paper')}</label>
        </div>
        <fieldset class="field">
          <legend>{t('signatureMode')}</legend>
          <div class="radio">
            <input
              type="radio"
              id="sig-apply"
              name="personSignature"
              value="apply"
              disabled={!leader}
              checked={form.personSignature === 'apply'}
              onChange={() => set('personSignature', 'apply')}
              aria-describedby={leader ? undefined : 'sig-apply-note'}
            />
            <label for="sig-apply">{t('signApply')}</label>
          </div>
          {!leader ? (
            <p id="sig-apply-note" class="muted small">
              {t('signApplyLeaderOnly')}
            </p>
          ) : null}
          <div class="radio">
            <input type="radio" id="sig-present" name="personSignature" value="present" checked={form.personSignature === 'present'} onChange={() => set('personSignature', 'present')} />
            <label for="sig-present">{t('signPresent')}</label>
          </div>
        </fieldset>

        {failure ? (
          <p role="alert" class="alert bad" data-code={failure.code}>
            {errorText(failure)}
            {failure.code === 'ERR_VALIDATION' && failure.message ? `: ${failure.message}` : ''}
          </p>
        ) : Object.keys(errors).length ? (
          <p role="alert" class="alert bad">
            {t('fixErrors')}
          </p>
        ) : null}

        {progress ? (
          <ol class="steps" aria-live="polite" aria-label={t('sending')} data-testid="send-steps">
            {step('upload', t('stepUpload'))}
            {form.personSignature === 'apply' ? step('sign', t('stepSign')) : null}
            {step('seal', t('stepSeal'))}
            {step('package', t('stepPackage'))}
            {step('axis', t('stepAxis'))}
          </ol>
        ) : null}

        <div class="actions">
          {sent ? (
            <>
              <p class="alert ok" role="status">
                {t('sentOk')}
              </p>
              <a class="button" href={`/documents/${sent.id}`} onClick={linkTo(`/documents/${sent.id}`)}>
                {t('viewDocument')}
              </a>
              <button type="button" onClick={reset}>
                {t('newForm')}
              </button>
            </>
          ) : (
            <button type="submit" class="primary" disabled={busy} aria-disabled={busy}>
              {busy ? t('sending') : t('send')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
