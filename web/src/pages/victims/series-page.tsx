import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { SafeMedia } from '../../media/safe-media.js';
import { Link, navigate } from '../../router.js';
import { hasAnyRole } from '../../session/roles.js';
import { useMe } from '../../session/session.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { Checkbox, SelectField, TextArea, TextField } from '../../ui/field.js';
import { countryOptions, formatDate, formatDateTime } from '../../ui/format.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { CATEGORY_SHORT, mediaUrl } from '../media/media-types.js';
import { HistoryList } from './history-list.js';
import { SeriesStatus } from './series-list-page.js';
import { VictimsFrame } from './victims-frame.js';
import { CLUE_KIND_LABELS, clueCropUrl, elsewhereText, VICTIM_STATUS_LABELS, type Clue, type SeriesDetail, type SeriesSummary } from './victims-types.js';

type DirectoryEntry = { id: string; name: string; country: string; status: string; hosted?: boolean };

function FormDialog({ title, submitLabel, onClose, onSubmit, children, danger }: { title: string; submitLabel: string; onClose: () => void; onSubmit: () => Promise<void>; children: React.ReactNode; danger?: boolean }) {
  const formId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant={danger ? 'danger' : 'primary'} type="submit" form={formId} busy={busy}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="form-stack">
        <ErrorNotice error={error} />
        {children}
      </form>
    </Dialog>
  );
}

