import { withQuery } from '../../api/client.js';
import { navigate, useLocation } from '../../router.js';
import { Button } from '../../ui/button.js';
import { TextField } from '../../ui/field.js';
import { formatDate } from '../../ui/format.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { HandlingBadge, IntelFrame } from './intel-ui.js';
import { RECORD_KIND_LABELS, type RecordKind, type Timeline, type TimelineItem } from './intel-types.js';

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
}

function byDay(items: TimelineItem[]): [string, TimelineItem[]][] {
  const days = new Map<string, TimelineItem[]>();
  for (const item of items) {
    const day = item.time.slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), item]);
  }
  return [...days.entries()];
}

/**
 * A case's records (and media, once the media stream adds them) in time order: when things happened where that is
 * known (post times), else when they were recorded. Times are shown in UTC, as the evidence has them.
 */
export function TimelinePage({ caseId }: { caseId: string }) {
  const { search } = useLocation();
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const identityId = search.get('identity') ?? '';
  const path = withQuery(`/cases/${caseId}/timeline`, {
    from: from ? `${from}T00:00:00Z` : undefined,
    to: to ? `${to}T23:59:59Z` : undefined,
    identityId: identityId || undefined,
    limit: 2000,
  });
  const { data, error, loading } = useApi<Timeline>(path);
  const go = (next: { from?: string; to?: string; identity?: string }) =>
    navigate(withQuery(`/cases/${caseId}/timeline`, { from: next.from ?? from, to: next.to ?? to, identity: next.identity ?? identityId }));
  const max = Math.max(1, ...(data?.days.map((d) => d.count) ?? [1]));

  return (
    <IntelFrame caseId={caseId} title="Timeline">
      {() => (
        <>
          <div className="intel-toolbar">
            <TextField label="From" type="date" value={from} onChange={(e) => go({ from: e.target.value })} />
            <TextField label="To" type="date" value={to} onChange={(e) => go({ to: e.target.value })} />
            {from || to || identityId ? (
              <Button variant="ghost" onClick={() => navigate(`/cases/${caseId}/timeline`)}>
                Show everything
              </Button>
            ) : null}
          </div>
          <ErrorNotice error={error} />
          {loading && !data ? <Loading /> : null}
          {data ? (
            data.total === 0 ? (
              <Empty>Nothing in this period.</Empty>
            ) : (
              <>
                <div className="timeline-bars" role="group" aria-label="Items per day; choose a day to show only it">
                  {data.days.map((d) => (
                    <button key={d.day} type="button" className="timeline-bar" style={{ height: `${Math.max(4, (d.count / max) * 100)}%` }} title={`${formatDate(d.day)}: ${d.count}`} aria-label={`${formatDate(d.day)}: ${d.count} item(s)`} onClick={() => go({ from: d.day, to: d.day })} />
                  ))}
                </div>
                <div className="timeline-axis" aria-hidden="true">
                  <span>{formatDate(data.days[0]!.day)}</span>
                  <span>{formatDate(data.days[data.days.length - 1]!.day)}</span>
                </div>
                <p className="muted small">
                  {data.items.length < data.total ? `The first ${data.items.length} of ${data.total} items; narrow the period to see the rest.` : `${data.total} item(s).`} Times in UTC.
                </p>
                <ol className="timeline-list" aria-label="Items in time order">
                  {byDay(data.items).map(([day, items]) => (
                    <li key={day}>
                      <p className="timeline-day">{formatDate(day)}</p>
                      <ol className="record-list">
                        {items.map((item) => (
                          <li key={`${item.type}:${item.id}`} className="record-item">
                            <div className="record-item-meta">
                              <strong>{time(item.time)}</strong>
                              <span>{item.type === 'record' ? (RECORD_KIND_LABELS[item.kind as RecordKind] ?? item.kind) : item.kind}</span>
                              {item.timeSource === 'recorded' ? <span className="badge badge-muted">recorded</span> : null}
                              {item.subject ? (
                                <button type="button" className="link-button selector-value" onClick={() => item.identityId && go({ identity: item.identityId })}>
                                  {item.subject}
                                </button>
                              ) : null}
                              <HandlingBadge code={item.handlingCode as Parameters<typeof HandlingBadge>[0]['code']} />
                            </div>
                            <p className="record-text">{item.title}</p>
                          </li>
                        ))}
                      </ol>
                    </li>
                  ))}
                </ol>
              </>
            )
          ) : null}
        </>
      )}
    </IntelFrame>
  );
}
