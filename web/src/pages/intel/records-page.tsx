import { useState, type FormEvent } from 'react';
import { api, withQuery } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { navigate, useLocation } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { SelectField, TextArea, TextField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { PlusIcon, SearchIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading } from '../../ui/page.js';
import { Pager } from '../../ui/pager.js';
import { useApi } from '../../ui/use-api.js';
import { useMe } from '../../session/session.js';
import type { DirectoryEntry } from '../messages/messages-types.js';
import { MESSAGE_ROLES } from '../messages/routes.js';
import { HandlingBadge, IntelFrame } from './intel-ui.js';
import { DATA_SUBJECT_LABELS, GRADING_SCALES, RECORD_KIND_LABELS, type IntelRecord, type Paged, type RecordKind, type RecordVersion } from './intel-types.js';
import { RecordFormDialog } from './record-form.js';
import { joinedNetwork, SendRecordDialog } from './send-record-dialog.js';

const PAGE_SIZE = 25;

function HistoryDialog({ caseId, record, onClose }: { caseId: string; record: IntelRecord; onClose: () => void }) {
  const { data, error } = useApi<RecordVersion[]>(`/cases/${caseId}/records/${record.id}/versions`);
  return (
    <Dialog title={`Versions of this ${RECORD_KIND_LABELS[record.kind].toLowerCase()}`} wide onClose={onClose}>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading />
      ) : (
        <ol className="record-list" reversed>
          {[...data].reverse().map((v) => (
            <li key={v.version} className="record-item">
              <div className="record-item-head">
                <strong>Version {v.version}</strong>
                <span className="muted small">
                  {formatDateTime(v.savedAt)} by {v.savedBy}
                </span>
              </div>
              <div className="record-item-meta">
                <HandlingBadge code={v.handlingCode} />
                <span className="badge badge-muted">{`${GRADING_SCALES[v.grading.scheme].label} ${v.grading.source}${v.grading.information}`}</span>
                <span className="badge badge-muted">{DATA_SUBJECT_LABELS[v.dataSubject]}</span>
                <span className="badge badge-muted">{v.factOrAssessment}</span>
              </div>
              <p className="record-text">{v.text}</p>
            </li>
          ))}
        </ol>
      )}
    </Dialog>
  );
}

function DeleteDialog({ caseId, record, onClose, onDeleted }: { caseId: string; record: IntelRecord; onClose: () => void; onDeleted: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api.delete(`/cases/${caseId}/records/${record.id}`, { reason });
      onDeleted();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Erase this record?"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="erase-record" variant="danger" busy={busy} disabled={reason.trim().length < 3}>
            Erase record
          </Button>
        </>
      }
    >
      <ErrorNotice error={error} />
      <form id="erase-record" className="stack" onSubmit={(e) => void submit(e)}>
        <p>The record disappears from every view and export. Its versions stay in the database for the audit, and the erasure is logged with your reason.</p>
        <TextArea label="Reason" required rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
      </form>
    </Dialog>
  );
}

/** `send`: absent when the user does not exchange messages; `blocked` says why the action is off. */
type SendAction = { onSend: () => void; blocked?: string | undefined };

function RecordItem({ r, onEdit, onHistory, onDelete, send }: { r: IntelRecord; onEdit: () => void; onHistory: () => void; onDelete: () => void; send?: SendAction | undefined }) {
  return (
    <li className="record-item" aria-label={`${RECORD_KIND_LABELS[r.kind]} ${r.subject ?? ''}`.trim()}>
      <div className="record-item-head">
        <div className="record-item-meta">
          <strong>{RECORD_KIND_LABELS[r.kind]}</strong>
          {r.subject ? <span className="selector-value">{r.subject}</span> : null}
          <HandlingBadge code={r.handlingCode} />
          {r.handlingRestrictions.map((h) => (
            <span key={h.code} className="badge badge-warning" title={'text' in h ? h.text : undefined}>
              {h.code}
            </span>
          ))}
          <span className="badge badge-muted" title={GRADING_SCALES[r.grading.scheme].label}>
            {r.gradingText}
          </span>
          <span className="badge badge-muted">{DATA_SUBJECT_LABELS[r.dataSubject]}</span>
          {r.factOrAssessment === 'assessment' ? <span className="badge badge-muted">assessment</span> : null}
        </div>
        <div className="row-actions">
          <Button size="small" variant="ghost" onClick={onHistory}>
            Versions ({r.version})
          </Button>
          {send ? (
            <Button size="small" variant="ghost" onClick={send.onSend} disabled={Boolean(send.blocked)} title={send.blocked}>
              Send to agency…
            </Button>
          ) : null}
          {r.can.edit ? (
            <Button size="small" variant="ghost" onClick={onEdit}>
              Edit
            </Button>
          ) : null}
          {r.can.delete ? (
            <Button size="small" variant="ghost" className="text-danger" onClick={onDelete}>
              Erase
            </Button>
          ) : null}
        </div>
      </div>
      <p className="muted small">
        {r.occurredAt ? `${formatDateTime(r.occurredAt)} · ` : ''}
        {r.originatorAgencyName} · recorded by {r.authorName} {formatDateTime(r.createdAt)}
        {r.thread ? ` · thread ${r.thread}` : ''}
      </p>
      <p className="record-text">{r.text}</p>
    </li>
  );
}

