import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.js';
import type { CaseList } from '../../api/types.js';
import { navigate, useLocation } from '../../router.js';
import { useMe } from '../../session/session.js';
import { Button } from '../../ui/button.js';
import { Checkbox, SelectField, TextArea, TextField } from '../../ui/field.js';
import { countryName, localInputToIso } from '../../ui/format.js';
import { ArrowLeftIcon, CloseIcon } from '../../ui/icons.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Loading, PageHeader, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { Link } from '../../router.js';
import { csrfFromCookie, uploadRaw } from '../media/upload.js';
import type { DirectoryEntry, HandlingCode, HandlingRestrictionCode, MessageDetail, NewMessage, Priority, Upload } from './messages-types.js';
import { RESTRICTION_LABELS, TLP_CODES, TLP_MEANING } from './messages-types.js';
import { formatSize, messagesChanged, PrioritySelect } from './messages-ui.js';

interface PendingFile {
  key: string;
  file: File;
  sent: number;
  upload?: Upload;
  error?: string;
}

/** Sends one file as raw bytes (the node encrypts it as it arrives), reporting progress. */
function uploadAttachment(file: File, csrf: string | undefined, onProgress: (sent: number) => void): Promise<Upload> {
  const query = new URLSearchParams({ name: file.name, type: file.type || 'application/octet-stream' });
  return uploadRaw<Upload>(`/messages/attachments?${query.toString()}`, file, csrf, (sent) => onProgress(sent));
}

const H_CODES: HandlingRestrictionCode[] = ['H0', 'H1', 'H2', 'H3'];

