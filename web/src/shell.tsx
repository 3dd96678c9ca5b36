import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation } from './router.js';
import { HitsNavLink } from './pages/hits/hits-nav.js';
import { NetworkIcon } from './pages/hits/hits-ui.js';
import { MessagesNavLink, NetworkAdminNavLink } from './pages/messages/messages-nav.js';
import { AUDIT_ROLES, CASE_ROLES, hasAnyRole, ROLE_LABELS } from './session/roles.js';
import { useMe, useSession } from './session/session.js';
import { countryName } from './ui/format.js';
import { BuildingIcon, ChevronDownIcon, FolderIcon, KeyIcon, ListIcon, LogoMark, LogOutIcon, ShieldIcon, SlidersIcon, UsersIcon } from './ui/icons.js';

function NavLink({ to, icon, children, exact = false }: { to: string; icon: ReactNode; children: ReactNode; exact?: boolean }) {
  const { path } = useLocation();
  const active = exact ? path === to : path === to || path.startsWith(`${to}/`);
  return (
    <Link to={to} className={`nav-link${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined}>
      {icon}
      <span>{children}</span>
    </Link>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** The user menu: a disclosure button and a short list; Escape or a click elsewhere closes it, focus goes back. */
function UserMenu() {
  const me = useMe();
  const { signOut } = useSession();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const { href } = useLocation();

  useEffect(() => setOpen(false), [href]);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onPointer = (event: PointerEvent) => {
      if (boxRef.current && !boxRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const doSignOut = async () => {
    setOpen(false);
    await signOut();
  };

  return (
    <div className="user-menu" ref={boxRef}>
      <button ref={buttonRef} type="button" className="user-menu-button" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen((o) => !o)}>
        <span className="avatar" aria-hidden="true">
          {initials(me.user.displayName || me.user.username)}
        </span>
        <span className="user-menu-name">{me.user.displayName || me.user.username}</span>
        <ChevronDownIcon />
      </button>
      <nav id={menuId} className="user-menu-panel" hidden={!open} aria-label="Account menu">
        <div className="user-menu-who">
          <p className="user-menu-fullname">{me.user.displayName}</p>
          <p className="muted small">
            {me.user.username} · {me.agency.name}
          </p>
          <p className="muted small">{me.user.roles.map((r) => ROLE_LABELS[r]).join(', ')}</p>
        </div>
        <ul className="user-menu-list">
          <li>
            <Link to="/account/preferences" className="user-menu-item">
              <SlidersIcon /> Wellness preferences
            </Link>
          </li>
          <li>
            <Link to="/account/security" className="user-menu-item">
              <ShieldIcon /> Two-factor sign-in
            </Link>
          </li>
          <li>
            <Link to="/account/tokens" className="user-menu-item">
              <KeyIcon /> API tokens
            </Link>
          </li>
          <li className="user-menu-separator" role="presentation" />
          <li>
            <button type="button" className="user-menu-item" onClick={() => void doSignOut()}>
              <LogOutIcon /> Sign out
            </button>
          </li>
        </ul>
      </nav>
    </div>
  );
}

/** The signed-in frame: navigation shows only what the user's roles may use (an admin-only user sees no cases). */
export function Shell({ children }: { children: ReactNode }) {
  const me = useMe();
  const roles = me.user.roles;
  const caseWork = hasAnyRole(roles, CASE_ROLES);
  const admin = roles.includes('admin');
  const audit = hasAnyRole(roles, AUDIT_ROLES);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <LogoMark />
          <span className="brand-name">Tessera</span>
        </div>
        <nav aria-label="Main">
          {caseWork ? (
            <div className="nav-group">
              <p className="nav-heading">Casework</p>
              <NavLink to="/cases" icon={<FolderIcon />}>
                Cases
              </NavLink>
              <HitsNavLink roles={roles} />
              <MessagesNavLink roles={roles} />
            </div>
          ) : null}
          {admin ? (
            <div className="nav-group">
              <p className="nav-heading">Administration</p>
              <NavLink to="/admin/users" icon={<UsersIcon />}>
                Users
              </NavLink>
              <NavLink to="/admin/agencies" icon={<BuildingIcon />}>
                Agencies
              </NavLink>
              <NetworkAdminNavLink />
              <NavLink to="/admin/matching" icon={<NetworkIcon />}>
                Network matching
              </NavLink>
            </div>
          ) : null}
          {audit ? (
            <div className="nav-group">
              <p className="nav-heading">Oversight</p>
              <NavLink to="/audit" icon={<ListIcon />}>
                Audit trail
              </NavLink>
            </div>
          ) : null}
        </nav>
        <div className="sidebar-footer">
          <p className="sidebar-agency">{me.agency.name}</p>
          <p className="sidebar-country">{countryName(me.agency.country)}</p>
        </div>
      </aside>
      <div className="workspace">
        <header className="topbar">
          <p className="topbar-agency">
            <span className="muted">Agency node</span> <strong>{me.agency.name}</strong>
          </p>
          <UserMenu />
        </header>
        <main id="main" className="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
