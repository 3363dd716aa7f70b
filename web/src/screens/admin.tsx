import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { formatDateTime, t, tDynamic, useLang } from '../i18n';
import type { Session } from '../session';
import { ErrorLine } from './parts';

interface User {
  id: string;
  username: string;
  fullName: string;
  roles: string[];
  disabled: boolean;
  createdAt: string;
  lockedUntil?: string;
}
interface Certificate {
  sha256: string;
  status: 'active' | 'revoked';
  notBefore: string;
  notAfter: string;
  boundAt: string;
  revokedAt?: string;
}
interface RegistryEntry {
  code: string;
  name: string;
  parentCode: string | null;
  certificates: Certificate[];
}

const ROLES = ['clerk', 'leader', 'admin', 'auditor'] as const;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,49}$/;
const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('ERR_UNAVAILABLE', 0, String(e)));
/** The fingerprint in groups of four, so it can be read aloud and compared with `openssl x509 -fingerprint -sha256`. */
const grouped = (hex: string) => hex.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');

/** A one-time password the node answered: shown once, in a live region, until dismissed. */
function OneTimePassword(props: { username: string; password: string; onDone: () => void }) {
  return (
    <div class="alert ok" role="status" data-testid="one-time-password">
      <p>
        {t('adminTempPassword')} <strong>{props.username}</strong>: <code class="code secret">{props.password}</code>
      </p>
      <p class="small">{t('adminTempPasswordNote')}</p>
      <button type="button" onClick={props.onDone}>
        {t('adminDone')}
      </button>
    </div>
  );
}

