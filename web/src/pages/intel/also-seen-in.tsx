import { Link } from '../../router.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { SelectorBadge } from './intel-ui.js';
import type { AlsoSeenIn } from './intel-types.js';

/** Other cases the user's agency takes part in that share a selector with this one (the node never shows others). */
export function AlsoSeenInList({ caseId }: { caseId: string }) {
  const { data, error } = useApi<AlsoSeenIn[]>(`/cases/${caseId}/also-seen-in`);
  if (error) return <ErrorNotice error={error} />;
  if (!data) return <Loading />;
  if (data.length === 0) return <Empty>No other case of your agency shares a selector with this one.</Empty>;
  return (
    <ul className="also-seen-list" aria-label="Cases sharing selectors with this one">
      {data.map((c) => (
        <li key={c.caseId}>
          <Link to={`/cases/${c.caseId}`} className="strong-link">
            <span className="case-ref">{c.reference}</span> {c.title}
          </Link>
          <span className="muted small">led by {c.leadAgencyName} · </span>
          {c.selectors.slice(0, 6).map((s) => (
            <span key={`${s.type}:${s.normalised}`}>
              <SelectorBadge selector={{ type: s.type, valid: true, reason: null }} /> <span className="selector-value small">{s.normalised}</span>{' '}
            </span>
          ))}
          {c.selectors.length > 6 ? <span className="muted small">and {c.selectors.length - 6} more</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** On the case page: the way into the case's intelligence, and the cases it is linked to. */
export function CaseIntelPanel({ caseId }: { caseId: string }) {
  return (
    <Section title="Intelligence" id="case-intel">
      <nav className="intel-links" aria-label="Intelligence of this case">
        <Link to={`/cases/${caseId}/records`} className="btn btn-secondary btn-small">
          Records
        </Link>
        <Link to={`/cases/${caseId}/selectors`} className="btn btn-secondary btn-small">
          Selectors
        </Link>
        <Link to={`/cases/${caseId}/graph`} className="btn btn-secondary btn-small">
          Link analysis
        </Link>
        <Link to={`/cases/${caseId}/timeline`} className="btn btn-secondary btn-small">
          Timeline
        </Link>
        <Link to={`/cases/${caseId}/import`} className="btn btn-secondary btn-small">
          Import
        </Link>
      </nav>
      <h3 className="subheading">Also seen in</h3>
      <AlsoSeenInList caseId={caseId} />
    </Section>
  );
}
