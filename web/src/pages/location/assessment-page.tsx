import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { Link, navigate } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { SelectField, TextArea } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { ArrowLeftIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Loading, PageHeader, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { ActivityCharts } from './activity-charts.js';
import { EvidenceList } from './evidence-list.js';
import { AUDIENCE_HINTS, AUDIENCE_LABELS, PRIOR_LABELS, REASON_LABELS, percent, type Assessment } from './location-types.js';
import { ProbabilityMap } from './probability-map.js';
import { VersionsDialog } from './versions-dialog.js';
import './location.css';

const SHOWN_IN_SET = 12;

function Ranking({ a }: { a: Assessment }) {
  const { countries, credibleSet, credibleLevel } = a.result;
  const top = countries.slice(0, 6);
  const names = new Map(countries.map((c) => [c.code, c.name]));
  return (
    <div className="ranking">
      <ol className="ranking-list" aria-label="Most likely countries">
        {top.map((c) => (
          <li key={c.code}>
            <span className="ranking-name">{c.name}</span>
            <span className="ranking-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(1, c.probability * 100)}%` }} />
            </span>
            <span className="ranking-value">{percent(c.probability)}</span>
          </li>
        ))}
      </ol>
      <p className="small credible-set" data-testid="credible-set">
        <strong>
          {Math.round(credibleLevel * 100)} % credible set ({credibleSet.length} countr{credibleSet.length === 1 ? 'y' : 'ies'}, outlined):
        </strong>{' '}
        {credibleSet
          .slice(0, SHOWN_IN_SET)
          .map((code) => names.get(code) ?? code)
          .join(', ')}
        {credibleSet.length > SHOWN_IN_SET ? ` and ${credibleSet.length - SHOWN_IN_SET} more` : ''}
      </p>
    </div>
  );
}

/** The explanation sentence, four lines at first so the evidence stays on the first screen; all of it on request. */
function Explanation({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <p className={`explanation${open ? '' : ' is-clamped'}`} data-testid="explanation">
        {text}
      </p>
      {text.length > 240 ? (
        <button type="button" className="link-button small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : 'Show the whole explanation'}
        </button>
      ) : null}
    </>
  );
}

function Activity({ a }: { a: Assessment }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const reports = a.result.activity;
  if (reports.length === 0) return <p className="muted">No activity times are switched on: add posts with times to the case, or switch the activity item on.</p>;
  const report = reports.find((r) => r.evidenceId === chosen) ?? reports[0]!;
  const label = a.evidence.find((e) => e.id === report.evidenceId)?.label ?? 'Activity';
  return (
    <>
      {reports.length > 1 ? (
        <SelectField label="Activity of" value={report.evidenceId} onChange={(e) => setChosen(e.target.value)}>
          {reports.map((r) => (
            <option key={r.evidenceId} value={r.evidenceId}>
              {a.evidence.find((e) => e.id === r.evidenceId)?.label ?? r.evidenceId}
            </option>
          ))}
        </SelectField>
      ) : null}
      <ActivityCharts key={report.evidenceId} report={report} label={label} />
    </>
  );
}

function DeleteDialog({ path, caseId, onClose }: { path: string; caseId: string; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api.delete(path, { reason });
      navigate(`/cases/${caseId}/location`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Erase this assessment?"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="erase-assessment" variant="danger" busy={busy} disabled={reason.trim().length < 3}>
            Erase assessment
          </Button>
        </>
      }
    >
      <form id="erase-assessment" onSubmit={submit}>
        <ErrorNotice error={error} />
        <TextArea label="Reason (logged)" value={reason} onChange={(e) => setReason(e.target.value)} required rows={3} />
      </form>
    </Dialog>
  );
}

/**
 * One location assessment: the map and the ranking, the activity charts, why (the explanation and the assumptions)
 * and the evidence with its toggles. No media are shown here.
 */
export function AssessmentPage({ caseId, assessmentId }: { caseId: string; assessmentId: string }) {
  const path = `/cases/${caseId}/location-assessments/${assessmentId}`;
  const { data: c } = useApi<Case>(`/cases/${caseId}`);
  const { data: a, error, setData } = useApi<Assessment>(path);
  const [dialog, setDialog] = useState<'versions' | 'delete' | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);

  if (error) return <ErrorNotice error={error} title="The assessment could not be opened" />;
  if (!a) return <Loading label="Assessing…" />;
  const top = a.result.countries[0]!;
  const recompute = async () => {
    setBusy(true);
    setActionError(null);
    try {
      setData(await api.post<Assessment>(`${path}/recompute`));
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to={`/cases/${caseId}/location`} className="back-link">
            <ArrowLeftIcon /> {c ? <span className="case-ref">{c.reference}</span> : null} Location
          </Link>
        }
        title={a.title}
        subtitle={
          <>
            {a.subject.type === 'identity' ? <span className="selector-value">{a.subject.label}</span> : <>the whole case</>} ·{' '}
            <span title={AUDIENCE_HINTS[a.audience]}>{AUDIENCE_LABELS[a.audience]}</span> · <span title={PRIOR_LABELS[a.countryPrior]}>prior: {a.countryPrior}</span> · version {a.current.version} ({REASON_LABELS[a.current.reason].toLowerCase()}{' '}
            {formatDateTime(a.current.createdAt)} by {a.current.createdBy})
          </>
        }
        actions={
          <>
            <Button onClick={() => setDialog('versions')}>Versions</Button>
            {a.can.edit ? (
              <>
                <Button onClick={() => void recompute()} busy={busy}>
                  Recompute
                </Button>
                <Button variant="ghost" onClick={() => setDialog('delete')}>
                  Erase
                </Button>
              </>
            ) : null}
          </>
        }
      />
      <ErrorNotice error={actionError} />
      <div className="location-grid">
        <div className="location-main">
          <Section title="Where" id="location-where">
            <div className="where">
              <ProbabilityMap countries={a.result.countries} credibleSet={a.result.credibleSet} level={a.result.credibleLevel} />
              <Ranking a={a} />
            </div>
          </Section>
          <Section title="Activity" id="location-activity">
            <Activity a={a} />
          </Section>
        </div>
        <div className="location-side">
          <Section title="Why" id="location-why">
            <p className="headline" data-testid="headline">
              Most likely <strong>{top.name}</strong> ({percent(top.probability)}); the {Math.round(a.result.credibleLevel * 100)} % credible set holds {a.result.credibleSet.length} countr
              {a.result.credibleSet.length === 1 ? 'y' : 'ies'}.
            </p>
            <Explanation text={a.result.explanation || 'No usable evidence is switched on: the ranking is the prior alone.'} />
            <details className="assumptions">
              <summary>Assumptions ({a.result.assumptions.length})</summary>
              <ul>
                {a.result.assumptions.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </details>
          </Section>
          <Section title={`Evidence (${a.evidence.filter((e) => e.enabled).length} of ${a.evidence.length} on)`} id="location-evidence">
            <EvidenceList assessment={a} path={path} onChange={setData} />
          </Section>
        </div>
      </div>
      {dialog === 'versions' ? <VersionsDialog key={a.current.version} path={path} onClose={() => setDialog(null)} /> : null}
      {dialog === 'delete' ? <DeleteDialog path={path} caseId={caseId} onClose={() => setDialog(null)} /> : null}
    </>
  );
}
