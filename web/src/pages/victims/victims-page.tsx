import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { hasAnyRole } from '../../session/roles.js';
import { useMe } from '../../session/session.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { CheckboxGroup, Checkbox, SelectField, TextArea, TextField } from '../../ui/field.js';
import { countryName, countryOptions, formatDate } from '../../ui/format.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { Link } from '../../router.js';
import { HistoryList } from './history-list.js';
import { VictimsFrame } from './victims-frame.js';
import { VICTIM_STATUS_LABELS, type SeriesSummary, type Victim, type VictimStatus } from './victims-types.js';

const NEXT: Record<VictimStatus, VictimStatus[]> = { unidentified: ['identified', 'safeguarded'], identified: ['safeguarded', 'unidentified'], safeguarded: ['identified', 'unidentified'] };

function VictimDialog({ c, victim, series, onClose, onSaved }: { c: Case; victim: Victim | null; series: SeriesSummary[]; onClose: () => void; onSaved: (v: Victim) => void }) {
  const formId = useId();
  const [linked, setLinked] = useState<Set<string>>(new Set(victim?.series.map((s) => s.id) ?? []));
  const [country, setCountry] = useState(victim?.country ?? '');
  const [notes, setNotes] = useState(victim?.notes ?? '');
  const [localName, setLocalName] = useState(victim?.localName ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { seriesIds: [...linked], notes };
      if (victim) {
        body.country = country || null;
        if (victim.mine && localName.trim() !== (victim.localName ?? '')) body.localName = localName.trim() || null;
        onSaved(await api.patch<Victim>(`/cases/${c.id}/victims/${victim.id}`, body));
      } else {
        if (country) body.country = country;
        if (localName.trim()) body.localName = localName.trim();
        onSaved(await api.post<Victim>(`/cases/${c.id}/victims`, body));
      }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={victim ? `Edit ${victim.code}` : 'Record a victim'}
      onClose={onClose}
      wide
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form={formId} busy={busy}>
            {victim ? 'Save' : 'Record'}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="form-stack">
        <ErrorNotice error={error} />
        <CheckboxGroup legend="Seen in the series">
          {series.length === 0 ? <p className="muted small">No series yet.</p> : null}
          {series.map((s) => (
            <Checkbox
              key={s.id}
              label={`${s.code} ${s.name}`}
              checked={linked.has(s.id)}
              onChange={() => setLinked((prev) => (prev.has(s.id) ? new Set([...prev].filter((x) => x !== s.id)) : new Set([...prev, s.id])))}
            />
          ))}
        </CheckboxGroup>
        <SelectField label="Country (when known)" value={country} onChange={(e) => setCountry(e.target.value)}>
          <option value="">Not known</option>
          {countryOptions().map((o) => (
            <option key={o.code} value={o.code}>
              {o.name}
            </option>
          ))}
        </SelectField>
        <TextArea label="Notes" value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} hint="Pseudonymous: what helps the identification, not who the child is." />
        {!victim || victim.mine ? (
          <TextField
            label="Name (kept at your agency only)"
            value={localName}
            onChange={(e) => setLocalName(e.target.value)}
            maxLength={200}
            autoComplete="off"
            hint="Optional. Sealed at rest, shown only to your agency's users, never in the history, exports or messages."
          />
        ) : null}
      </form>
    </Dialog>
  );
}