/** The case's intelligence records the user's agency may see, with their handling, grading and versions. */
export function RecordsPage({ caseId }: { caseId: string }) {
  const { search } = useLocation();
  const kind = (search.get('kind') ?? '') as RecordKind | '';
  const q = search.get('q') ?? '';
  const page = Number(search.get('page') ?? '1') || 1;
  const [text, setText] = useState(q);
  const path = withQuery(`/cases/${caseId}/records`, { kind, q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const { data, error, loading, reload } = useApi<Paged<IntelRecord>>(path);
  const [editing, setEditing] = useState<IntelRecord | 'new' | null>(null);
  const [history, setHistory] = useState<IntelRecord | null>(null);
  const [erasing, setErasing] = useState<IntelRecord | null>(null);
  const [sending, setSending] = useState<IntelRecord | null>(null);
  const me = useMe();
  const messaging = me.user.roles.some((r) => MESSAGE_ROLES.includes(r));
  const directory = useApi<DirectoryEntry[]>(messaging ? '/network/directory' : null);
  const joined = joinedNetwork(directory.data, me.agency.id);
  const sendBlocked = directory.error
    ? 'The network directory could not be read.'
    : !directory.data
      ? 'Reading the network directory…'
      : !joined
        ? 'Your agency has not joined a network (or the hub has not approved it yet).'
        : undefined;
  const sendAction = (r: IntelRecord): SendAction | undefined => (messaging ? { onSend: () => setSending(r), blocked: sendBlocked } : undefined);
  const go = (next: { kind?: string; q?: string; page?: number }) => navigate(withQuery(`/cases/${caseId}/records`, { kind: next.kind ?? kind, q: next.q ?? q, page: next.page && next.page > 1 ? next.page : undefined }));

  const body = (c: Case) => (
    <>
      <form
        className="intel-toolbar"
        role="search"
        aria-label="Search records"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text, page: 1 });
        }}
      >
        <SelectField label="Kind" value={kind} onChange={(e) => go({ kind: e.target.value, page: 1 })}>
          <option value="">All kinds</option>
          {Object.entries(RECORD_KIND_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <TextField label="Search" type="search" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} />
        <Button type="submit" icon={<SearchIcon />}>
          Search
        </Button>
      </form>
      <ErrorNotice error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        data.items.length === 0 ? (
          <Empty>{q || kind ? 'No record matches.' : c.can.contribute ? 'No intelligence recorded yet.' : 'No intelligence your agency may see.'}</Empty>
        ) : (
          <>
            <ul className="record-list" aria-label="Records">
              {data.items.map((r) => (
                <RecordItem key={r.id} r={r} onEdit={() => setEditing(r)} onHistory={() => setHistory(r)} onDelete={() => setErasing(r)} send={sendAction(r)} />
              ))}
            </ul>
            <Pager page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => go({ page: p })} noun="records" />
          </>
        )
      ) : null}
      {editing ? (
        <RecordFormDialog
          caseId={caseId}
          region={c.participants.find((p) => p.access === 'lead')?.country}
          {...(editing === 'new' ? {} : { record: editing })}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      ) : null}
      {sending && directory.data ? <SendRecordDialog c={c} record={sending} directory={directory.data} myAgencyId={me.agency.id} onClose={() => setSending(null)} /> : null}
      {history ? <HistoryDialog caseId={caseId} record={history} onClose={() => setHistory(null)} /> : null}
      {erasing ? (
        <DeleteDialog
          caseId={caseId}
          record={erasing}
          onClose={() => setErasing(null)}
          onDeleted={() => {
            setErasing(null);
            reload();
          }}
        />
      ) : null}
    </>
  );

  return (
    <IntelFrame
      caseId={caseId}
      title="Intelligence records"
      actions={(c) =>
        c.can.contribute ? (
          <Button variant="primary" icon={<PlusIcon />} onClick={() => setEditing('new')}>
            New record
          </Button>
        ) : null
      }
    >
      {body}
    </IntelFrame>
  );
}
