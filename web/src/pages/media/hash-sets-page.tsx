import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import { useMe } from '../../session/session.js';
import { Button } from '../../ui/button.js';
import { SelectField, TextField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { TrashIcon } from '../../ui/icons.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Loading, PageHeader, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import type { HashSet, HashSetImportResult } from './media-types.js';
import { csrfFromCookie, uploadFiles } from './upload.js';
import './media.css';

function ImportForm({ onImported }: { onImported: (r: HashSetImportResult) => void }) {
  const me = useMe();
  const [name, setName] = useState('');
  const [format, setFormat] = useState<'vics' | 'csv'>('vics');
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setSent(0);
    try {
      onImported(await uploadFiles<HashSetImportResult>('/hashsets', [file], { name: name.trim(), format }, me.csrfToken ?? csrfFromCookie(), (s, t) => setSent((100 * s) / t)));
      setName('');
      setFile(null);
    } catch (err) {
      setError(err);
    } finally {
      setSent(null);
    }
  };
  return (
    <form className="media-hashset-form" onSubmit={(e) => void submit(e)}>
      <ErrorNotice error={error} />
      <TextField label="Name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} hint="Unique on this node, e.g. “Project VIC 2024-06”" />
      <SelectField label="Format" value={format} onChange={(e) => setFormat(e.target.value as 'vics' | 'csv')}>
        <option value="vics">Project VIC (VICS JSON)</option>
        <option value="csv">CSV (md5, sha1, sha256, pdq, category)</option>
      </SelectField>
      <label className="field">
        <span className="field-label">File</span>
        <input type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="hashset-file" />
      </label>
      <div>
        <Button type="submit" variant="primary" disabled={!file || !name.trim()} busy={sent !== null}>
          {sent !== null ? `Importing… ${Math.round(sent)} %` : 'Import and match'}
        </Button>
      </div>
    </form>
  );
}

export function HashSetsPage() {
  const me = useMe();
  const manage = me.user.roles.includes('victim-id') || me.user.roles.includes('admin');
  const { data, error, reload } = useApi<HashSet[]>('/hashsets');
  const [result, setResult] = useState<HashSetImportResult | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const remove = async (s: HashSet) => {
    if (!window.confirm(`Delete the hash set “${s.name}”, its matches and the categories it set?`)) return;
    setActionError(null);
    try {
      await api.delete(`/hashsets/${s.id}`);
      reload();
    } catch (err) {
      setActionError(err);
    }
  };
  return (
    <>
      <PageHeader title="Known hash sets" subtitle="Shared lists of known material (Project VIC, CSV digest lists). Every media item of this node is matched against each set: exactly on its digests, and nearly on PDQ (distance 31 or less)." />
      {manage ? (
        <Section title="Import a set" id="hashset-import">
          <ImportForm
            onImported={(r) => {
              setResult(r);
              reload();
            }}
          />
          {result ? (
            <Notice tone="success" title={`“${result.set.name}” imported`}>
              {result.set.entries} entries{result.skipped ? `, ${result.skipped} skipped` : ''}; matched {result.matches.media} media item{result.matches.media === 1 ? '' : 's'} ({result.matches.exact} exact, {result.matches.near} near).
              {result.warnings.length ? ` Warnings: ${result.warnings.join('; ')}` : ''}
            </Notice>
          ) : null}
        </Section>
      ) : null}
      <Section title="Sets on this node" id="hashset-list">
        <ErrorNotice error={error ?? actionError} />
        {!data ? <Loading /> : null}
        {data && data.length === 0 ? <Empty>No hash set has been imported yet.</Empty> : null}
        {data && data.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Format</th>
                  <th>Entries</th>
                  <th>Matched media</th>
                  <th>Imported</th>
                  {manage ? <th aria-label="Actions" /> : null}
                </tr>
              </thead>
              <tbody>
                {data.map((s) => (
                  <tr key={s.id}>
                    <td>{s.name}</td>
                    <td>{s.format.toUpperCase()}</td>
                    <td>{s.entries.toLocaleString('en-GB')}</td>
                    <td>{s.matchedMedia.toLocaleString('en-GB')}</td>
                    <td>
                      {formatDateTime(s.importedAt)} by {s.importedBy}
                    </td>
                    {manage ? (
                      <td className="row-actions">
                        <Button size="small" variant="ghost" onClick={() => void remove(s)} aria-label={`Delete ${s.name}`}>
                          <TrashIcon /> Delete
                        </Button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>
    </>
  );
}