/** Write to one or more agencies of the network; a reply keeps the thread, the case and the handling code. */
export function ComposePage() {
  const me = useMe();
  const { search } = useLocation();
  const replyTo = search.get('replyTo');
  const directory = useApi<DirectoryEntry[]>('/network/directory');
  const original = useApi<MessageDetail>(replyTo ? `/messages/${replyTo}` : null);
  const cases = useApi<CaseList>('/cases?limit=200');

  const [to, setTo] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [caseReference, setCaseReference] = useState(search.get('case') ?? '');
  const [tlp, setTlp] = useState<HandlingCode>('TLP:AMBER');
  const [restriction, setRestriction] = useState<HandlingRestrictionCode | ''>('');
  const [restrictionText, setRestrictionText] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [rfi, setRfi] = useState(false);
  const [deadline, setDeadline] = useState('');
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const prefilled = useRef(false);

  // A reply: to the sender (or, for one of ours, to the same agencies), same case and handling, "Re:" subject.
  useEffect(() => {
    const m = original.data;
    if (!m || prefilled.current) return;
    prefilled.current = true;
    setTo(m.box === 'in' ? [m.from.id] : m.to.map((t) => t.id));
    setSubject(/^re:/i.test(m.subject) ? m.subject : `Re: ${m.subject}`);
    setCaseReference(m.caseReference ?? '');
    setTlp(m.handling.tlp);
    if (m.handling.restriction) {
      setRestriction(m.handling.restriction.code);
      if ('text' in m.handling.restriction) setRestrictionText(m.handling.restriction.text);
    }
  }, [original.data]);

  const others = useMemo(() => (directory.data ?? []).filter((d) => d.id !== me.agency.id), [directory.data, me.agency.id]);
  const shown = others.filter((d) => !filter.trim() || `${d.name} ${d.country} ${countryName(d.country)}`.toLowerCase().includes(filter.trim().toLowerCase()));
  const uploading = files.some((f) => !f.upload && !f.error);

  const addFiles = (list: FileList | null) => {
    if (!list) return;
    const csrf = me.csrfToken ?? csrfFromCookie();
    for (const file of Array.from(list)) {
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      setFiles((fs) => [...fs, { key, file, sent: 0 }]);
      uploadAttachment(file, csrf, (sent) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, sent } : f))))
        .then((upload) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, upload, sent: file.size } : f))))
        .catch((err: unknown) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, error: err instanceof Error ? err.message : String(err) } : f))));
    }
    if (fileInput.current) fileInput.current.value = '';
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (to.length === 0) {
      setError(new Error('Choose at least one recipient agency.'));
      return;
    }
    const payload: NewMessage = {
      to,
      subject: subject.trim(),
      body,
      handling: { tlp, ...(restriction ? { restriction: restriction === 'H3' ? { code: 'H3' as const, text: restrictionText.trim() } : { code: restriction } } : {}) },
      priority,
      ...(caseReference.trim() ? { caseReference: caseReference.trim() } : {}),
      ...(rfi && deadline ? { rfiDeadline: localInputToIso(deadline) } : {}),
      ...(replyTo ? { inReplyTo: replyTo } : {}),
      ...(files.some((f) => f.upload) ? { attachments: files.filter((f) => f.upload).map((f) => f.upload!.id) } : {}),
    };
    setBusy(true);
    try {
      const sent = await api.post<MessageDetail>('/messages', payload);
      messagesChanged();
      navigate(`/messages/${sent.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (directory.error) return <ErrorNotice error={directory.error} title="The network directory could not be read" />;
  if (!directory.data || (replyTo && !original.data && !original.error)) return <Loading />;
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : {};

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to="/messages" className="back-link">
            <ArrowLeftIcon /> Messages
          </Link>
        }
        title={replyTo ? 'Reply' : 'New message'}
        subtitle="Signed by your agency and encrypted to each recipient agency's key; the hub that carries it cannot read it."
      />
      {others.length === 0 ? (
        <Notice tone="warning" title="No agency to write to">
          Your agency has not joined the network, or the hub has not approved it yet. Ask your agency admin.
        </Notice>
      ) : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Section title="Recipients" id="compose-recipients">
          <TextField label="Find an agency" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Name or country" />
          <fieldset className="recipient-picker" aria-label="Recipient agencies">
            {shown.map((d) => (
              <Checkbox
                key={d.id}
                label={`${d.name} — ${countryName(d.country)}`}
                hint={d.status !== 'active' ? `${d.status}: cannot receive messages` : d.hosted ? 'hosted on this node (still sent through the hub)' : undefined}
                disabled={d.status !== 'active'}
                checked={to.includes(d.id)}
                onChange={(e) => setTo((cur) => (e.target.checked ? [...cur, d.id] : cur.filter((x) => x !== d.id)))}
              />
            ))}
          </fieldset>
          <p className="muted small">{to.length} selected</p>
          {fieldErrors.to ? <p className="field-error">{fieldErrors.to}</p> : null}
        </Section>

        <Section title="Message" id="compose-message">
          <div className="compose-grid">
            <TextField label="Case reference" value={caseReference} onChange={(e) => setCaseReference(e.target.value)} maxLength={100} list="compose-cases" hint="Threads are grouped by it, on both sides." error={fieldErrors.caseReference} />
            <datalist id="compose-cases">
              {(cases.data?.items ?? []).map((c) => (
                <option key={c.id} value={c.reference}>
                  {c.title}
                </option>
              ))}
            </datalist>
            <PrioritySelect value={priority} onChange={setPriority} />
          </div>
          <TextField label="Subject" required value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={300} error={fieldErrors.subject} />
          <TextArea label="Text" rows={10} value={body} onChange={(e) => setBody(e.target.value)} maxLength={100_000} error={fieldErrors.body} />
        </Section>

        <Section title="Handling" id="compose-handling">
          <div className="compose-grid">
            <SelectField label="Handling code (TLP 2.0)" value={tlp} onChange={(e) => setTlp(e.target.value as HandlingCode)} hint={TLP_MEANING[tlp]}>
              {TLP_CODES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </SelectField>
            <SelectField label="Handling restriction (SIENA)" value={restriction} onChange={(e) => setRestriction(e.target.value as HandlingRestrictionCode | '')}>
              <option value="">None</option>
              {H_CODES.map((h) => (
                <option key={h} value={h}>
                  {RESTRICTION_LABELS[h]}
                </option>
              ))}
            </SelectField>
          </div>
          {restriction === 'H3' ? (
            <TextField label="The restriction" required value={restrictionText} onChange={(e) => setRestrictionText(e.target.value)} maxLength={2000} error={fieldErrors['handling/restriction/text']} />
          ) : null}
          <Checkbox label="Request for information" hint="The recipients are asked to answer by a deadline; an unanswered request is flagged when it passes." checked={rfi} onChange={(e) => setRfi(e.target.checked)} />
          {rfi ? <TextField label="Answer by" type="datetime-local" required value={deadline} onChange={(e) => setDeadline(e.target.value)} error={fieldErrors.rfiDeadline} /> : null}
        </Section>

        <Section title="Attachments" id="compose-attachments">
          <input ref={fileInput} type="file" multiple aria-label="Add attachments" onChange={(e) => addFiles(e.target.files)} />
          {files.length > 0 ? (
            <ul className="attachment-list">
              {files.map((f) => (
                <li key={f.key} className="upload-row">
                  <span>{f.file.name}</span>
                  <span className="muted small">{formatSize(f.file.size)}</span>
                  {f.error ? (
                    <span className="field-error">{f.error}</span>
                  ) : f.upload ? (
                    <span className="badge badge-ok">encrypted</span>
                  ) : (
                    <progress max={f.file.size || 1} value={f.sent} aria-label={`Uploading ${f.file.name}`} />
                  )}
                  <Button size="small" variant="ghost" icon={<CloseIcon />} aria-label={`Remove ${f.file.name}`} onClick={() => setFiles((fs) => fs.filter((x) => x.key !== f.key))}>
                    Remove
                  </Button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">Files are encrypted on this node as they upload, and travel in chunks; large files are fine.</p>
          )}
        </Section>

        <ErrorNotice error={error} title="The message was not sent" />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy} disabled={uploading || others.length === 0}>
            Send
          </Button>
          <Link to="/messages" className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
