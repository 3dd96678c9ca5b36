import type { Case } from '../../api/types.js';
import { Link } from '../../router.js';
import { Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import type { Dashboard } from './victims-types.js';

/** The case page's way into victim identification: the headline counts (no pictures) and the screens. */
export function CaseVictimsPanel({ c }: { c: Case }) {
  const { data } = useApi<Dashboard>(`/cases/${c.id}/dashboard`);
  const identified = data ? data.victims.identified + data.victims.safeguarded : 0;
  return (
    <Section
      title="Victim identification"
      id="case-victims"
      actions={
        <>
          <Link to={`/cases/${c.id}/dashboard`} className="btn btn-secondary btn-small">
            Dashboard
          </Link>
          <Link to={`/cases/${c.id}/triage`} className="btn btn-secondary btn-small">
            Triage
          </Link>
          <Link to={`/cases/${c.id}/series`} className="btn btn-secondary btn-small">
            Series
          </Link>
        </>
      }
    >
      {data ? (
        <p className="muted">
          <strong>{identified}</strong> of {data.victims.total} victim{data.victims.total === 1 ? '' : 's'} identified ({data.victims.safeguarded} safeguarded); {data.series.total} series, {data.series.identified} identified
          {data.series.identifiedElsewhere ? `, ${data.series.identifiedElsewhere} identified by another agency` : ''}; {data.series.openProposals} proposal{data.series.openProposals === 1 ? '' : 's'} to review.
        </p>
      ) : (
        <p className="muted">…</p>
      )}
    </Section>
  );
}
