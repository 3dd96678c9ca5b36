import { useState } from 'react';
import { withQuery } from '../../api/client.js';
import { Link, useLocation } from '../../router.js';
import { useMe } from '../../session/session.js';
import { SelectField } from '../../ui/field.js';
import { ArrowLeftIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, PageHeader, Section } from '../../ui/page.js';
import { Pager } from '../../ui/pager.js';
import { useApi } from '../../ui/use-api.js';
import { HitCard } from './hit-card.js';
import type { Hit, HitList, HitStatus } from './hits-types.js';
import { HIT_STATUSES, STATUS_LABELS } from './hits-types.js';
import { HIT_ROLES } from './hits-ui.js';
import './hits.css';

const PAGE = 25;

/** Every hit on the agency's items: those waiting for our decision first, then the newest. */
export function HitsPage() {
  const me = useMe();
  const { search } = useLocation();
  const [status, setStatus] = useState<HitStatus | ''>((search.get('status') as HitStatus | null) ?? '');
  const [waiting, setWaiting] = useState(search.get('decide') === '1');
  const [page, setPage] = useState(1);
  const caseId = search.get('case') ?? undefined;
  const path = withQuery('/hits', { caseId, status: status || undefined, needsDecision: waiting ? true : undefined, limit: PAGE, offset: (page - 1) * PAGE });
  const { data, error, setData } = useApi<HitList>(path);
  const canAct = me.user.roles.some((r) => HIT_ROLES.includes(r));
  const replace = (hit: Hit) => data && setData({ ...data, items: data.items.map((h) => (h.id === hit.id ? hit : h)) });

  return (
    <>
      <PageHeader
        title="Hits"
        subtitle="Another agency of the network holds the same selector, the same file or a near-duplicate picture. Neither side's values left its node: the hub compared keyed tokens."
        actions={
          me.user.roles.includes('admin') ? (
            <Link to="/admin/matching" className="btn btn-secondary btn-small">
              Network matching settings
            </Link>
          ) : null
        }
      />
      <div className="filter-bar hits-filter-bar">
        <SelectField
          label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as HitStatus | '');
            setPage(1);
          }}
        >
          <option value="">Any</option>
          {HIT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </SelectField>
        <label className="checkbox hits-filter-decide">
          <input
            type="checkbox"
            checked={waiting}
            onChange={(e) => {
              setWaiting(e.target.checked);
              setPage(1);
            }}
          />
          <span className="checkbox-label">Waiting for our decision</span>
        </label>
        {caseId ? (
          <Link to="/hits" className="btn btn-ghost btn-small">
            Only one case's hits: show all
          </Link>
        ) : null}
      </div>
      <Section title={data ? `${data.total.toLocaleString('en-GB')} hit${data.total === 1 ? '' : 's'}` : 'Hits'} id="hits-list">
        <ErrorNotice error={error} />
        {!data && !error ? <Loading /> : null}
        {data && data.items.length === 0 ? (
          <Empty>{status || waiting ? 'No hit matches these filters.' : 'No hit yet. Items your agency shares are matched against the network as they are added, and against everything added later.'}</Empty>
        ) : null}
        <div className="hit-list">
          {data?.items.map((h) => <HitCard key={h.id} hit={h} canAct={canAct} onChange={replace} />)}
        </div>
        {data && data.total > PAGE ? <Pager page={page} pageSize={PAGE} total={data.total} onPage={setPage} noun="hits" /> : null}
      </Section>
    </>
  );
}

/** One hit (the badge on an item links here). */
export function HitPage({ id }: { id: string }) {
  const me = useMe();
  const { data, error, setData } = useApi<Hit>(`/hits/${id}`);
  return (
    <>
      <PageHeader
        eyebrow={
          <Link to="/hits" className="back-link">
            <ArrowLeftIcon /> Hits
          </Link>
        }
        title="Hit"
      />
      <ErrorNotice error={error} title="The hit could not be opened" />
      {!data && !error ? <Loading /> : null}
      {data ? <HitCard hit={data} canAct={me.user.roles.some((r) => HIT_ROLES.includes(r))} onChange={setData} /> : null}
    </>
  );
}
