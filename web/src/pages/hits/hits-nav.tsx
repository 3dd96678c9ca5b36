import type { Role } from '../../api/types.js';
import { Link, useLocation } from '../../router.js';
import { HIT_ROLES, NetworkIcon, useHitCounts } from './hits-ui.js';
import './hits.css';

/** The navigation entry: Hits, with how many are new and how many wait for the agency's decision. */
export function HitsNavLink({ roles }: { roles: readonly Role[] }) {
  const allowed = roles.some((r) => HIT_ROLES.includes(r));
  const counts = useHitCounts(allowed);
  const { path } = useLocation();
  if (!allowed) return null;
  const active = path === '/hits' || path.startsWith('/hits/');
  const label = [counts.new ? `${counts.new} new` : '', counts.needsDecision ? `${counts.needsDecision} waiting for a decision` : ''].filter(Boolean).join(', ');
  const shown = counts.new + counts.needsDecision;
  return (
    <Link to="/hits" className={`nav-link${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined}>
      <NetworkIcon />
      <span>Hits</span>
      {shown > 0 ? (
        <span className="hit-count" aria-label={label} title={label}>
          {counts.needsDecision > 0 ? '!' : counts.new}
        </span>
      ) : null}
    </Link>
  );
}
