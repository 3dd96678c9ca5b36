import { useState } from 'react';
import { api, withQuery } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { Link } from '../../router.js';
import { SelectField } from '../../ui/field.js';
import { ArrowLeftIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, PageHeader, Section } from '../../ui/page.js';
import { Pager } from '../../ui/pager.js';
import { useApi } from '../../ui/use-api.js';
import type { CaseSharing, HandlingCode, ItemKind, SharedItem } from './hits-types.js';
import { TLP_CODES } from './hits-types.js';
import { NetworkIcon } from './hits-ui.js';
import './hits.css';

const PAGE = 50;

/** The case page's summary of what the agency shares of this case for network matching. */
export function CaseMatchingPanel({ c }: { c: Case }) {
  const { data } = useApi<CaseSharing>(`/cases/${c.id}/matching?limit=1`);
  const hits = useApi<unknown[]>(`/cases/${c.id}/hits`);
  return (
    <Section
      title="Network matching"
      id="case-matching"
      actions={
        <Link to={`/cases/${c.id}/matching`} className="btn btn-secondary btn-small">
          What we share
        </Link>
      }
    >
      {data ? (
        <p className="muted">
          <NetworkIcon /> {data.shared.toLocaleString('en-GB')} item{data.shared === 1 ? '' : 's'} shared for hit/no-hit ({data.published.toLocaleString('en-GB')} at the hub), {data.notShared.toLocaleString('en-GB')} kept back;{' '}
          {hits.data ? (
            <Link to={`/hits?case=${c.id}`}>
              {hits.data.length} hit{hits.data.length === 1 ? '' : 's'}
            </Link>
          ) : (
            '…'
          )}
          . Media are matched as {data.mediaHandling}.
        </p>
      ) : (
        <p className="muted">…</p>
      )}
    </Section>
  );
}

function SharingChoice({ item, onSet, disabled }: { item: SharedItem; onSet: (value: boolean | null) => void; disabled: boolean }) {
  const value = item.override === null ? 'default' : item.override ? 'on' : 'off';
  return (
    <select
      className="select select-small"
      aria-label={`Sharing of ${item.label}`}
      value={value}
      disabled={disabled}
      onChange={(e) => onSet(e.target.value === 'default' ? null : e.target.value === 'on')}
    >
      <option value="default">By handling code ({item.defaultShared ? 'shared' : 'not shared'})</option>
      <option value="on">Always share</option>
      <option value="off">Never share</option>
    </select>
  );
}

/**
 * Item by item, what the agency shares of the case for matching: by default everything handled TLP:AMBER or lower;
 * a contributor can share a more restricted item on purpose, or keep any item back. Only keyed tokens leave the node.
 */
export function CaseMatchingPage({ caseId }: { caseId: string }) {
  const c = useApi<Case>(`/cases/${caseId}`);
  const [kind, setKind] = useState<ItemKind | ''>('');
  const [page, setPage] = useState(1);
  const { data, error, reload, setData } = useApi<CaseSharing>(withQuery(`/cases/${caseId}/matching`, { kind: kind || undefined, limit: PAGE, offset: (page - 1) * PAGE }));
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const canChange = Boolean(c.data?.can.contribute);

  const setItem = async (item: SharedItem, shared: boolean | null) => {
    setBusy(item.itemId);
    setActionError(null);
    try {
      const updated = await api.put<SharedItem>(`/cases/${caseId}/matching/items/${item.kind}/${item.itemId}`, { shared });
      if (data) setData({ ...data, items: data.items.map((i) => (i.itemId === item.itemId && i.kind === item.kind ? { ...updated, hits: i.hits } : i)) });
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  const setMediaHandling = async (handling: HandlingCode) => {
    setBusy('media');
    setActionError(null);
    try {
      await api.put(`/cases/${caseId}/matching`, { mediaHandling: handling });
      reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to={`/cases/${caseId}`} className="back-link">
            <ArrowLeftIcon /> {c.data ? c.data.reference : 'Case'}
          </Link>
        }
        title="What we share for network matching"
        subtitle="Each shared item leaves this node only as keyed tokens (and a keyed transform of its PDQ hash): the hub compares them with other agencies' without learning the values. Changes reach the hub within a minute."
      />
      <ErrorNotice error={error ?? actionError} />
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <Section title="Media of this case" id="matching-media">
            <div className="form-row">
              <SelectField
                label="Matched as"
                value={data.mediaHandling}
                disabled={!canChange || busy === 'media'}
                onChange={(e) => void setMediaHandling(e.target.value as HandlingCode)}
                hint="Media carry no handling code of their own; TLP:AMBER or lower shares them by default, and the disclosure policy of that code applies to their hits."
              >
                {TLP_CODES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </SelectField>
            </div>
          </Section>
          <Section
            title={`${data.shared.toLocaleString('en-GB')} shared, ${data.notShared.toLocaleString('en-GB')} kept back`}
            id="matching-items"
            actions={
              <SelectField
                label="Show"
                hideLabel
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value as ItemKind | '');
                  setPage(1);
                }}
              >
                <option value="">Selectors and media</option>
                <option value="selector">Selectors</option>
                <option value="media">Media</option>
              </SelectField>
            }
          >
            {data.items.length === 0 ? <Empty>Nothing of your agency's in this case can be matched yet: confirmed selectors and media items can.</Empty> : null}
            {data.items.length > 0 ? (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>Item</th>
                      <th>Handling</th>
                      <th>Sharing</th>
                      <th>At the hub</th>
                      <th>Hits</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((item) => (
                      <tr key={`${item.kind}:${item.itemId}`}>
                        <td>
                          {item.kind === 'media' ? <Link to={`/cases/${caseId}/media/${item.itemId}`}>{item.label}</Link> : item.label}
                        </td>
                        <td className="nowrap">{item.handling}</td>
                        <td>
                          <SharingChoice item={item} disabled={!canChange || busy === item.itemId} onSet={(v) => void setItem(item, v)} />
                        </td>
                        <td>{item.published ? 'Published' : item.shared ? 'Waiting' : '—'}</td>
                        <td>{item.hits > 0 ? <Link to={`/hits?case=${caseId}`}>{item.hits}</Link> : '0'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {data.total > PAGE ? <Pager page={page} pageSize={PAGE} total={data.total} onPage={setPage} noun="items" /> : null}
          </Section>
        </>
      ) : null}
    </>
  );
}
