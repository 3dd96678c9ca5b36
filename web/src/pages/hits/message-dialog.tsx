import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import { navigate } from '../../router.js';
import { Button } from '../../ui/button.js';
import { SelectField, TextArea, TextField } from '../../ui/field.js';
import { Dialog } from '../../ui/dialog.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Loading } from '../../ui/page.js';
import type { HandlingCode, Hit, MessageDraft } from './hits-types.js';
import { TLP_CODES } from './hits-types.js';

/**
 * Writes to the other agency of a hit through the exchange (signed, sealed to that agency): the draft names both
 * items; sending also moves the hit to "in contact" when it was earlier than that.
 */
export function MessageDialog({ hit, onClose, onSent }: { hit: Hit; onClose: () => void; onSent: (updated: Hit | null) => void }) {
  const formId = useId();
  const [draft, setDraft] = useState<MessageDraft | null>(null);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [tlp, setTlp] = useState<HandlingCode>('TLP:AMBER');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api
      .get<MessageDraft>(`/hits/${hit.id}/draft`)
      .then((d) => {
        setDraft(d);
        setSubject(d.subject);
        setBody(d.body);
        setTlp(d.handling.tlp);
      })
      .catch(setError);
  }, [hit.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setBusy(true);
    setError(null);
    try {
      const sent = await api.post<{ id: string }>('/messages', { to: draft.to, subject: subject.trim(), body, caseId: draft.caseId, handling: { tlp } });
      let updated: Hit | null = null;
      if (hit.status === 'new' || hit.status === 'acknowledged') updated = await api.post<Hit>(`/hits/${hit.id}/status`, { status: 'in-contact' });
      onSent(updated);
      navigate(`/messages/${sent.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Message ${hit.other.agency?.name ?? 'the other agency'}`}
      onClose={onClose}
      wide
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form={formId} variant="primary" busy={busy} disabled={!draft || !subject.trim()}>
            Send
          </Button>
        </>
      }
    >
      <ErrorNotice error={error} />
      {!draft && !error ? <Loading label="Preparing the message…" /> : null}
      {draft ? (
        <form id={formId} onSubmit={(e) => void submit(e)} noValidate>
          <p className="muted small">Signed by your agency and encrypted to theirs; the hub that carries it cannot read it. It is filed under your case.</p>
          <TextField label="Subject" required maxLength={300} value={subject} onChange={(e) => setSubject(e.target.value)} />
          <TextArea label="Text" rows={9} value={body} onChange={(e) => setBody(e.target.value)} maxLength={100_000} />
          <SelectField label="Handling" value={tlp} onChange={(e) => setTlp(e.target.value as HandlingCode)} hint="Defaults to your item's handling code.">
            {TLP_CODES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
        </form>
      ) : null}
    </Dialog>
  );
}
