import type { Case } from '../../api/types.js';
import { Link } from '../../router.js';
import { Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import type { MediaFacets } from './media-types.js';

/** The case page's way into its media: counts at a glance (no pictures here) and the two screens. */
export function CaseMediaPanel({ c }: { c: Case }) {
  const { data } = useApi<MediaFacets>(`/cases/${c.id}/media/facets`);
  return (
    <Section
      title="Media"
      id="case-media"
      actions={
        <>
          <Link to={`/cases/${c.id}/media`} className="btn btn-secondary btn-small">
            Media library
          </Link>
          {c.can.contribute ? (
            <Link to={`/cases/${c.id}/ingest`} className="btn btn-secondary btn-small">
              Ingest a device
            </Link>
          ) : null}
        </>
      }
    >
      {data ? (
        <p className="muted">
          {data.total.toLocaleString('en-GB')} item{data.total === 1 ? '' : 's'} ({data.kinds.image ?? 0} pictures, {data.kinds.video ?? 0} videos), {data.known} known from hash sets, {data.nearGroups} near-duplicate group
          {data.nearGroups === 1 ? '' : 's'}, {(data.categories.uncategorised ?? 0).toLocaleString('en-GB')} not categorised yet.
        </p>
      ) : (
        <p className="muted">…</p>
      )}
    </Section>
  );
}
