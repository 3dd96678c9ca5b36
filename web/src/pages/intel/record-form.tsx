import { useEffect, useState, type FormEvent } from 'react';
import { api, withQuery } from '../../api/client.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { Checkbox, SelectField, TextArea, TextField } from '../../ui/field.js';
import { isFieldLevel, useFieldErrors } from '../../ui/form-errors.js';
import { isoToLocalInput, localInputToIso } from '../../ui/format.js';
import { ErrorNotice } from '../../ui/notice.js';
import { useApi } from '../../ui/use-api.js';
import { SelectorBadge } from './intel-ui.js';
import {
  DATA_SUBJECT_LABELS,
  GRADING_SCALES,
  HANDLING_CODES,
  HANDLING_HINTS,
  RECORD_KIND_LABELS,
  type DataSubjectCategory,
  type ExtractedSelector,
  type FactOrAssessment,
  type Grading,
  type GradingScheme,
  type HandlingCode,
  type IntelRecord,
  type NewRecord,
  type Paged,
  type RecordKind,
} from './intel-types.js';

type Restriction = IntelRecord['handlingRestrictions'][number];

const SUBJECT_CODES = ['invalid-handle', 'identity-exists', 'subject-required'];

/** Selectors the node would suggest for the text, refreshed as the analyst types (nothing is stored). */
function useSelectorPreview(text: string, region: string | undefined): ExtractedSelector[] {
  const [items, setItems] = useState<ExtractedSelector[]>([]);
  useEffect(() => {
    if (!text.trim()) {
      setItems([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .post<{ items: ExtractedSelector[] }>('/selectors/extract', { text, ...(region ? { region } : {}) }, { signal: controller.signal })
        .then((r) => setItems(r.items))
        .catch(() => setItems([]));
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, region]);
  return items;
}

export function RecordFormDialog({ caseId, region, record, onClose, onSaved }: { caseId: string; region?: string; record?: IntelRecord; onClose: () => void; onSaved: (r: IntelRecord) => void }) {
  const editing = Boolean(record);
  const [kind, setKind] = useState<RecordKind>(record?.kind ?? 'observation');
  const [text, setText] = useState(record?.text ?? '');
  const [scheme, setScheme] = useState<GradingScheme>(record?.grading.scheme ?? 'europol-4x4');
  const [source, setSource] = useState<string>(record?.grading.source ?? 'X');
  const [information, setInformation] = useState<string>(record?.grading.information ?? '4');
  const [ukHandling, setUkHandling] = useState<string>(record?.grading.scheme === 'uk-3x5x2' ? record.grading.handling : 'P');
  const [handling, setHandling] = useState<HandlingCode>(record?.handlingCode ?? 'TLP:AMBER');
  const [restrictions, setRestrictions] = useState<Restriction[]>(record?.handlingRestrictions ?? []);
  const [dataSubject, setDataSubject] = useState<DataSubjectCategory>(record?.dataSubject ?? 'suspect');
  const [fact, setFact] = useState<FactOrAssessment>(record?.factOrAssessment ?? 'fact');
  const [reviewDate, setReviewDate] = useState(record?.reviewDate ?? '');
  const [subject, setSubject] = useState('');
  const [identityId, setIdentityId] = useState(record?.identityId ?? '');
  const [occurredAt, setOccurredAt] = useState(isoToLocalInput(record?.occurredAt ?? null));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldErrors = useFieldErrors(error);
  const identities = useApi<Paged<IntelRecord>>(!editing && kind === 'post' ? withQuery(`/cases/${caseId}/records`, { kind: 'online-identity', limit: 500 }) : null);
  const preview = useSelectorPreview(text, region);
  const scale = GRADING_SCALES[scheme];

  const changeScheme = (next: GradingScheme) => {
    setScheme(next);
    const s = GRADING_SCALES[next];
    if (!s.source.includes(source)) setSource(s.source[s.source.length - 1]!);
    if (!s.information.includes(information)) setInformation(s.information[s.information.length - 1]!);
  };
  const toggleRestriction = (code: Restriction['code'], on: boolean) => {
    setRestrictions((current) => (on ? [...current.filter((r) => r.code !== code), code === 'H3' ? { code, text: '' } : { code }] : current.filter((r) => r.code !== code)) as Restriction[]);
  };
  const h3 = restrictions.find((r): r is Extract<Restriction, { code: 'H3' }> => r.code === 'H3');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const grading = (scheme === 'uk-3x5x2' ? { scheme, source, information, handling: ukHandling } : { scheme, source, information }) as Grading;
    const occurred = occurredAt ? localInputToIso(occurredAt) : undefined;
    try {
      if (record) {
        onSaved(
          await api.patch<IntelRecord>(`/cases/${caseId}/records/${record.id}`, {
            text,
            grading,
            handlingCode: handling,
            handlingRestrictions: restrictions,
            dataSubject,
            factOrAssessment: fact,
            reviewDate: reviewDate || null,
            occurredAt: occurred ?? null,
            expectedVersion: record.version,
          }),
        );
      } else {
        const body: NewRecord = {
          kind,
          text,
          grading,
          handlingCode: handling,
          handlingRestrictions: restrictions,
          dataSubject,
          factOrAssessment: fact,
          ...(reviewDate ? { reviewDate } : {}),
          ...(kind === 'online-identity' ? { subject } : {}),
          ...(kind === 'post' && identityId ? { identityId } : {}),
          ...(occurred ? { occurredAt: occurred } : {}),
        };
        onSaved(await api.post<IntelRecord>(`/cases/${caseId}/records`, body));
      }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={editing ? `Edit ${RECORD_KIND_LABELS[kind].toLowerCase()} (version ${record!.version})` : 'Record intelligence'}
      wide
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="record-form" variant="primary" busy={busy}>
            {editing ? 'Save new version' : 'Record'}
          </Button>
        </>
      }
    >
      <ErrorNotice error={isFieldLevel(error, SUBJECT_CODES) ? null : error} />
      <form id="record-form" className="stack" onSubmit={(e) => void submit(e)}>
        <div className="form-row">
          <SelectField label="Kind" value={kind} disabled={editing} onChange={(e) => setKind(e.target.value as RecordKind)}>
            {Object.entries(RECORD_KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <SelectField label="Handling code" value={handling} onChange={(e) => setHandling(e.target.value as HandlingCode)} hint={HANDLING_HINTS[handling]}>
            {HANDLING_CODES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
        </div>
        {kind === 'online-identity' && !editing ? (
          <TextField label="Handle" required value={subject} onChange={(e) => { setSubject(e.target.value); fieldErrors.edited('subject'); }} hint="name@platform, platform:name or a profile link" error={fieldErrors.of('subject', SUBJECT_CODES)} maxLength={300} />
        ) : null}
        {kind === 'post' && !editing ? (
          <SelectField label="Written by" value={identityId} onChange={(e) => setIdentityId(e.target.value)} hint="Bare @mentions in the post count as handles on the author's platform">
            <option value="">(no online identity)</option>
            {(identities.data?.items ?? []).map((i) => (
              <option key={i.id} value={i.id}>
                {i.subject}
              </option>
            ))}
          </SelectField>
        ) : null}
        <TextArea label="Text" required rows={6} value={text} onChange={(e) => { setText(e.target.value); fieldErrors.edited('text'); }} error={fieldErrors.of('text')} maxLength={100_000} />
        {preview.length > 0 ? (
          <div className="field">
            <p className="field-label">Selectors that will be suggested</p>
            <ul className="selector-preview" aria-label="Selectors found in the text">
              {preview.map((s) => (
                <li key={`${s.type}:${s.start}`}>
                  <SelectorBadge selector={{ type: s.type, valid: s.valid, reason: s.reason ?? null }} /> <span className="selector-value">{s.normalised}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <fieldset className="fieldset">
          <legend>Grading</legend>
          <div className="form-row form-row-3">
            <SelectField label="Scheme" value={scheme} onChange={(e) => changeScheme(e.target.value as GradingScheme)} hint="Stored with its scheme, never converted">
              {Object.entries(GRADING_SCALES).map(([value, s]) => (
                <option key={value} value={value}>
                  {s.label}
                </option>
              ))}
            </SelectField>
            <SelectField label="Source" value={source} onChange={(e) => setSource(e.target.value)}>
              {scale.source.map((g) => (
                <option key={g}>{g}</option>
              ))}
            </SelectField>
            <SelectField label="Information" value={information} onChange={(e) => setInformation(e.target.value)}>
              {scale.information.map((g) => (
                <option key={g}>{g}</option>
              ))}
            </SelectField>
            {scale.handling ? (
              <SelectField label="Handling (UK)" value={ukHandling} onChange={(e) => setUkHandling(e.target.value)}>
                {scale.handling.map((g) => (
                  <option key={g}>{g}</option>
                ))}
              </SelectField>
            ) : null}
          </div>
        </fieldset>
        <div className="form-row form-row-3">
          <SelectField label="Data subject" value={dataSubject} onChange={(e) => setDataSubject(e.target.value as DataSubjectCategory)}>
            {Object.entries(DATA_SUBJECT_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <SelectField label="Fact or assessment" value={fact} onChange={(e) => setFact(e.target.value as FactOrAssessment)}>
            <option value="fact">Fact</option>
            <option value="assessment">Assessment</option>
          </SelectField>
          <TextField label="Review date" type="date" value={reviewDate} onChange={(e) => setReviewDate(e.target.value)} />
        </div>
        <TextField label="When it happened" type="datetime-local" value={occurredAt} onChange={(e) => setOccurredAt(e.target.value)} hint="For posts: when it was posted (your local time)" />
        <fieldset className="fieldset">
          <legend>Handling restrictions (SIENA)</legend>
          <div className="checkbox-list">
            <Checkbox label="H0 — use only to prevent and combat crime" checked={restrictions.some((r) => r.code === 'H0')} onChange={(e) => toggleRestriction('H0', e.target.checked)} />
            <Checkbox label="H1 — not in judicial proceedings without permission" checked={restrictions.some((r) => r.code === 'H1')} onChange={(e) => toggleRestriction('H1', e.target.checked)} />
            <Checkbox label="H2 — not to be disseminated without permission" checked={restrictions.some((r) => r.code === 'H2')} onChange={(e) => toggleRestriction('H2', e.target.checked)} />
            <Checkbox label="H3 — other restrictions" checked={Boolean(h3)} onChange={(e) => toggleRestriction('H3', e.target.checked)} />
          </div>
          {h3 ? (
            <TextField
              label="H3 restriction"
              required
              value={h3.text}
              maxLength={2000}
              onChange={(e) => setRestrictions((current) => current.map((r) => (r.code === 'H3' ? { code: 'H3', text: e.target.value } : r)))}
            />
          ) : null}
        </fieldset>
      </form>
    </Dialog>
  );
}
