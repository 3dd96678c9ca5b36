import type { ReactNode } from 'react';
import type { Case } from '../../api/types.js';
import { Link, useLocation } from '../../router.js';
import { ArrowLeftIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Loading, PageHeader } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import '../media/media.css';
import './victims.css';

const TABS = [
  { path: 'dashboard', label: 'Dashboard' },
  { path: 'triage', label: 'Triage' },
  { path: 'series', label: 'Series' },
  { path: 'victims', label: 'Victims' },
];

/** The frame of a case's victim-identification screens: back to the case, its name, the screens as tabs. */
export function VictimsFrame({ caseId, title, subtitle, actions, children }: { caseId: string; title: string; subtitle?: ReactNode; actions?: (c: Case) => ReactNode; children: (c: Case) => ReactNode }) {
  const { path } = useLocation();
  const { data: c, error } = useApi<Case>(`/cases/${caseId}`);
  if (error) return <ErrorNotice error={error} title="The case could not be opened" />;
  if (!c) return <Loading />;
  return (
    <>
      <PageHeader
        eyebrow={
          <Link to={`/cases/${c.id}`} className="back-link">
            <ArrowLeftIcon /> <span className="case-ref">{c.reference}</span> {c.title}
          </Link>
        }
        title={title}
        subtitle={subtitle}
        actions={actions?.(c)}
      />
      <nav className="tabs" aria-label="Victim identification in this case">
        {TABS.map((t) => {
          const to = `/cases/${c.id}/${t.path}`;
          const current = path === to || (t.path === 'series' && path.startsWith(`${to}/`));
          return (
            <Link key={t.path} to={to} className={`tab${current ? ' is-active' : ''}`} aria-current={current ? 'page' : undefined}>
              {t.label}
            </Link>
          );
        })}
        <Link to={`/cases/${c.id}/media`} className="tab">
          Media library
        </Link>
      </nav>
      {children(c)}
    </>
  );
}
