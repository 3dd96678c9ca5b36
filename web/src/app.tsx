import { useEffect, useState, type ReactNode } from 'react';
import { api } from './api/client.js';
import type { Role } from './api/types.js';
import { AgenciesPage } from './pages/admin-agencies-page.js';
import { UsersPage } from './pages/admin-users-page.js';
import { AuditPage } from './pages/audit-page.js';
import { CaseFormPage } from './pages/case-form-page.js';
import { CaseListPage } from './pages/case-list-page.js';
import { CasePage } from './pages/case-page.js';
import { HIT_ROUTES } from './pages/hits/routes.js';
import { INTEL_ROUTES } from './pages/intel/routes.js';
import { LOCATION_ROUTES } from './pages/location/routes.js';
import { LoginPage } from './pages/login-page.js';
import { MEDIA_ROUTES } from './pages/media/routes.js';
import { MESSAGE_ROUTES } from './pages/messages/routes.js';
import { PreferencesPage } from './pages/preferences-page.js';
import { SecurityPage } from './pages/security-page.js';
import { SetupPage } from './pages/setup-page.js';
import { TokensPage } from './pages/tokens-page.js';
import { VICTIM_ROUTES } from './pages/victims/routes.js';
import { matchPath, navigate, safeNext, useLocation } from './router.js';
import { AUDIT_ROLES, CASE_ROLES, homePath } from './session/roles.js';
import { useSession } from './session/session.js';
import { Shell } from './shell.js';
import { Loading } from './ui/page.js';
import { ForbiddenPage, NotFoundPage } from './pages/status-pages.js';

interface Route {
  pattern: string;
  /** Any of these roles may open it; absent = every signed-in user. */
  roles?: readonly Role[];
  render: (params: Record<string, string>) => ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/cases', roles: CASE_ROLES, render: () => <CaseListPage /> },
  { pattern: '/cases/new', roles: ['investigator'], render: () => <CaseFormPage /> },
  { pattern: '/cases/:id', roles: CASE_ROLES, render: (p) => <CasePage key={p.id} caseId={p.id!} /> },
  { pattern: '/cases/:id/edit', roles: CASE_ROLES, render: (p) => <CaseFormPage key={p.id} caseId={p.id!} /> },
  ...INTEL_ROUTES,
  ...MEDIA_ROUTES,
  ...HIT_ROUTES,
  ...LOCATION_ROUTES,
  ...MESSAGE_ROUTES,
  ...VICTIM_ROUTES,
  { pattern: '/admin/users', roles: ['admin'], render: () => <UsersPage /> },
  { pattern: '/admin/agencies', roles: ['admin'], render: () => <AgenciesPage /> },
  { pattern: '/audit', roles: AUDIT_ROLES, render: () => <AuditPage /> },
  { pattern: '/account/preferences', render: () => <PreferencesPage /> },
  { pattern: '/account/security', render: () => <SecurityPage /> },
  { pattern: '/account/tokens', render: () => <TokensPage /> },
];

function findRoute(path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const session = useSession();
  const location = useLocation();
  const [setupPending, setSetupPending] = useState<boolean | null>(null);

  useEffect(() => {
    api
      .get<{ pending: boolean }>('/setup', { expectUnauthenticated: true })
      .then((r) => setSetupPending(r.pending))
      .catch(() => setSetupPending(false));
  }, []);

  if (setupPending === null || session.state.status === 'loading') {
    return (
      <div className="boot">
        <Loading label="Opening Tessera…" />
      </div>
    );
  }

  // A fresh node has no users: the only thing to do is the one-time setup, whatever address was opened.
  if (setupPending || location.path === '/setup') {
    return <SetupPage pending={setupPending} onDone={() => setSetupPending(false)} />;
  }

  const { state } = session;
  if (state.status === 'anonymous') {
    if (location.path === '/login') return <LoginPage />;
    // After an expiry, come back here once signed in; after signing out, start afresh.
    const next = location.path === '/' || state.reason === 'signed-out' ? '' : `?next=${encodeURIComponent(location.href)}`;
    return <Redirect to={`/login${next}`} />;
  }
  if (state.status !== 'signed-in') return null;

  const roles = state.me.user.roles;
  if (location.path === '/' || location.path === '/login') {
    return <Redirect to={(location.path === '/login' ? safeNext(location.search.get('next')) : null) ?? homePath(roles)} />;
  }

  const found = findRoute(location.path);
  let page: ReactNode;
  if (!found) page = <NotFoundPage />;
  else if (found.route.roles && !roles.some((r) => found.route.roles!.includes(r))) page = <ForbiddenPage roles={found.route.roles} />;
  else page = found.route.render(found.params);

  return <Shell>{page}</Shell>;
}
