import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type Account, api, type User, whenSignedOut } from './api';
import { AccountsContext, useResource } from './data';
import { clock, timeZone } from './format';
import { LiveContext, useLiveStream } from './live';
import { AlertsPage } from './pages/Alerts';
import { HoldingsPage } from './pages/Holdings';
import { OrderDetailPage } from './pages/OrderDetail';
import { OrdersPage } from './pages/Orders';
import { PositionsPage } from './pages/Positions';
import { ReconciliationPage } from './pages/Reconciliation';
import { SignIn } from './pages/SignIn';
import { Link, navigate, useLocation } from './router';

// The chart library is the biggest part of the bundle: it loads with the performance page only.
const PerformancePage = lazy(() => import('./pages/Performance').then((m) => ({ default: m.PerformancePage })));

const nav = [
  { to: '/orders', label: 'Orders' },
  { to: '/positions', label: 'Positions' },
  { to: '/holdings', label: 'Holdings' },
  { to: '/reconciliation', label: 'Reconciliation' },
  { to: '/performance', label: 'Performance' },
  { to: '/alerts', label: 'Alerts' },
];

/** Signed out: the sign-in form. Signed in: the header, the live stream and the page of the path. */
export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [justSignedIn, setJustSignedIn] = useState(false);

  useEffect(() => {
    // A 401 while signed in: the session expired or was ended elsewhere.
    whenSignedOut(() => {
      setNotice('Your session ended. Sign in again.');
      setUser(null);
    });
    api.session().then(setUser, () => setUser(null));
  }, []);

  if (user === undefined) {
    return (
      <p className="muted boot" role="status">
        Loading…
      </p>
    );
  }
  if (user === null) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(u) => {
          setNotice(null);
          setJustSignedIn(true);
          setUser(u);
        }}
      />
    );
  }
  return <SignedIn user={user} focusMain={justSignedIn} onSignedOut={() => setUser(null)} />;
}

function SignedIn({ user, focusMain, onSignedOut }: { user: User; focusMain: boolean; onSignedOut(): void }) {
  const { path } = useLocation();
  // When the stream closes for good, ask whether the session is still there (a 401 signs out).
  const checkSession = useCallback(() => {
    api.session().then((u) => u === null && onSignedOut(), () => {});
  }, [onSignedOut]);
  const live = useLiveStream(true, checkSession);
  const [signingOut, setSigningOut] = useState(false);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    if (path === '/' || path === '/index.html') navigate('/orders', { replace: true });
  }, [path]);
  // After signing in or navigating, move focus to the content so keyboard and screen reader users start
  // there (the sign-in form, or the link that was followed, is gone). A reload keeps the browser's start.
  const firstPath = useRef(true);
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      if (!focusMain) return;
    }
    main.current?.focus({ preventScroll: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path]);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await api.signOut();
    } catch {
      // Signed out or not, the page forgets the session.
    }
    history.replaceState(null, '', '/');
    onSignedOut();
  };

  return (
    <LiveContext.Provider value={live}>
      <AccountsProvider>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <div className="brand">Fillbook</div>
          <nav aria-label="Main">
            <ul>
              {nav.map((n) => (
                <li key={n.to}>
                  <Link to={n.to} aria-current={path === n.to || path.startsWith(`${n.to}/`) ? 'page' : undefined}>
                    {n.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="session">
            <span className={`live live-${live.state}`} role="status" title={live.lastEventAt ? `Last update ${clock(live.lastEventAt)}` : undefined}>
              {live.state === 'live' ? 'Live' : live.state === 'connecting' ? 'Connecting…' : 'Offline'}
            </span>
            <span className="who">
              Signed in as <strong>{user.name}</strong>
            </span>
            <button type="button" className="secondary" onClick={signOut} disabled={signingOut}>
              Sign out
            </button>
          </div>
        </header>
        <main id="main" ref={main} tabIndex={-1}>
          <Page path={path} />
        </main>
        <footer className="footer muted">Times are shown in {timeZone}.</footer>
      </AccountsProvider>
    </LiveContext.Provider>
  );
}

function Page({ path }: { path: string }) {
  const detail = /^\/orders\/([0-9a-f-]{36})$/.exec(path);
  if (detail) return <OrderDetailPage id={detail[1]!} />;
  switch (path) {
    case '/':
    case '/orders':
      return <OrdersPage />;
    case '/positions':
      return <PositionsPage />;
    case '/holdings':
      return <HoldingsPage />;
    case '/reconciliation':
      return <ReconciliationPage />;
    case '/alerts':
      return <AlertsPage />;
    case '/performance':
      return (
        <Suspense fallback={<p className="muted" role="status">Loading…</p>}>
          <PerformancePage />
        </Suspense>
      );
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing lives at <code>{path}</code>. <Link to="/orders">Go to the orders</Link>.
          </p>
        </section>
      );
  }
}

function AccountsProvider({ children }: { children: React.ReactNode }) {
  const accounts = useResource(() => api.accounts(), []);
  const value = useMemo(() => {
    const list: Account[] = accounts.data ?? [];
    const byId = new Map(list.map((a) => [a.id, a]));
    return { list, name: (id: string) => byId.get(id)?.name ?? id.slice(0, 8) };
  }, [accounts.data]);
  return <AccountsContext.Provider value={value}>{children}</AccountsContext.Provider>;
}
