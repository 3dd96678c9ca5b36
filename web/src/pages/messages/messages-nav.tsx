import type { Role } from '../../api/types.js';
import { useLocation, Link } from '../../router.js';
import { MESSAGE_ROLES } from './routes.js';
import { MailIcon, useUnread } from './messages-ui.js';

/** The navigation entry: Messages, with the user's unread count and overdue requests for information. */
export function MessagesNavLink({ roles }: { roles: readonly Role[] }) {
  const allowed = roles.some((r) => MESSAGE_ROLES.includes(r));
  const { path } = useLocation();
  const { unread, overdue } = useUnread(allowed, path);
  if (!allowed) return null;
  const active = path === '/messages' || path.startsWith('/messages/');
  const label = [unread ? `${unread} unread` : '', overdue ? `${overdue} overdue` : ''].filter(Boolean).join(', ');
  return (
    <Link to="/messages" className={`nav-link${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined}>
      <MailIcon />
      <span>Messages</span>
      {unread > 0 ? (
        <span className="count count-unread" aria-label={label} title={label}>
          {unread}
        </span>
      ) : overdue > 0 ? (
        <span className="count count-unread" aria-label={label} title={label}>
          !
        </span>
      ) : null}
    </Link>
  );
}

/** The administration entry for the exchange network (membership, keys; on a hub, enrolment and members). */
export function NetworkAdminNavLink() {
  const { path } = useLocation();
  const active = path === '/admin/network';
  return (
    <Link to="/admin/network" className={`nav-link${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined}>
      <MailIcon />
      <span>Exchange network</span>
    </Link>
  );
}