function AddUserForm(props: { onAdded: (u: User, password: string) => void }) {
  const [username, setUsername] = useState('');
  const [fullName, setFullName] = useState('');
  const [roles, setRoles] = useState<string[]>(['clerk']);
  const [invalid, setInvalid] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const bad = { username: !USERNAME.test(username), fullName: fullName.trim() === '', roles: roles.length === 0 };
    setInvalid(bad);
    const first = (Object.keys(bad) as (keyof typeof bad)[]).find((k) => bad[k]);
    if (first) {
      document.getElementById(first === 'roles' ? 'role-clerk' : `new-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await request<{ user: User; temporaryPassword: string }>('POST', '/users', { username, fullName: fullName.trim(), roles });
      setUsername('');
      setFullName('');
      setRoles(['clerk']);
      props.onAdded(r.user, r.temporaryPassword);
    } catch (err) {
      setError(asApiError(err));
    }
    setBusy(false);
  };
  return (
    <form onSubmit={submit} aria-labelledby="add-user-h" noValidate>
      <h3 id="add-user-h">{t('adminAddUser')}</h3>
      <div class="grid">
        <div class={`field ${invalid.username ? 'invalid' : ''}`}>
          <label for="new-username">{t('username')}</label>
          <input
            id="new-username"
            name="username"
            value={username}
            autoCapitalize="none"
            spellcheck={false}
            maxLength={50}
            required
            aria-invalid={invalid.username || undefined}
            aria-describedby="new-username-hint"
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
          />
          <small id="new-username-hint" class={invalid.username ? 'field-error' : 'muted'}>
            {t('adminUsernameRule')}
          </small>
        </div>
        <div class={`field ${invalid.fullName ? 'invalid' : ''}`}>
          <label for="new-fullName">{t('adminFullName')}</label>
          <input id="new-fullName" name="fullName" value={fullName} maxLength={200} required aria-invalid={invalid.fullName || undefined} onInput={(e) => setFullName((e.target as HTMLInputElement).value)} />
        </div>
      </div>
      <fieldset class={`field ${invalid.roles ? 'invalid' : ''}`}>
        <legend>{t('adminRoles')}</legend>
        {ROLES.map((r) => (
          <div class="checkbox">
            <input id={`role-${r}`} type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles((rs) => ((e.target as HTMLInputElement).checked ? [...rs, r] : rs.filter((x) => x !== r)))} />
            <label for={`role-${r}`}>{tDynamic(`role_${r}`, r)}</label>
          </div>
        ))}
      </fieldset>
      <ErrorLine error={error} />
      <button type="submit" class="primary" disabled={busy}>
        {t('adminAddButton')}
      </button>
    </form>
  );
}

function UsersCard(props: { session: Session }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [shown, setShown] = useState<{ username: string; password: string } | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    request<{ items: User[] }>('GET', '/users').then(
      (r) => setUsers(r.items),
      (e) => setError(asApiError(e)),
    );
  }, [reload]);
  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
    } catch (e) {
      setError(asApiError(e));
    }
    setReload((n) => n + 1);
  };
  const reset = (u: User) =>
    act(async () => {
      if (!confirm(`${t('adminResetConfirm')} ${u.username}?`)) return;
      const r = await request<{ temporaryPassword: string }>('POST', `/users/${encodeURIComponent(u.id)}/password`);
      setShown({ username: u.username, password: r.temporaryPassword });
    });
  const unlock = (u: User) => act(() => request('POST', `/users/${encodeURIComponent(u.id)}/unlock`));
  const toggle = (u: User) => act(() => request('POST', `/users/${encodeURIComponent(u.id)}/disabled`, { disabled: !u.disabled }));
  return (
    <div class="card">
      <h2>{t('adminUsers')}</h2>
      {shown ? <OneTimePassword {...shown} onDone={() => setShown(null)} /> : null}
      <ErrorLine error={error} />
      {users ? (
        <div class="table-scroll">
          <table class="figures users">
            <thead>
              <tr>
                <th scope="col">{t('username')}</th>
                <th scope="col">{t('adminFullName')}</th>
                <th scope="col">{t('adminRoles')}</th>
                <th scope="col">{t('adminState')}</th>
                <th scope="col">{t('adminActions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-username={u.username}>
                  <th scope="row" class="code">
                    {u.username}
                  </th>
                  <td>{u.fullName}</td>
                  <td>{u.roles.map((r) => tDynamic(`role_${r}`, r)).join(', ')}</td>
                  <td>
                    <span class={`badge ${u.disabled ? 'bad' : 'ok'}`} data-state={u.disabled ? 'disabled' : 'active'}>
                      {u.disabled ? t('adminDisabled') : t('adminActive')}
                    </span>
                    {u.lockedUntil ? (
                      <span class="badge unknown" data-state="locked">
                        {' '}
                        {t('adminLockedUntil')} {formatDateTime(u.lockedUntil)}
                      </span>
                    ) : null}
                  </td>
                  <td class="actions">
                    <button type="button" data-action="reset" aria-label={`${t('adminReset')} ${u.username}`} onClick={() => reset(u)}>
                      {t('adminReset')}
                    </button>
                    {u.lockedUntil ? (
                      <button type="button" data-action="unlock" aria-label={`${t('adminUnlock')} ${u.username}`} onClick={() => unlock(u)}>
                        {t('adminUnlock')}
                      </button>
                    ) : null}
                    {u.username !== props.session.username ? (
                      <button type="button" class={u.disabled ? '' : 'danger'} data-action="toggle" aria-label={`${u.disabled ? t('adminEnable') : t('adminDisable')} ${u.username}`} onClick={() => toggle(u)}>
                        {u.disabled ? t('adminEnable') : t('adminDisable')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : !error ? (
        <p>{t('loading')}</p>
      ) : null}
      <AddUserForm
        onAdded={(u, password) => {
          setShown({ username: u.username, password });
          setReload((n) => n + 1);
        }}
      />
    </div>
  );
}

function CertificatesCard() {
  const [entry, setEntry] = useState<RegistryEntry | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    request<RegistryEntry>('GET', '/agency').then(setEntry, (e) => setError(asApiError(e)));
  }, []);
  return (
    <div class="card">
      <h2>{t('adminCertificates')}</h2>
      <p class="small muted">{t('adminCertificatesIntro')}</p>
      <ErrorLine error={error} />
      {entry ? (
        <>
          <p>
            {entry.name} <span class="code">({entry.code})</span>
          </p>
          {entry.certificates.length === 0 ? (
            <p>{t('adminNoCertificates')}</p>
          ) : (
            <ul class="certs">
              {entry.certificates.map((c) => (
                <li data-testid="certificate" data-status={c.status}>
                  <span class={`badge ${c.status === 'active' ? 'ok' : 'bad'}`}>{c.status === 'active' ? t('adminCertActive') : t('adminCertRevoked')}</span>
                  <dl class="facts">
                    <dt>SHA-256</dt>
                    <dd class="code fingerprint">{grouped(c.sha256)}</dd>
                    <dt>{t('adminValidity')}</dt>
                    <dd>
                      {formatDateTime(c.notBefore)} – {formatDateTime(c.notAfter)}
                    </dd>
                    <dt>{t('adminBoundAt')}</dt>
                    <dd>{formatDateTime(c.boundAt)}</dd>
                    {c.revokedAt ? (
                      <>
                        <dt>{t('adminRevokedAt')}</dt>
                        <dd>{formatDateTime(c.revokedAt)}</dd>
                      </>
                    ) : null}
                  </dl>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : !error ? (
        <p>{t('loading')}</p>
      ) : null}
    </div>
  );
}

/** Role admin: the agency's users (add, disable, reset password) and its certificates in the axis registry. */
export function AdminScreen(props: { session: Session }) {
  useLang();
  return (
    <section aria-labelledby="admin-h">
      <h1 id="admin-h" tabIndex={-1}>
        {t('navAdmin')}
      </h1>
      <UsersCard session={props.session} />
      <CertificatesCard />
    </section>
  );
}
