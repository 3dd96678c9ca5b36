import type { ReactNode } from 'react';
import type { Case } from '../api/types.js';
import { Link, useLocation } from '../router.js';
import { ArrowLeftIcon } from '../ui/icons.js';
import { ErrorNotice } from '../ui/notice.js';
import { Loading, PageHeader } from '../ui/page.js';
import { useApi } from '../ui/use-api.js';

export interface CaseTab {
  /** Under `/cases/{id}/`. */
  path: string;
  label: string;
  /** Also marked current on the pages below it (`series/{id}`). */
  nested?: boolean;
}

export interface CaseSectionFrameProps {
  caseId: string;
  /** Names the tab list for assistive technology ("Media of this case"). */
  section: string;
  tabs: readonly CaseTab[];
  /** Tabs that lead to another section (never current here). */
  links?: readonly { to: (c: Case) => string; label: string }[];
  title: string;
  subtitle?: ReactNode;
  actions?: (c: Case) => ReactNode;
  children: (c: Case) => ReactNode;
}

/** Back to the case, named by its reference and title: the eyebrow of every page within a case. */
export function CaseBackLink({ c }: { c: Pick<Case, 'id' | 'reference' | 'title'> }) {
  return (
    <Link to={`/cases/${c.id}`} className="back-link">
      <ArrowLeftIcon /> <span className="case-ref">{c.reference}</span> {c.title}
    </Link>
  );
}

/** The frame of a section of a case (intelligence, media, victim identification): back to the case, its name, the section's screens as tabs. */
export function CaseSectionFrame({ caseId, section, tabs, links = [], title, subtitle, actions, children }: CaseSectionFrameProps) {
  const { path } = useLocation();
  const { data: c, error } = useApi<Case>(`/cases/${caseId}`);
  if (error) return <ErrorNotice error={error} title="The case could not be opened" />;
  if (!c) return <Loading />;
  return (
    <>
      <PageHeader
        eyebrow={<CaseBackLink c={c} />}
        title={title}
        subtitle={subtitle}
        actions={actions?.(c)}
      />
      <nav className="tabs" aria-label={section}>
        {tabs.map((t) => {
          const to = `/cases/${c.id}/${t.path}`;
          const current = path === to || (t.nested === true && path.startsWith(`${to}/`));
          return (
            <Link key={t.path} to={to} className={`tab${current ? ' is-active' : ''}`} aria-current={current ? 'page' : undefined}>
              {t.label}
            </Link>
          );
        })}
        {links.map((l) => (
          <Link key={l.label} to={l.to(c)} className="tab">
            {l.label}
          </Link>
        ))}
      </nav>
      {children(c)}
    </>
  );
}
