import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { Link } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { Checkbox, TextArea } from '../../ui/field.js';
import { countryName } from '../../ui/format.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { messagesChanged, PrioritySelect } from '../messages/messages-ui.js';
import type { DirectoryEntry, Priority } from '../messages/messages-types.js';
import { HandlingBadge } from './intel-ui.js';
import { HANDLING_HINTS, RECORD_KIND_LABELS, type IntelRecord, type RecordSent, type SendRecord } from './intel-types.js';

/** Whether the user's agency can send at all: it is an active member of the network (its own directory entry says so). */
export function joinedNetwork(directory: readonly DirectoryEntry[] | null | undefined, agencyId: string): boolean {
  return directory?.some((d) => d.id === agencyId && d.status === 'active') ?? false;
}

/**
 * "Send to agency…": the node composes the message from the stored record under the record's handling code; the
 * dialog only picks the recipients and adds a note. Whether the handling code allows these recipients is the node's
 * decision, shown here in its words.
 */
export function SendRecordDialog({ c, record, directory, myAgencyId, onClose }: { c: Case; record: IntelRecord; directory: DirectoryEntry[]; myAgencyId: string; onClose: () => void }) {
  const [to, setTo] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<RecordSent | null>(null);
  const inCase = new Set(c.participants.map((p) => p.agencyId));
  // Agencies of the case first: the usual audience of a case's intelligence.
  const others = directory.filter((d) => d.id !== myAgencyId).sort((a, b) => Number(inCase.has(b.id)) - Number(inCase.has(a.id)) || a.name.localeCompare(b.name));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (to.length === 0) {
      setError(new Error('Choose at least one recipient agency.'));
      return;
    }
    setBusy(true);
    try {
      const body: SendRecord = { to, priority, ...(note.trim() ? { note } : {}) };
      setSent(await api.post<RecordSent>(`/cases/${c.id}/records/${record.id}/send`, body));
      messagesChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const kind = RECORD_KIND_LABELS[record.kind].toLowerCase();
  if (sent) {
    return (
      <Dialog title={`The ${kind} was sent`} onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
        <Notice tone="success" title={`Sent to ${sent.to.map((a) => a.name).join(', ')}`}>
          <p>
            Signed by your agency and encrypted to each recipient, under <HandlingBadge code={sent.handling.tlp} />
            {sent.handling.restriction ? ` ${sent.handling.restriction.code}` : ''}. The disclosure is in the audit trail.
          </p>
          <p>
            <Link to={`/messages/${sent.id}`}>Open the sent message</Link>
          </p>
        </Notice>
      </Dialog>
    );
  }

  return (
    <Dialog
      title={`Send this ${kind} to agencies`}
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="send-record" variant="primary" busy={busy} disabled={others.length === 0}>
            Send
          </Button>
        </>
      }
    >
      <form id="send-record" className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <p>
          The record goes as a message under its own handling code <HandlingBadge code={record.handlingCode} />
          {record.handlingRestrictions.map((h) => ` ${h.code}`).join('')}, with its grading, originator and author, in case {c.reference}.{' '}
          <span className="muted">{HANDLING_HINTS[record.handlingCode]}</span>
        </p>
        <fieldset className="send-recipients" aria-label="Recipient agencies">
          {others.map((d) => (
            <Checkbox
              key={d.id}
              label={`${d.name} — ${countryName(d.country)}`}
              hint={d.status !== 'active' ? `${d.status}: cannot receive messages` : inCase.has(d.id) ? 'takes part in this case' : undefined}
              disabled={d.status !== 'active'}
              checked={to.includes(d.id)}
              onChange={(e) => setTo((cur) => (e.target.checked ? [...cur, d.id] : cur.filter((x) => x !== d.id)))}
            />
          ))}
        </fieldset>
        <TextArea label="Note (optional)" hint="Written above the record in the message." rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={10_000} />
        <PrioritySelect value={priority} onChange={setPriority} />
        <ErrorNotice error={error} title="The record was not sent" />
      </form>
    </Dialog>
  );
}
