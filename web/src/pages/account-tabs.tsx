import { Link, useLocation } from '../router.js';

const TABS = [
  { to: '/account/preferences', label: 'Wellness preferences' },
  { to: '/account/security', label: 'Two-factor sign-in' },
  { to: '/account/tokens', label: 'API tokens' },
];

/** The user-menu screens, reachable from each other. */
export function AccountTabs() {
  const { path } = useLocation();
  return (
    <nav className="tabs" aria-label="Your account">
      {TABS.map((t) => (
        <Link key={t.to} to={t.to} className={`tab${path === t.to ? ' is-active' : ''}`} aria-current={path === t.to ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
