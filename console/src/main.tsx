// The operator console: sign in with an admin API token, then the screens of the admin contract.
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { apiClient, type Api } from './api';
import { href, useRoute, type Route } from './route';
import { AccountDetail, Accounts } from './screens/accounts';
import { AuditLog } from './screens/audit-log';
import { Ledger } from './screens/ledger';
import { Overview } from './screens/overview';
import { PaymentDetail, Payments } from './screens/payments';
import { ReconciliationDetail, Reconciliations } from './screens/reconciliations';
import { RejectedCallbacks } from './screens/rejected-callbacks';
import { ReviewQueue } from './screens/review-queue';
import { SignIn } from './screens/sign-in';
import { saveSession, savedSession, type Session } from './session';

/** What every screen gets: the API client and whether the token may act. */
export interface ScreenProps {
  api: Api;
  canAct: boolean;
}

const NAV: Array<[Route['screen'], string]> = [
  ['overview', 'Overview'],
  ['review', 'Review queue'],
  ['payments', 'Payments'],
  ['accounts', 'Accounts'],
  ['rejected', 'Rejected callbacks'],
  ['reconciliations', 'Reconciliations'],
  ['audit', 'Audit log'],
];

function Screen({ route, ...props }: ScreenProps & { route: Route }) {
  switch (route.screen) {
    case 'overview':
      return <Overview {...props} />;
    case 'accounts':
      return <Accounts {...props} />;
    case 'account':
      return <AccountDetail {...props} customerId={route.id} />;
    case 'payments':
      return <Payments {...props} customerId={route.customerId} status={route.status} />;
    case 'payment':
      return <PaymentDetail {...props} paymentId={route.id} />;
    case 'review':
      return <ReviewQueue {...props} />;
    case 'rejected':
      return <RejectedCallbacks {...props} />;
    case 'audit':
      return <AuditLog {...props} />;
    case 'ledger':
      return <Ledger {...props} />;
    case 'reconciliations':
      return <Reconciliations {...props} />;
    case 'reconciliation':
      return <ReconciliationDetail {...props} runId={route.id} />;
  }
}

function App() {
  const [session, setSession] = useState(savedSession);
  const [expired, setExpired] = useState(false);
  const route = useRoute();
  const signOut = (becauseExpired: boolean) => {
    saveSession(undefined);
    setSession(undefined);
    setExpired(becauseExpired);
  };
  const api = useMemo(() => session && apiClient(session.token, () => signOut(true)), [session]);
  const signIn = (signedIn: Session) => {
    saveSession(signedIn);
    setExpired(false);
    setSession(signedIn);
  };

  if (!session || !api) return <SignIn onSignIn={signIn} expired={expired} />;
  const parent: Partial<Record<Route['screen'], Route['screen']>> = {
    account: 'accounts',
    ledger: 'accounts',
    payment: 'payments',
    reconciliation: 'reconciliations',
  };
  const active = parent[route.screen] ?? route.screen;
  return (
    <>
      <header class="topbar">
        <a class="brand" href={href('overview')}>
          Kassa24 BVU ledger
        </a>
        <nav aria-label="Screens">
          {NAV.map(([screen, label]) => (
            <a key={screen} href={href(screen)} aria-current={active === screen ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class="name" title={session.name}>
            {session.name}
          </span>
          <span class="role">{session.role}</span>
          <button type="button" onClick={() => signOut(false)}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <Screen route={route} api={api} canAct={session.role === 'operator'} />
      </main>
    </>
  );
}

const root = document.getElementById('app')!;
// The page's "Loading…" goes: render adds to what is there.
root.textContent = '';
render(<App />, root);
