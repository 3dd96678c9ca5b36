import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { Link, navigate } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { SelectField, TextField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { PlusIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, PageHeader, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { CaseBackLink } from '../case-section-frame.js';
import { AUDIENCE_HINTS, AUDIENCE_LABELS, PRIOR_LABELS, percent, type Assessment, type AssessmentSummary, type NewAssessment } from './location-types.js';
import './location.css';

interface Identity {
  id: string;
  subject: string | null;
  handlingCode: string;
}

function NewAssessmentDialog({ caseId, onClose }: { caseId: string; onClose: () => void }) {
  const { data: identities } = useApi<{ items: Identity[] }>(`/cases/${caseId}/records?kind=online-identity&limit=500`);
  const [subject, setSubject] = useState('case');
  const [audience, setAudience] = useState<NewAssessment['audience']>('case');
  const [prior, setPrior] = useState<NewAssessment['countryPrior']>('population');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const body: NewAssessment = {
        subject: subject === 'case' ? { type: 'case' } : { type: 'identity', identityId: subject },
        audience,
        countryPrior: prior,
        ...(title.trim() ? { title: title.trim() } : {}),
      };
      const created = await api.post<Assessment>(`/cases/${caseId}/location-assessments`, body);
      navigate(`/cases/${caseId}/location/${created.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="New location assessment"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="new-assessment" variant="primary" busy={busy}>
            Assess
          </Button>
        </>
      }
    >
      <form id="new-assessment" className="stack" onSubmit={submit}>
        <ErrorNotice error={error} />
        <SelectField label="Subject" hint="Posts of the identity (or of the whole case) and the case’s media metadata are gathered as evidence." value={subject} onChange={(e) => setSubject(e.target.value)}>
          <option value="case">The whole case</option>
          {(identities?.items ?? []).map((i) => (
            <option key={i.id} value={i.id}>
              {i.subject ?? i.id} ({i.handlingCode})
            </option>
          ))}
        </SelectField>
        <SelectField label="Who may read it" hint={AUDIENCE_HINTS[audience ?? 'case']} value={audience} onChange={(e) => setAudience(e.target.value as NewAssessment['audience'])}>
          <option value="case">{AUDIENCE_LABELS.case}</option>
          <option value="agency">{AUDIENCE_LABELS.agency}</option>
        </SelectField>
        <SelectField label="Prior over countries" value={prior} onChange={(e) => setPrior(e.target.value as NewAssessment['countryPrior'])}>
          <option value="population">{PRIOR_LABELS.population}</option>
          <option value="uniform">{PRIOR_LABELS.uniform}</option>
        </SelectField>
        <TextField label="Title" hint="Optional; “Location of …” by default." value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      </form>
    </Dialog>
  );
}

/** The location assessments of a case, and the way to start one. */
export function LocationListPage({ caseId }: { caseId: string }) {
  const { data: c, error: caseError } = useApi<Case>(`/cases/${caseId}`);
  const { data, error } = useApi<AssessmentSummary[]>(`/cases/${caseId}/location-assessments`);
  const [creating, setCreating] = useState(false);
  if (caseError) return <ErrorNotice error={caseError} title="The case could not be opened" />;
  if (!c) return <Loading />;
  return (
    <>
      <PageHeader
        eyebrow={<CaseBackLink c={c} />}
        title="Location"
        subtitle="Where an online identity most likely is, from its posting times, its language, the case’s media metadata and analysts’ clues."
        actions={
          c.can.contribute ? (
            <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
              New assessment
            </Button>
          ) : null
        }
      />
      <Section title="Assessments" id="location-assessments">
        <ErrorNotice error={error} />
        {!data ? (
          <Loading label="Bringing the assessments up to date…" />
        ) : data.length === 0 ? (
          <Empty>No location assessment in this case yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Assessment</th>
                  <th>Subject</th>
                  <th>Read by</th>
                  <th>Most likely</th>
                  <th className="num">Credible set</th>
                  <th className="num">Version</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {data.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/cases/${caseId}/location/${a.id}`} className="strong-link">
                        {a.title}
                      </Link>
                    </td>
                    <td>{a.subject.type === 'identity' ? <span className="selector-value">{a.subject.label}</span> : 'the whole case'}</td>
                    <td>{a.audience === 'agency' ? a.ownerAgencyName : AUDIENCE_LABELS.case}</td>
                    <td>
                      {a.top.name} <span className="muted">{percent(a.top.probability)}</span>
                    </td>
                    <td className="num">{a.credibleSet.length}</td>
                    <td className="num">{a.version}</td>
                    <td className="small">
                      {formatDateTime(a.updatedAt)} · {a.updatedBy}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      {creating ? <NewAssessmentDialog caseId={caseId} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
