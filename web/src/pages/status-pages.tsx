import type { Role } from '../api/types.js';
import { Link } from '../router.js';
import { ROLE_LABELS } from '../session/roles.js';
import { PageHeader } from '../ui/page.js';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" subtitle="There is nothing at this address." />
      <p>
        <Link to="/">Go to your start page</Link>
      </p>
    </>
  );
}

export function ForbiddenPage({ roles }: { roles: readonly Role[] }) {
  return (
    <>
      <PageHeader title="Not available for your roles" subtitle={`This screen is for: ${roles.map((r) => ROLE_LABELS[r]).join(', ')}.`} />
      <p>Your agency admin can change your roles if you need it for your work.</p>
      <p>
        <Link to="/">Go to your start page</Link>
      </p>
    </>
  );
}
