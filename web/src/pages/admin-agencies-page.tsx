import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Agency } from '../api/types.js';
import { useMe } from '../session/session.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import { SelectField, TextField } from '../ui/field.js';
import { fieldError, isFieldLevel } from '../ui/form-errors.js';
import { countryName, countryOptions, formatDateTime } from '../ui/format.js';
import { PlusIcon } from '../ui/icons.js';
import { ErrorNotice, Notice } from '../ui/notice.js';
import { Loading, PageHeader } from '../ui/page.js';
import { useApi } from '../ui/use-api.js';

function NewAgencyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (agency: Agency) => void }) {
  const countries = useMemo(countryOptions, []);
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.post<Agency>('/agencies', { name: name.trim(), country }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Host another agency"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" form="new-agency" variant="primary" busy={busy} disabled={!name.trim() || !country}>
            Add agency
          </Button>
        </>
      }
    >
      <p className="muted">The agency gets its own users and cases on this node. Its admin is created with the CLI (<code>tessera user create</code>).</p>
      {error && !isFieldLevel(error, ['invalid-country']) ? <ErrorNotice error={error} /> : null}
      <form id="new-agency" className="stack" onSubmit={(e) => void submit(e)}>
        <TextField label="Agency name" required value={name} onChange={(e) => setName(e.target.value)} minLength={2} maxLength={200} error={fieldError(error, 'name')} />
        <SelectField label="Country" required value={country} onChange={(e) => setCountry(e.target.value)} error={fieldError(error, 'country', ['invalid-country'])}>
          <option value="">Choose…</option>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name} ({c.code})
            </option>
          ))}
        </SelectField>
      </form>
    </Dialog>
  );
}

/** Agencies this node knows: the ones it hosts and, later, the network's members from the hub directory. */
export function AgenciesPage() {
  const me = useMe();
  const { data: agencies, error, setData } = useApi<Agency[]>('/agencies');
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Agencies"
        subtitle="Agencies known to this node."
        actions={
          <Button variant="primary" icon={<PlusIcon />} onClick={() => setCreating(true)}>
            Host an agency
          </Button>
        }
      />
      <ErrorNotice error={error} />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {!agencies ? (
        error ? null : <Loading />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Agencies known to this node</caption>
            <thead>
              <tr>
                <th scope="col">Agency</th>
                <th scope="col">Country</th>
                <th scope="col">Status</th>
                <th scope="col">Where</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {agencies.map((a) => (
                <tr key={a.id}>
                  <td>
                    <span className="strong">{a.name}</span>
                    {a.id === me.agency.id ? <span className="muted small"> (your agency)</span> : null}
                  </td>
                  <td>
                    {countryName(a.country)} <span className="muted">({a.country})</span>
                  </td>
                  <td>
                    <span className={`badge ${a.status === 'active' ? 'badge-ok' : a.status === 'pending' ? 'badge-warning' : 'badge-muted'}`}>{a.status === 'active' ? 'Active' : a.status === 'pending' ? 'Pending' : 'Suspended'}</span>
                  </td>
                  <td>{a.hosted ? 'Hosted on this node' : 'Elsewhere in the network'}</td>
                  <td className="nowrap">{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating ? (
        <NewAgencyDialog
          onClose={() => setCreating(false)}
          onCreated={(agency) => {
            setData([...(agencies ?? []), agency]);
            setCreating(false);
            setNotice(`${agency.name} is now hosted on this node.`);
          }}
        />
      ) : null}
    </>
  );
}