function ShareDialog({ c, clues, onClose }: { c: Case; clues: Clue[]; onClose: () => void }) {
  const formId = useId();
  const me = useMe();
  const directory = useApi<DirectoryEntry[]>('/network/directory');
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const others = (directory.data ?? []).filter((d) => d.id !== me.agency.id && d.status === 'active');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/cases/${c.id}/clues/share`, { clueIds: clues.map((x) => x.id), to: [to], ...(note.trim() ? { note: note.trim() } : {}) });
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (sent) {
    return (
      <Dialog title="Crops sent" onClose={onClose} footer={<Link to="/messages/outbox" className="btn btn-secondary">Sent messages</Link>}>
        <Notice tone="success">The crops went in one sealed message; the pictures stayed here.</Notice>
      </Dialog>
    );
  }
  return (
    <Dialog
      title={`Send ${clues.length} crop${clues.length === 1 ? '' : 's'} to another agency`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form={formId} busy={busy}>
            Send the crops
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="form-stack">
        <p className="muted small">Only the cropped regions travel, with their labels and notes; never the pictures.</p>
        <ErrorNotice error={error ?? directory.error} />
        <SelectField label="To" value={to} onChange={(e) => setTo(e.target.value)} required>
          <option value="">Choose an agency…</option>
          {others.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.country})
            </option>
          ))}
        </SelectField>
        <TextArea label="Note" value={note} onChange={(e) => setNote(e.target.value)} rows={3} placeholder="Do you recognise any of these?" />
      </form>
    </Dialog>
  );
}

function Clues({ c, seriesId }: { c: Case; seriesId: string }) {
  const clues = useApi<{ items: Clue[] }>(`/cases/${c.id}/clues?seriesId=${seriesId}`);
  const [sharing, setSharing] = useState(false);
  const shareable = (clues.data?.items ?? []).filter((x) => x.shareable);
  return (
    <Section
      title={`Identification clues${clues.data ? ` (${clues.data.items.length})` : ''}`}
      id="series-clues"
      actions={
        c.can.contribute && shareable.length ? (
          <Button size="small" onClick={() => setSharing(true)}>
            Send shareable crops…
          </Button>
        ) : null
      }
    >
      <ErrorNotice error={clues.error} />
      {clues.data && clues.data.items.length === 0 ? <Empty>No clue marked on these pictures yet. Open an item and mark what could locate it: an object, a logo, text, a landscape.</Empty> : null}
      {clues.data?.items.length ? (
        <ul className="vid-clues">
          {clues.data.items.map((x) => (
            <li key={x.id}>
              <SafeMedia kind="image" src={clueCropUrl(c.id, x.id)} label={`${CLUE_KIND_LABELS[x.kind]}: ${x.label}`} />
              <p>
                <span className="badge badge-muted">{CLUE_KIND_LABELS[x.kind]}</span> <strong>{x.label}</strong> {x.shareable ? <span className="badge vid-status-identified">shareable</span> : null}
              </p>
              {x.note ? <p className="small">{x.note}</p> : null}
              <p className="small">
                <Link to={`/cases/${c.id}/media/${x.mediaId}/clues`}>On its picture</Link>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      {sharing ? <ShareDialog c={c} clues={shareable} onClose={() => setSharing(false)} /> : null}
    </Section>
  );
}

function Series({ c, seriesId }: { c: Case; seriesId: string }) {
  const me = useMe();
  const specialist = hasAnyRole(me.user.roles, ['victim-id']);
  const { data: s, error, reload, setData } = useApi<SeriesDetail>(`/cases/${c.id}/series/${seriesId}`);
  const all = useApi<{ items: SeriesSummary[] }>(`/cases/${c.id}/series`);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<'rename' | 'identify' | 'withdraw' | 'merge' | 'split' | null>(null);
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [on, setOn] = useState(new Date().toISOString().slice(0, 10));
  const [country, setCountry] = useState('');
  const [mergeFrom, setMergeFrom] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  if (error) return <ErrorNotice error={error} title="The series could not be opened" />;
  if (!s) return <Loading />;
  const active = s.state === 'active';
  const update = (next: SeriesDetail) => {
    setData(next);
    setSelected(new Set());
  };
  const post = async (path: string, body: object) => update(await api.post<SeriesDetail>(`/cases/${c.id}/series/${seriesId}${path}`, body));
  const toggle = (id: string) => setSelected((prev) => (prev.has(id) ? new Set([...prev].filter((x) => x !== id)) : new Set([...prev, id])));
  const removeSelected = async () => {
    setActionError(null);
    try {
      await post('/media/remove', { mediaIds: [...selected] });
    } catch (err) {
      setActionError(err);
    }
  };
  const elsewhere = s.elsewhere.filter((e) => e.status === 'identified');

  return (
    <>
      <div className="vid-series-head">
        <div>
          <h2 className="vid-series-title">
            <span className="case-ref">{s.code}</span> {s.name}
          </h2>
          <SeriesStatus s={s} />
          {s.description ? <p className="muted">{s.description}</p> : null}
          {s.state === 'merged' && s.mergedInto ? (
            <p>
              Merged into <Link to={`/cases/${c.id}/series/${s.mergedInto}`}>another series</Link>; undo the merge in its history to bring this one back.
            </p>
          ) : null}
        </div>
        {c.can.contribute && active ? (
          <div className="page-actions">
            <Button
              size="small"
              onClick={() => {
                setName(s.name);
                setDialog('rename');
              }}
            >
              Rename
            </Button>
            <Button size="small" onClick={() => setDialog('merge')}>
              Merge another series in…
            </Button>
            {specialist ? (
              s.status === 'identified' ? (
                <Button
                  size="small"
                  variant="danger"
                  onClick={() => {
                    setReason('');
                    setDialog('withdraw');
                  }}
                >
                  Withdraw identification
                </Button>
              ) : (
                <Button size="small" variant="primary" onClick={() => setDialog('identify')}>
                  Mark identified
                </Button>
              )
            ) : null}
          </div>
        ) : null}
      </div>

      {elsewhere.length ? (
        <Notice tone="success" title="Identified by another agency">
          <ul className="vid-plain-list">
            {elsewhere.map((e) => (
              <li key={`${e.agency.id}:${e.seriesRef}`}>
                {elsewhereText(e, formatDate)}, through network hits on {e.media} of these items.
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {s.status === 'identified' && s.identification ? (
        <Notice tone="success" title={`Identified${s.identification.agency ? ` by ${s.identification.agency.name}` : ' (per an imported VICS file)'}${s.identification.on ? ` on ${formatDate(s.identification.on)}` : ''}`}>
          {s.notified.length ? `Told to ${s.notified.map((n) => `${n.agency.name} (${n.status}, ${formatDateTime(n.sentAt)})`).join('; ')}.` : 'No other agency holds media that hit these items yet; they will be told when one does.'}
        </Notice>
      ) : null}
      <ErrorNotice error={actionError} />

      <div className="vid-columns">
        <Section
          title={`Items (${s.mediaCount})`}
          id="series-media"
          actions={
            c.can.contribute && active && selected.size ? (
              <>
                <span className="muted small">{selected.size} selected</span>
                <Button size="small" onClick={() => void removeSelected()}>
                  Take out of the series
                </Button>
                <Button
                  size="small"
                  onClick={() => {
                    setName('');
                    setDialog('split');
                  }}
                >
                  Split into a new series…
                </Button>
              </>
            ) : null
          }
        >
          {s.media.length === 0 ? <Empty>No item in this series.</Empty> : null}
          <ul className="vid-thumbs vid-thumbs-large">
            {s.media.map((m, i) => (
              <li key={m.id} className={selected.has(m.id) ? 'is-selected' : undefined}>
                {m.hasThumbnail ? <SafeMedia kind="image" src={mediaUrl(c.id, m.id, 'thumbnail')} label={`Item ${i + 1} of ${s.media.length}`} /> : <div className="media-placeholder">{m.kind}</div>}
                <div className="vid-thumb-meta">
                  {c.can.contribute && active ? <Checkbox label={`Select item ${i + 1}`} checked={selected.has(m.id)} onChange={() => toggle(m.id)} /> : null}
                  <span className={`badge badge-cat badge-cat-${m.category}`}>{CATEGORY_SHORT[m.category]}</span>
                  <Link to={`/cases/${c.id}/media/${m.id}`}>Open</Link>
                  {m.kind === 'image' ? <Link to={`/cases/${c.id}/media/${m.id}/clues`}>Clues</Link> : null}
                </div>
              </li>
            ))}
          </ul>
        </Section>
        <div>
          <Section title={`Victims (${s.victims.length})`} id="series-victims" actions={<Link to={`/cases/${c.id}/victims`} className="btn btn-secondary btn-small">Victims</Link>}>
            {s.victims.length === 0 ? <Empty>No victim recorded for this series.</Empty> : null}
            <ul className="vid-plain-list">
              {s.victims.map((v) => (
                <li key={v.id}>
                  <span className="case-ref">{v.code}</span> <span className={`badge vid-status-${v.status}`}>{VICTIM_STATUS_LABELS[v.status]}</span>
                </li>
              ))}
            </ul>
          </Section>
          <Section title="History" id="series-history">
            <HistoryList caseId={c.id} path={`/cases/${c.id}/series/${seriesId}/history`} canUndo={c.can.contribute} version={s.version} onChange={reload} />
          </Section>
        </div>
      </div>
      <Clues c={c} seriesId={seriesId} />

      {dialog === 'rename' ? (
        <FormDialog title={`Rename ${s.code}`} submitLabel="Rename" onClose={() => setDialog(null)} onSubmit={() => post('', { name: name.trim() }).then(() => undefined)}>
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
        </FormDialog>
      ) : null}
      {dialog === 'split' ? (
        <FormDialog
          title={`Split ${selected.size} item${selected.size === 1 ? '' : 's'} into a new series`}
          submitLabel="Split"
          onClose={() => setDialog(null)}
          onSubmit={async () => {
            const created = await api.post<SeriesDetail>(`/cases/${c.id}/series/${seriesId}/split`, { mediaIds: [...selected], name: name.trim() });
            navigate(`/cases/${c.id}/series/${created.id}`);
          }}
        >
          <TextField label="Name of the new series" value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
        </FormDialog>
      ) : null}
      {dialog === 'merge' ? (
        <FormDialog title={`Merge a series into ${s.code}`} submitLabel="Merge" onClose={() => setDialog(null)} onSubmit={() => post('/merge', { seriesIds: [mergeFrom], ...(reason.trim() ? { reason: reason.trim() } : {}) })}>
          <SelectField label="Series to merge in" value={mergeFrom} onChange={(e) => setMergeFrom(e.target.value)} required>
            <option value="">Choose…</option>
            {(all.data?.items ?? [])
              .filter((x) => x.id !== seriesId)
              .map((x) => (
                <option key={x.id} value={x.id}>
                  {x.code} {x.name} ({x.mediaCount} items)
                </option>
              ))}
          </SelectField>
          <TextField label="Why" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} hint="Kept in the history; the merge can be undone." />
        </FormDialog>
      ) : null}
      {dialog === 'identify' ? (
        <FormDialog
          title={`Mark ${s.code} identified`}
          submitLabel="Mark identified"
          onClose={() => setDialog(null)}
          onSubmit={() => post('/identify', { identifiedOn: on, ...(country ? { country } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) })}
        >
          <p className="muted small">Every agency whose media hit these items is told “identified by {me.agency.name} on this date” — nothing more.</p>
          <TextField label="Identified on" type="date" value={on} max={new Date().toISOString().slice(0, 10)} onChange={(e) => setOn(e.target.value)} required />
          <SelectField label="Country of the victim (optional)" value={country} onChange={(e) => setCountry(e.target.value)}>
            <option value="">Not recorded</option>
            {countryOptions().map((o) => (
              <option key={o.code} value={o.code}>
                {o.name}
              </option>
            ))}
          </SelectField>
          <TextField label="Why (optional)" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </FormDialog>
      ) : null}
      {dialog === 'withdraw' ? (
        <FormDialog title={`Withdraw the identification of ${s.code}`} submitLabel="Withdraw" danger onClose={() => setDialog(null)} onSubmit={() => post('/withdraw', { reason: reason.trim() })}>
          <p className="muted small">The agencies told of the identification are told it is withdrawn.</p>
          <TextField label="Why" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} />
        </FormDialog>
      ) : null}
    </>
  );
}

export function SeriesPage({ caseId, seriesId }: { caseId: string; seriesId: string }) {
  return (
    <VictimsFrame caseId={caseId} title="Series">
      {(c) => <Series key={seriesId} c={c} seriesId={seriesId} />}
    </VictimsFrame>
  );
}
