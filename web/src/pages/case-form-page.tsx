import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Case, CasePatch, CaseStatus, NewCase } from '../api/types.js';
import { Link, navigate } from '../router.js';
import { CASE_STATUS_LABELS } from '../ui/badges.js';
import { Button } from '../ui/button.js';
import { SelectField, TextArea, TextField } from '../ui/field.js';
import { isFieldLevel, useFieldErrors } from '../ui/form-errors.js';
import { ArrowLeftIcon } from '../ui/icons.js';
import { ErrorNotice, Notice } from '../ui/notice.js';
import { Loading, PageHeader } from '../ui/page.js';
import { useApi } from '../ui/use-api.js';

interface Draft {
  reference: string;
  title: string;
  description: string;
  legalAuthority: string;
  reviewDate: string;
  status: CaseStatus;
}

const EMPTY: Draft = { reference: '', title: '', description: '', legalAuthority: '', reviewDate: '', status: 'open' };

function draftOf(c: Case): Draft {
  return {
    reference: c.reference,
    title: c.title,
    description: c.description,
    legalAuthority: c.legalAuthority ?? '',
    reviewDate: c.reviewDate ?? '',
    status: c.status,
  };
}

/** Only what changed is sent: the audit trail then records exactly what was altered. */
function patchOf(before: Draft, after: Draft): CasePatch {
  const patch: CasePatch = {};
  if (after.title.trim() !== before.title) patch.title = after.title.trim();
  if (after.description !== before.description) patch.description = after.description;
  if (after.status !== before.status) patch.status = after.status;
  if (after.legalAuthority.trim() !== before.legalAuthority) patch.legalAuthority = after.legalAuthority.trim() || null;
  if (after.reviewDate !== before.reviewDate) patch.reviewDate = after.reviewDate || null;
  return patch;
}

/** Open a case (no `caseId`) or edit one. */
export function CaseFormPage({ caseId }: { caseId?: string }) {
  const editing = caseId !== undefined;
  const loaded = useApi<Case>(editing ? `/cases/${caseId}` : null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (loaded.data) setDraft(draftOf(loaded.data));
  }, [loaded.data]);

  const fields = useFieldErrors(error);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    fields.edited(key);
  };
  const back = editing ? `/cases/${caseId}` : '/cases';

  if (editing && loaded.error) return <ErrorNotice error={loaded.error} title="The case could not be opened" />;
  if (editing && !loaded.data) return <Loading />;
  if (editing && loaded.data && !loaded.data.can.update) {
    return (
      <>
        <PageHeader title={`Edit ${loaded.data.reference}`} />
        <Notice tone="info" title="You cannot edit this case">
          <p>Only investigators of the lead agency ({loaded.data.leadAgencyName}) edit a case.</p>
        </Notice>
        <p>
          <Link to={back}>Back to the case</Link>
        </p>
      </>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (editing) {
        const patch = patchOf(draftOf(loaded.data!), draft);
        if (Object.keys(patch).length > 0) await api.patch<Case>(`/cases/${caseId}`, patch);
        navigate(back);
      } else {
        const body: NewCase = {
          reference: draft.reference.trim(),
          title: draft.title.trim(),
          ...(draft.description ? { description: draft.description } : {}),
          ...(draft.legalAuthority.trim() ? { legalAuthority: draft.legalAuthority.trim() } : {}),
          ...(draft.reviewDate ? { reviewDate: draft.reviewDate } : {}),
        };
        const created = await api.post<Case>('/cases', body);
        navigate(`/cases/${created.id}`);
      }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to={back} className="back-link">
            <ArrowLeftIcon /> {editing ? 'Back to the case' : 'Cases'}
          </Link>
        }
        title={editing ? `Edit ${loaded.data!.reference}` : 'New case'}
        subtitle={editing ? undefined : 'Your agency leads the case; you can add participating agencies once it exists.'}
      />
      {error && !isFieldLevel(error, ['reference-taken']) ? <ErrorNotice error={error} title="The case was not saved" /> : null}
      <form className="panel form-panel" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-row">
          {editing ? (
            <TextField label="Reference" value={draft.reference} readOnly hint="A case keeps its reference." />
          ) : (
            <TextField
              label="Reference"
              required
              value={draft.reference}
              onChange={(e) => set('reference', e.target.value)}
              maxLength={64}
              spellCheck={false}
              hint="Unique in your agency, e.g. PT-2026-0042 (letters, digits and . _ / : -)"
              error={fields.of('reference', ['reference-taken'])}
            />
          )}
          <TextField label="Title" required value={draft.title} onChange={(e) => set('title', e.target.value)} maxLength={200} error={fields.of('title')} />
        </div>
        <TextArea label="Description" rows={6} value={draft.description} onChange={(e) => set('description', e.target.value)} maxLength={20000} error={fields.of('description')} />
        <div className="form-row form-row-3">
          <TextField label="Legal authority" value={draft.legalAuthority} onChange={(e) => set('legalAuthority', e.target.value)} maxLength={500} hint="Warrant, order or legal basis reference" error={fields.of('legalAuthority')} />
          <TextField label="Review date" type="date" value={draft.reviewDate} onChange={(e) => set('reviewDate', e.target.value)} hint="When the need to keep this case is reviewed" error={fields.of('reviewDate')} />
          {editing ? (
            <SelectField label="Status" value={draft.status} onChange={(e) => set('status', e.target.value as CaseStatus)} error={fields.of('status')}>
              {(Object.keys(CASE_STATUS_LABELS) as CaseStatus[]).map((s) => (
                <option key={s} value={s}>
                  {CASE_STATUS_LABELS[s]}
                </option>
              ))}
            </SelectField>
          ) : null}
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {editing ? 'Save changes' : 'Open case'}
          </Button>
          <Link to={back} className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
