import type { Case } from '../../api/types.js';
import { Link } from '../../router.js';
import { Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { percent, type AssessmentSummary } from './location-types.js';

/** On the case page: the location assessments at a glance and the way in. */
export function CaseLocationPanel({ c }: { c: Case }) {
  const { data } = useApi<AssessmentSummary[]>(`/cases/${c.id}/location-assessments`);
  return (
    <Section
      title="Location"
      id="case-location"
      actions={
        <Link to={`/cases/${c.id}/location`} className="btn btn-secondary btn-small">
          Location inference
        </Link>
      }
    >
      {!data ? (
        <p className="muted">…</p>
      ) : data.length === 0 ? (
        <p className="muted">No location assessment yet.</p>
      ) : (
        <ul className="location-summary-list">
          {data.slice(0, 5).map((a) => (
            <li key={a.id}>
              <Link to={`/cases/${c.id}/location/${a.id}`}>{a.title}</Link>: most likely {a.top.name} ({percent(a.top.probability)}), {a.credibleSet.length} in the credible set
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
