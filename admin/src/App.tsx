import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { currentSession, logout, setUnauthenticatedHandler, type SessionInfo, NetworkError } from './api.ts';
import { t } from './i18n/index.ts';
import { Link, Router, useLocation, useRouter } from './router.tsx';
import { SessionContext, hasRole } from './session.tsx';
import { LoginForm } from './screens/Login.tsx';
import { ModalDialog } from './lib/ModalDialog.tsx';
import { QueueScreen } from './screens/Queue.tsx';

// The editor (TipTap, ProseMirror) and the rarer screens load on demand, keeping the first load small.
const EditorScreen = lazy(() => import('./editor/EditorScreen.tsx'));
const NewStoryScreen = lazy(() => import('./editor/NewStory.tsx'));
const MediaScreen = lazy(() => import('./screens/Media.tsx'));
const CurationScreen = lazy(() => import('./screens/Curation.tsx'));
const AdminScreen = lazy(() => import('./screens/Admin.tsx'));
const AccountScreen = lazy(() => import('./screens/Account.tsx'));
const AuditScreen = lazy(() => import('./screens/Audit.tsx'));
const TagsScreen = lazy(() => import('./screens/Tags.tsx'));
const TokensScreen = lazy(() => import('./screens/Tokens.tsx'));
const StatsScreen = lazy(() => import('./screens/Stats.tsx'));

// As the server's permission matrix says (sent with the session).
const canReadAudit = (s: SessionInfo) => !!s.permissions.view_audit;
const canManageTags = (s: SessionInfo) => !!s.permissions.manage_taxonomy;
const canManageTokens = (s: SessionInfo) => !!s.permissions.manage_users;
const canListStories = (s: SessionInfo) => !!s.permissions.view;

export function App() {
  return (
    <Router>
      <Shell />
    </Router>
  );
}

function Shell() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const [bootError, setBootError] = useState('');
  const reloginListeners = useRef(new Set<() => void>());

  useEffect(() => {
    currentSession()
      .then(setSession)
      .catch((err) => setBootError(err instanceof NetworkError ? t('error.network') : String(err)));
    // Any 401 while working: show the login form over the current screen, which stays mounted with its work.
    setUnauthenticatedHandler(() => setExpired(true));
    return () => setUnauthenticatedHandler(null);
  }, []);

  const onRelogin = useCallback((listener: () => void) => {
    reloginListeners.current.add(listener);
    return () => {
      reloginListeners.current.delete(listener);
    };
  }, []);

  if (bootError) return <p role="alert" className="boot-error">{bootError}</p>;
  if (session === undefined) return <p className="loading">{t('app.loading')}</p>;
  if (session === null)
    return (
      <main id="main" className="login-page">
        <LoginForm
          onLoggedIn={(s) => {
            // A 401 from the screen that just closed (its last save) must not open the overlay on the next session.
            setExpired(false);
            setSession(s);
          }}
        />
      </main>
    );

  const signOut = () => {
    void logout().then(() => {
      setExpired(false);
      setSession(null);
    });
  };

  return (
    <SessionContext.Provider value={{ session, onRelogin, signOut }}>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <TopBar session={session} signOut={signOut} />
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
          <Routes session={session} />
        </Suspense>
      </main>
      {expired && (
        <ReloginDialog
          signOut={signOut}
          onLoggedIn={(s) => {
            setSession(s);
            setExpired(false);
            for (const l of reloginListeners.current) l();
          }}
        />
      )}
    </SessionContext.Provider>
  );
}

/**
 * The login form over the current screen, which stays mounted (and inert) with its unsaved work. It is closed only by
 * logging in or signing out: Escape is refused, and where the browser closes it anyway (a second Escape without user
 * activation is not cancelable) it opens again. Focus goes back where it was once logged in.
 */
