import type { Case } from '../../api/types.js';
import { Link } from '../../router.js';
import { formatDate } from '../../ui/format.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { elsewhereText, type Dashboard } from './victims-types.js';
import { VictimsFrame } from './victims-frame.js';

function Figure({ value, label, to, tone }: { value: number; label: string; to?: string; tone?: 'good' | 'warn' }) {
  const body = (
    <>
      <span className="vid-figure-value">{value.toLocaleString('en-GB')}</span>
      <span className="vid-figure-label">{label}</span>
    </>
  );
  const cls = `vid-figure${tone ? ` vid-figure-${tone}` : ''}`;
  return to ? (
    <Link to={to} className={cls}>
      {body}
    </Link>
  ) : (
    <div className={cls}>{body}</div>
  );
}

function Board({ c }: { c: Case }) {
  const { data: d, error } = useApi<Dashboard>(`/cases/${c.id}/dashboard`);
  if (error) return <ErrorNotice error={error} />;
  if (!d) return <Loading label="Counting…" />;
  const identified = d.victims.identified + d.victims.safeguarded;
  const share = d.victims.total ? Math.round((identified / d.victims.total) * 100) : 0;
  return (
    <div className="vid-dashboard">
      <section className="vid-headline" aria-label="Victims identified">
        <p className="vid-headline-value" data-testid="victims-identified">
          {identified}
        </p>
        <div>
          <p className="vid-headline-text">
            {identified === 1 ? 'victim identified' : 'victims identified'} of {d.victims.total} recorded
          </p>
          <div className="vid-progress" role="progressbar" aria-valuemin={0} aria-valuemax={d.victims.total} aria-valuenow={identified} aria-label="Victims identified">
            <span style={{ width: `${share}%` }} />
          </div>
          <p className="muted small">
            {d.victims.safeguarded} safeguarded · {d.victims.identified} identified, not yet safeguarded · {d.victims.unidentified} still unidentified
          </p>
        </div>
      </section>

      {d.elsewhere.filter((e) => e.status === 'identified').length ? (
        <Notice tone="success" title="Identified by another agency">
          <ul className="vid-plain-list">
            {d.elsewhere
              .filter((e) => e.status === 'identified')
              .map((e) => (
                <li key={`${e.agency.id}:${e.seriesRef}`}>
                  {elsewhereText(e, formatDate)}: a series that {e.media === 1 ? 'one of your items' : `${e.media} of your items`} hit.
                </li>
              ))}
          </ul>
        </Notice>
      ) : null}

      <div className="vid-figures-grid">
        <Section title="Media" id="dash-media">
          <div className="vid-figures">
            <Figure value={d.media.total} label="items" to={`/cases/${c.id}/media`} />
            <Figure value={d.media.new} label="new" to={`/cases/${c.id}/media?status=new`} />
            <Figure value={d.media.known} label="known (hash sets)" to={`/cases/${c.id}/media?status=known`} />
            <Figure value={d.media.categorised} label="categorised" />
            <Figure value={d.media.uncategorised} label="to categorise" to={`/cases/${c.id}/triage`} tone={d.media.uncategorised ? 'warn' : 'good'} />
            <Figure value={d.media.inSeries} label="in a series" />
          </div>
        </Section>
        <Section title="Series" id="dash-series">
          <div className="vid-figures">
            <Figure value={d.series.total} label="series" to={`/cases/${c.id}/series`} />
            <Figure value={d.series.identified} label="identified" tone="good" />
            <Figure value={d.series.unidentified} label="unidentified" />
            <Figure value={d.series.identifiedElsewhere} label="identified elsewhere" tone={d.series.identifiedElsewhere ? 'good' : undefined} />
            <Figure value={d.series.openProposals} label="proposals to review" to={`/cases/${c.id}/series`} tone={d.series.openProposals ? 'warn' : undefined} />
          </div>
        </Section>
        <Section title="Victims" id="dash-victims">
          <div className="vid-figures">
            <Figure value={d.victims.total} label="recorded" to={`/cases/${c.id}/victims`} />
            <Figure value={d.victims.unidentified} label="unidentified" />
            <Figure value={d.victims.identified} label="identified" tone="good" />
            <Figure value={d.victims.safeguarded} label="safeguarded" tone="good" />
          </div>
        </Section>
        <Section title="Network hits" id="dash-hits">
          <div className="vid-figures">
            <Figure value={d.hits.open} label="open" to="/hits" tone={d.hits.new ? 'warn' : undefined} />
            <Figure value={d.hits.new} label="new" to="/hits" />
            <Figure value={d.hits.media} label="on media" />
          </div>
        </Section>
      </div>

      <Section title="Latest identifications" id="dash-milestones">
        {d.milestones.length === 0 ? (
          <Empty>No victim or series identified yet.</Empty>
        ) : (
          <ol className="vid-milestones">
            {d.milestones.map((m) => (
              <li key={`${m.kind}:${m.id}`}>
                <span className="vid-milestone-date">{m.on ? formatDate(m.on) : '—'}</span>
                <Link to={m.kind === 'series' ? `/cases/${c.id}/series/${m.id}` : `/cases/${c.id}/victims#${m.code}`}>
                  {m.kind === 'series' ? 'Series' : 'Victim'} {m.code}
                </Link>{' '}
                <span className={`badge vid-status-${m.status}`}>{m.status}</span>
                {m.agency ? <span className="muted small"> by {m.agency.name}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </Section>
    </div>
  );
}

export function DashboardPage({ caseId }: { caseId: string }) {
  return (
    <VictimsFrame caseId={caseId} title="Victim identification" subtitle="Where the case stands: media triaged, series, victims identified and safeguarded, network hits.">
      {(c) => <Board c={c} />}
    </VictimsFrame>
  );
}
