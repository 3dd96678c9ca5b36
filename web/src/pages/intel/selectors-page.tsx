import { useState, type FormEvent } from 'react';
import { api, withQuery } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { Link, navigate, useLocation } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { SelectField, TextField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { PlusIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { Pager } from '../../ui/pager.js';
import { useApi } from '../../ui/use-api.js';
import { AlsoSeenInList } from './also-seen-in.js';
import { HitBadge, useCaseHits } from '../hits/item-hits.js';
import { HandlingBadge, IntelFrame, SelectorBadge } from './intel-ui.js';
import { HANDLING_CODES, SELECTOR_TYPE_LABELS, type CaseSelector, type HandlingCode, type Paged, type SelectorSource, type SelectorType } from './intel-types.js';

const PAGE_SIZE = 50;
const STATUS_LABELS = { suggested: 'Suggestions', confirmed: 'Confirmed', dismissed: 'Dismissed' } as const;
const STATUS_WORDS = { suggested: 'Suggested', confirmed: 'Confirmed', dismissed: 'Dismissed' } as const;
type Status = keyof typeof STATUS_LABELS;

function SourcesDialog({ caseId, selector, onClose }: { caseId: string; selector: CaseSelector; onClose: () => void }) {
  const { data, error } = useApi<SelectorSource[]>(`/cases/${caseId}/selectors/${selector.id}/sources`);
  return (
    <Dialog title={`Where ${selector.normalised} was seen`} wide onClose={onClose}>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading />
      ) : data.length === 0 ? (
        <Empty>Entered by hand; not seen in any record you may see.</Empty>
      ) : (
        <ul className="record-list">
          {data.map((s) => (
            <li key={`${s.sourceId}:${s.start}`} className="record-item">
              <p className="muted small">
                {s.sourceType === 'record' ? (s.recordKind ?? 'record') : s.sourceType} · {formatDateTime(s.occurredAt)} · written “<span className="selector-value">{s.raw}</span>”
              </p>
              {s.excerpt ? <p className="record-text">…{s.excerpt}…</p> : null}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

function AddSelectorDialog({ caseId, onClose, onSaved }: { caseId: string; onClose: () => void; onSaved: () => void }) {
  const [type, setType] = useState<SelectorType>('handle');
  const [value, setValue] = useState('');
  const [handling, setHandling] = useState<HandlingCode>('TLP:AMBER');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api.post(`/cases/${caseId}/selectors`, { type, value, handlingCode: handling });
      onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Enter a selector"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="add-selector" variant="primary" busy={busy} disabled={!value.trim()}>
            Add confirmed selector
          </Button>
        </>
      }
    >
      <ErrorNotice error={error} />
      <form id="add-selector" className="stack" onSubmit={(e) => void submit(e)}>
        <SelectField label="Type" value={type} onChange={(e) => setType(e.target.value as SelectorType)}>
          {Object.entries(SELECTOR_TYPE_LABELS).map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </SelectField>
        <TextField label="Value" required value={value} onChange={(e) => setValue(e.target.value)} hint={type === 'handle' ? 'name@platform' : type === 'camera-serial' ? 'make:serial' : 'As written; it is normalised'} maxLength={2048} />
        <SelectField label="Handling code" value={handling} onChange={(e) => setHandling(e.target.value as HandlingCode)}>
          {HANDLING_CODES.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </SelectField>
      </form>
    </Dialog>
  );
}

/** Selectors of a case: suggestions from extraction that the analyst confirms or dismisses, and where else each was seen. */
export function SelectorsPage({ caseId }: { caseId: string }) {
  const { search } = useLocation();
  const status = (search.get('status') ?? 'suggested') as Status | 'all';
  const type = search.get('type') ?? '';
  const page = Number(search.get('page') ?? '1') || 1;
  const path = withQuery(`/cases/${caseId}/selectors`, { status: status === 'all' ? undefined : status, type, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const { data, error, loading, reload } = useApi<Paged<CaseSelector>>(path);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [sources, setSources] = useState<CaseSelector | null>(null);
  const [adding, setAdding] = useState(false);
  const hits = useCaseHits(caseId);
  const go = (next: { status?: string; type?: string; page?: number }) =>
    navigate(withQuery(`/cases/${caseId}/selectors`, { status: next.status ?? status, type: next.type ?? type, page: next.page && next.page > 1 ? next.page : undefined }));

  const decide = async (s: CaseSelector, to: Status) => {
    setBusy(s.id);
    setActionError(null);
    try {
      await api.patch(`/cases/${caseId}/selectors/${s.id}`, { status: to });
      reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  const body = (c: Case) => (
    <>
      <Section title="Also seen in" id="also-seen-in">
        <AlsoSeenInList caseId={caseId} />
      </Section>
      <div className="intel-toolbar">
        <SelectField label="Status" value={status} onChange={(e) => go({ status: e.target.value, page: 1 })}>
          {Object.entries(STATUS_LABELS).map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
          <option value="all">All</option>
        </SelectField>
        <SelectField label="Type" value={type} onChange={(e) => go({ type: e.target.value, page: 1 })}>
          <option value="">All types</option>
          {Object.entries(SELECTOR_TYPE_LABELS).map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorNotice error={error ?? actionError} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        data.items.length === 0 ? (
          <Empty>{status === 'suggested' ? 'No suggestion waiting: every selector found has been confirmed or dismissed.' : 'No selector here.'}</Empty>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Selectors of this case</caption>
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Value</th>
                    <th scope="col">Seen</th>
                    <th scope="col">Other cases</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((s) => (
                    <tr key={s.id}>
                      <td className="nowrap">
                        <SelectorBadge selector={s} />
                      </td>
                      <td>
                        <span className="selector-value">{s.normalised}</span> <HitBadge hits={hits.get(`selector:${s.id}`)} />
                        {s.raw !== s.normalised ? <p className="muted small">written “{s.raw}”</p> : null}
                        {s.reason ? <p className="small text-danger">{s.reason}</p> : s.note ? <p className="muted small">{s.note}</p> : null}
                      </td>
                      <td className="nowrap">
                        <button type="button" className="link-button" onClick={() => setSources(s)}>
                          {s.sources} {s.sources === 1 ? 'time' : 'times'}
                        </button>
                      </td>
                      <td className="nowrap">{s.alsoSeenIn > 0 ? <Link to={`/cases/${caseId}/graph?node=${encodeURIComponent(`sel:${s.type}:${s.normalised}`)}`}>{s.alsoSeenIn} — show links</Link> : <span className="muted">—</span>}</td>
                      <td className="nowrap">
                        {STATUS_WORDS[s.status as Status]}
                        {s.decidedBy ? <p className="muted small">{s.decidedBy}</p> : null}
                      </td>
                      <td className="nowrap">
                        <div className="row-actions">
                          {c.can.contribute ? (
                            s.status === 'suggested' ? (
                              <>
                                <Button size="small" busy={busy === s.id} onClick={() => void decide(s, 'confirmed')} aria-label={`Confirm ${s.normalised}`}>
                                  Confirm
                                </Button>
                                <Button size="small" variant="ghost" busy={busy === s.id} onClick={() => void decide(s, 'dismissed')} aria-label={`Dismiss ${s.normalised}`}>
                                  Dismiss
                                </Button>
                              </>
                            ) : (
                              <Button size="small" variant="ghost" busy={busy === s.id} onClick={() => void decide(s, 'suggested')}>
                                Undo
                              </Button>
                            )
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => go({ page: p })} noun="selectors" />
          </>
        )
      ) : null}
      {sources ? <SourcesDialog caseId={caseId} selector={sources} onClose={() => setSources(null)} /> : null}
      {adding ? (
        <AddSelectorDialog
          caseId={caseId}
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            go({ status: 'confirmed', page: 1 });
            reload();
          }}
        />
      ) : null}
      <p className="muted small">
        Handling: a selector is shown only where a record you may see contains it. <HandlingBadge code="TLP:RED" /> records of other agencies stay hidden.
      </p>
    </>
  );

  return (
    <IntelFrame
      caseId={caseId}
      title="Selectors"
      actions={(c) =>
        c.can.contribute ? (
          <Button icon={<PlusIcon />} onClick={() => setAdding(true)}>
            Enter a selector
          </Button>
        ) : null
      }
    >
      {body}
    </IntelFrame>
  );
}