function StatusDialog({ c, victim, status, onClose, onSaved }: { c: Case; victim: Victim; status: VictimStatus; onClose: () => void; onSaved: (v: Victim) => void }) {
  const formId = useId();
  const back = ['unidentified', 'identified', 'safeguarded'].indexOf(status) < ['unidentified', 'identified', 'safeguarded'].indexOf(victim.status);
  const [on, setOn] = useState(new Date().toISOString().slice(0, 10));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.post<Victim>(`/cases/${c.id}/victims/${victim.id}/status`, { status, ...(status !== 'unidentified' ? { on } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`${victim.code}: ${VICTIM_STATUS_LABELS[status].toLowerCase()}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant={back ? 'danger' : 'primary'} type="submit" form={formId} busy={busy}>
            Record
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="form-stack">
        <ErrorNotice error={error} />
        {status !== 'unidentified' ? <TextField label={`${VICTIM_STATUS_LABELS[status]} on`} type="date" value={on} max={new Date().toISOString().slice(0, 10)} onChange={(e) => setOn(e.target.value)} required /> : null}
        <TextField label={back ? 'Why (a correction needs a reason)' : 'Why (optional)'} value={reason} onChange={(e) => setReason(e.target.value)} required={back} maxLength={500} />
      </form>
    </Dialog>
  );
}

function Victims({ c }: { c: Case }) {
  const me = useMe();
  const specialist = hasAnyRole(me.user.roles, ['victim-id']) && c.can.contribute;
  const list = useApi<{ items: Victim[] }>(`/cases/${c.id}/victims`);
  const series = useApi<{ items: SeriesSummary[] }>(`/cases/${c.id}/series`);
  const [editing, setEditing] = useState<Victim | 'new' | null>(null);
  const [changing, setChanging] = useState<{ victim: Victim; status: VictimStatus } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const saved = () => {
    setEditing(null);
    setChanging(null);
    list.reload();
  };
  return (
    <Section
      title={`Victims${list.data ? ` (${list.data.items.length})` : ''}`}
      id="victims"
      actions={
        specialist ? (
          <Button variant="primary" size="small" onClick={() => setEditing('new')}>
            Record a victim
          </Button>
        ) : null
      }
    >
      <ErrorNotice error={list.error} />
      {!list.data ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <Empty>No victim recorded in this case.</Empty> : null}
      {list.data?.items.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Victim</th>
                <th>Status</th>
                <th>Identified</th>
                <th>Country</th>
                <th>Series</th>
                <th>Notes</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((v) => (
                <tr key={v.id} id={v.code}>
                  <td>
                    <span className="case-ref">{v.code}</span>
                    {v.localName ? <div className="small vid-local-name">{v.localName}</div> : null}
                  </td>
                  <td>
                    <span className={`badge vid-status-${v.status}`}>{VICTIM_STATUS_LABELS[v.status]}</span>
                    {v.safeguardedOn ? <div className="muted small">since {formatDate(v.safeguardedOn)}</div> : null}
                  </td>
                  <td className="small">{v.identification ? `${formatDate(v.identification.on)}${v.identification.agency ? ` by ${v.identification.agency.name}` : ''}` : '—'}</td>
                  <td>{v.country ? countryName(v.country) : '—'}</td>
                  <td className="small">
                    {v.series.map((s) => (
                      <div key={s.id}>
                        <Link to={`/cases/${c.id}/series/${s.id}`}>
                          {s.code} {s.name}
                        </Link>
                      </div>
                    ))}
                  </td>
                  <td className="small">{v.notes}</td>
                  <td className="table-actions">
                    {specialist
                      ? NEXT[v.status].map((st) => (
                          <Button key={st} size="small" variant={st === 'unidentified' ? 'ghost' : 'secondary'} onClick={() => setChanging({ victim: v, status: st })}>
                            {st === 'unidentified' ? 'Back to unidentified' : `Mark ${st}`}
                          </Button>
                        ))
                      : null}
                    {specialist ? (
                      <Button size="small" variant="ghost" onClick={() => setEditing(v)}>
                        Edit
                      </Button>
                    ) : null}
                    <Button size="small" variant="ghost" aria-expanded={open === v.id} onClick={() => setOpen(open === v.id ? null : v.id)}>
                      History
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {open && list.data ? (
        <Section title={`History of ${list.data.items.find((v) => v.id === open)?.code ?? ''}`} id="victim-history">
          <HistoryList caseId={c.id} path={`/cases/${c.id}/victims/${open}/history`} canUndo={specialist} version={list.data.items.find((v) => v.id === open)?.version ?? 0} onChange={list.reload} />
        </Section>
      ) : null}
      {editing ? <VictimDialog c={c} victim={editing === 'new' ? null : editing} series={series.data?.items ?? []} onClose={() => setEditing(null)} onSaved={saved} /> : null}
      {changing ? <StatusDialog c={c} victim={changing.victim} status={changing.status} onClose={() => setChanging(null)} onSaved={saved} /> : null}
    </Section>
  );
}

export function VictimsPage({ caseId }: { caseId: string }) {
  return (
    <VictimsFrame caseId={caseId} title="Victims" subtitle="Pseudonymous records: the codes are what other agencies and exports see. A name stays with the agency that records it.">
      {(c) => <Victims c={c} />}
    </VictimsFrame>
  );
}
