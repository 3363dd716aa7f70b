import { useEffect, useState } from 'preact/hooks';
import { forgetEtags } from './api';
import { setLang, t, useLang } from './i18n';
import { linkTo, navigate, usePath } from './router';
import { getSession, hasRole, onSessionChange, setSession } from './session';
import { ComposeScreen } from './screens/compose';
import { DocumentScreen } from './screens/document';
import { DocumentList } from './screens/document-list';
import { LoginScreen } from './screens/login';
import { ReportScreen } from './screens/report';
import { AdminScreen } from './screens/admin';

function useSession() {
  const [s, set] = useState(getSession());
  useEffect(() => onSessionChange(() => set(getSession())), []);
  return s;
}

export function App() {
  const lang = useLang();
  const path = usePath();
  const session = useSession();

  useEffect(() => {
    if (!session && path !== '/login') navigate(`/login?next=${encodeURIComponent(location.pathname)}`, true);
    if (session && (path === '/login' || path === '/')) navigate('/inbox', true);
  }, [session, path]);

  // Move focus to the new screen's heading so keyboard and screen-reader users land on the content.
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path]);

  const langButton = (
    <button type="button" class="link-button" lang={lang === 'vi' ? 'en' : 'vi'} aria-label={t('langToggleLabel')} onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
      {t('langToggle')}
    </button>
  );

  if (!session || path === '/login') {
    return (
      <>
        <header class="topbar">
          <span class="brand">{t('appName')}</span>
          {langButton}
        </header>
        <main id="main">
          <LoginScreen />
        </main>
      </>
    );
  }

  const nav: [string, string][] = [
    ['/inbox', t('navInbox')],
    ['/outbox', t('navOutbox')],
    ...(hasRole(session, 'clerk', 'leader') ? ([['/compose', t('navCompose')]] as [string, string][]) : []),
    ['/report', t('navReport')],
    ...(hasRole(session, 'admin') ? ([['/admin', t('navAdmin')]] as [string, string][]) : []),
  ];
  const docMatch = /^\/documents\/([^/]+)$/.exec(path);
  let screen;
  if (path === '/inbox') screen = <DocumentList box="inbox" />;
  else if (path === '/outbox') screen = <DocumentList box="outbox" />;
  else if (path === '/compose') screen = <ComposeScreen session={session} />;
  else if (path === '/report') screen = <ReportScreen />;
  else if (path === '/admin') screen = hasRole(session, 'admin') ? <AdminScreen session={session} /> : <h1 tabIndex={-1}>{t('errForbidden')}</h1>;
  else if (docMatch) screen = <DocumentScreen id={decodeURIComponent(docMatch[1]!)} session={session} />;
  else screen = <h1 tabIndex={-1}>{t('notFound')}</h1>;

  return (
    <>
      <a class="skip" href="#main">
        {t('skip')}
      </a>
      <header class="topbar">
        <span class="brand">{t('appName')}</span>
        <span class="who">
          {session.fullName} · <span class="code">{session.agencyCode}</span>
        </span>
        {langButton}
        <button
          type="button"
          class="link-button"
          onClick={() => {
            forgetEtags();
            setSession(null);
          }}
        >
          {t('logout')}
        </button>
      </header>
      <nav class="tabs" aria-label={t('appName')}>
        {nav.map(([href, label]) => (
          <a href={href} onClick={linkTo(href)} aria-current={path === href ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <main id="main">{screen}</main>
    </>
  );
}