function ReloginDialog({ onLoggedIn, signOut }: { onLoggedIn: (s: SessionInfo) => void; signOut: () => void }) {
  const body = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const d = body.current?.closest('dialog');
    if (!d) return;
    const refuse = (e: Event) => e.preventDefault();
    d.addEventListener('cancel', refuse);
    return () => d.removeEventListener('cancel', refuse);
  }, []);
  const reopen = () => {
    const d = body.current?.closest('dialog');
    if (d?.isConnected && !d.open) d.showModal();
  };
  const returnFocus = (opener: HTMLElement | null) => {
    if (opener?.isConnected) opener.focus();
    else if (document.activeElement === document.body) document.getElementById('main')?.focus();
  };
  return (
    <ModalDialog labelledBy="login-title" className="relogin" onClose={reopen} returnFocus={returnFocus}>
      <div ref={body}>
        <LoginForm expired onLoggedIn={onLoggedIn} onSignOut={signOut} />
      </div>
    </ModalDialog>
  );
}

function TopBar({ session, signOut }: { session: SessionInfo; signOut: () => void }) {
  const { pathname } = useLocation();
  const items: Array<[string, string]> = [
    ['/', t('nav.queue')],
    ['/articles/new', t('nav.new')],
    ['/media', t('nav.media')],
  ];
  if (hasRole(session, 'managing_editor', 'deputy_editor_in_chief', 'editor_in_chief')) items.push(['/home', t('nav.home')]);
  if (canListStories(session)) items.push(['/stats', t('nav.stats')]);
  if (canManageTags(session)) items.push(['/tags', t('nav.tags')]);
  if (canReadAudit(session)) items.push(['/audit', t('nav.audit')]);
  if (canManageTokens(session)) items.push(['/tokens', t('nav.tokens')]);
  if (hasRole(session, 'admin')) items.push(['/admin', t('nav.admin')]);
  return (
    <header className="topbar">
      <span className="brand">{t('app.name')}</span>
      <nav aria-label={t('nav.main')}>
        <ul>
          {items.map(([to, label]) => (
            <li key={to}>
              <Link to={to} aria-current={pathname === to ? 'page' : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <span className="whoami">
        <Link to="/account" aria-current={pathname === '/account' ? 'page' : undefined}>
          <span className="visually-hidden">{t('nav.account')}: </span>
          {session.user.name}
        </Link>{' '}
        · {session.roles.map((r) => r.label).join(', ')}
      </span>
      <button type="button" className="link-button" onClick={signOut}>
        {t('nav.logout')}
      </button>
    </header>
  );
}

function Routes({ session }: { session: SessionInfo }) {
  const { pathname } = useLocation();
  const { navigate } = useRouter();
  const story = /^\/articles\/(\d+)$/.exec(pathname);
  if (pathname === '/' || pathname === '') return <QueueScreen />;
  if (pathname === '/articles/new') return <NewStoryScreen />;
  if (story) return <EditorScreen key={story[1]} id={Number(story[1])} />;
  if (pathname === '/media') return <MediaScreen />;
  if (pathname === '/home') return <CurationScreen />;
  if (pathname.startsWith('/admin') && hasRole(session, 'admin')) return <AdminScreen />;
  if (pathname === '/account') return <AccountScreen />;
  if (pathname === '/audit') return canReadAudit(session) ? <AuditScreen /> : <p role="alert">{t('error.forbidden')}</p>;
  if (pathname === '/tags') return canManageTags(session) ? <TagsScreen /> : <p role="alert">{t('error.forbidden')}</p>;
  if (pathname === '/stats') return canListStories(session) ? <StatsScreen /> : <p role="alert">{t('error.forbidden')}</p>;
  if (pathname === '/tokens') return canManageTokens(session) ? <TokensScreen /> : <p role="alert">{t('error.forbidden')}</p>;
  if (pathname === '/login') {
    navigate('/', true);
    return null;
  }
  return <p role="alert">{t('error.notFound')}</p>;
}
