import type { ReactNode } from 'react';
import type { Case } from '../../api/types.js';
import { Link, useLocation } from '../../router.js';
import { ArrowLeftIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Loading, PageHeader } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import './media.css';

const TABS = [
  { path: 'media', label: 'Media library' },
  { path: 'ingest', label: 'Ingest' },
];

/** The frame of a case's media screens: back to the case, the case's name, and the screens as tabs. */
export function MediaFrame({ caseId, title, subtitle, actions, children }: { caseId: string; title: string; subtitle?: ReactNode; actions?: (c: Case) => ReactNode; children: (c: Case) => ReactNode }) {
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
      <nav className="tabs" aria-label="Media of this case">
        {TABS.map((t) => {
          const to = `/cases/${c.id}/${t.path}`;
          return (
            <Link key={t.path} to={to} className={`tab${path === to ? ' is-active' : ''}`} aria-current={path === to ? 'page' : undefined}>
              {t.label}
            </Link>
          );
        })}
        <Link to="/hashsets" className="tab">
          Known hash sets
        </Link>
      </nav>
      {children(c)}
    </>
  );
}
