import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { t, useLang, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { setSession } from '../session';

interface LoginResult {
  accessToken: string;
  expiresIn: number;
  agencyCode: string;
  username: string;
  fullName: string;
  roles: string[];
}

const LOCKED = new Set(['ERR_LOCKED', 'ERR_ACCOUNT_LOCKED', 'ERR_LOGIN_LOCKED', 'ERR_TOO_MANY_ATTEMPTS', 'ERR_RATE_LIMITED', 'ERR_TOO_MANY_REQUESTS']);

/** Which sentence a failed login shows: wrong credentials, locked out, or the service is down. */
export function loginErrorKey(e: unknown): MessageKey {
  if (e instanceof ApiError) {
    if (LOCKED.has(e.code) || e.status === 423 || e.status === 429) return 'errLocked';
    if (e.code === 'ERR_UNAUTHENTICATED' || e.code === 'ERR_VALIDATION' || e.status === 401) return 'errWrongPassword';
  }
  return 'errUnavailable';
}

export function LoginScreen() {
  useLang();
  const [agencyCode, setAgencyCode] = useState(() => localStorage.getItem('lienthong.lastAgency') ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<MessageKey | null>(null);
  const [retryAfter, setRetryAfter] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await request<LoginResult>('POST', '/auth/login', { agencyCode: agencyCode.trim(), username: username.trim(), password });
      localStorage.setItem('lienthong.lastAgency', r.agencyCode);
      setSession({ accessToken: r.accessToken, agencyCode: r.agencyCode, username: r.username, fullName: r.fullName, roles: r.roles, expiresAt: Date.now() + r.expiresIn * 1000 });
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') && next !== '/login' ? next : '/inbox', true);
    } catch (err) {
      setError(loginErrorKey(err));
      // The node says how long the lock lasts (ERR_TOO_MANY_REQUESTS details.retryAfterSeconds, also Retry-After).
      const wait = err instanceof ApiError ? err.details?.retryAfterSeconds : undefined;
      setRetryAfter(typeof wait === 'number' && wait > 0 ? wait : null);
      setBusy(false);
    }
  };

  return (
    <section class="card narrow" aria-labelledby="login-title">
      <h1 id="login-title" tabIndex={-1}>
        {t('loginTitle')}
      </h1>
      <p class="muted">{t('loginIntro')}</p>
      <form onSubmit={submit} noValidate={false}>
        <div class="field">
          <label for="agencyCode">{t('agencyCode')}</label>
          <input
            id="agencyCode"
            name="agencyCode"
            required
            autoComplete="organization"
            inputMode="text"
            list="agency-suggestions"
            aria-describedby="agencyCode-hint"
            value={agencyCode}
            onInput={(e) => setAgencyCode((e.target as HTMLInputElement).value)}
          />
          <datalist id="agency-suggestions">
            <option value="000.00.00.G22">Văn phòng Chính phủ</option>
            <option value="000.00.00.H27">Ủy ban nhân dân tỉnh Hà Tĩnh</option>
            <option value="000.00.00.H49">Ủy ban nhân dân tỉnh Quảng Ninh</option>
            <option value="000.00.00.G12">Bộ Tài chính</option>
          </datalist>
          <small id="agencyCode-hint" class="muted">
            {t('agencyCodeHint')}
          </small>
        </div>
        <div class="field">
          <label for="username">{t('username')}</label>
          <input id="username" name="username" required autoComplete="username" autoCapitalize="none" spellcheck={false} value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="password">{t('password')}</label>
          <input id="password" name="password" type="password" required autoComplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </div>
        <div role="alert" class={error ? 'alert bad' : 'sr-only'} data-testid="login-error">
          {error === 'errLocked' && retryAfter !== null ? `${t('errLockedFor')} ${t('retryAfter')} ${retryAfter > 90 ? `${Math.ceil(retryAfter / 60)} ${t('minutes')}` : `${retryAfter} ${t('seconds')}`}.` : error ? t(error) : ''}
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('loggingIn') : t('loginButton')}
        </button>
      </form>
    </section>
  );
}
