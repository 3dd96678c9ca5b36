import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, withQuery } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { useMe } from '../../session/session.js';
import { Button } from '../../ui/button.js';
import { Checkbox, SelectField, TextField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { DownloadIcon } from '../../ui/icons.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { uploadRaw } from '../media/upload.js';
import { IntelFrame } from './intel-ui.js';
import { DATA_SUBJECT_LABELS, HANDLING_CODES, type DataSubjectCategory, type HandlingCode, type MispImportResult, type PostImport } from './intel-types.js';

function percent(p: PostImport['progress']): number {
  if (!p.totalBytes) return 0;
  return Math.min(100, Math.round((p.bytesRead / p.totalBytes) * 100));
}

function ImportProgress({ item }: { item: PostImport }) {
  const p = item.progress;
  const done = item.status === 'done';
  const value = done ? 100 : percent(p);
  return (
    <div className="stack">
      <div className="progress" role="progressbar" aria-label={`Import of ${item.fileName}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value}>
        <div className="progress-bar" style={{ width: `${value}%` }} />
      </div>
      <p className="small" role="status">
        {item.status === 'queued' ? 'Waiting for the import to start… ' : item.status === 'running' ? `${value}% · ` : ''}
        {p.imported.toLocaleString('en-GB')} posts imported under {p.identities.toLocaleString('en-GB')} new online identities, {p.selectors.toLocaleString('en-GB')} selectors linked,{' '}
        {p.malformed.toLocaleString('en-GB')} malformed line(s){done ? ' — done.' : item.status === 'failed' ? ' — failed.' : ''}
      </p>
      {item.failure ? <Notice tone="error">{item.failure}</Notice> : null}
      {item.errors.length > 0 ? (
        <details>
          <summary>Malformed lines</summary>
          <ul className="import-errors">
            {item.errors.map((e) => (
              <li key={e.line}>
                line {e.line}: {e.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function PostUpload({ caseId, onFinished }: { caseId: string; onFinished: () => void }) {
  const me = useMe();
  const [file, setFile] = useState<File | null>(null);
  const [platform, setPlatform] = useState('');
  const [handling, setHandling] = useState<HandlingCode>('TLP:AMBER');
  const [dataSubject, setDataSubject] = useState<DataSubjectCategory>('other');
  const [naive, setNaive] = useState(false);
  const [sending, setSending] = useState<number | null>(null);
  const [current, setCurrent] = useState<PostImport | null>(null);
  const [error, setError] = useState<unknown>(null);

  // Poll the background job until it is done; the node stores progress after every committed batch.
  useEffect(() => {
    if (!current || current.status === 'done' || current.status === 'failed') return;
    const timer = setTimeout(() => {
      api.get<PostImport>(`/cases/${caseId}/imports/${current.id}`).then((next) => {
        setCurrent(next);
        if (next.status === 'done' || next.status === 'failed') onFinished();
      }, setError);
    }, 500);
    return () => clearTimeout(timer);
  }, [current, caseId, onFinished]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setCurrent(null);
    setSending(0);
    const csrf = me.csrfToken ?? /(?:^|;\s*)tessera_csrf=([^;]+)/.exec(document.cookie)?.[1];
    try {
      const path = withQuery(`/cases/${caseId}/imports`, { fileName: file.name, platform: platform.trim() || undefined, handlingCode: handling, dataSubject, naiveTimesAreUtc: naive || undefined });
      setCurrent(await uploadRaw<PostImport>(path, file, csrf, (sent, total) => setSending(Math.round((sent / total) * 100))));
    } catch (err) {
      setError(err);
    } finally {
      setSending(null);
    }
  };

  return (
    <Section title="Captured posts" id="import-posts">
      <p className="muted small">
        CSV with a header row, or JSON lines; each post has <code>author</code>, <code>time</code> (ISO 8601 with a zone, or epoch seconds/milliseconds), <code>text</code>, and optionally <code>thread</code> and <code>url</code>. Posts
        are filed under the online identity of their author; selectors are extracted as suggestions. Malformed lines are reported and skipped.
      </p>
      <ErrorNotice error={error} />
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <div className="form-row">
          <div className="field">
            <label className="field-label" htmlFor="posts-file">
              File
            </label>
            <input id="posts-file" className="input" type="file" accept=".csv,.jsonl,.ndjson,.json,text/csv,application/x-ndjson" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
          <TextField label="Platform of the authors" value={platform} onChange={(e) => setPlatform(e.target.value)} hint="e.g. telegram, or the forum's host; default: each post's URL host" maxLength={253} />
        </div>
        <div className="form-row form-row-3">
          <SelectField label="Handling code" value={handling} onChange={(e) => setHandling(e.target.value as HandlingCode)}>
            {HANDLING_CODES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </SelectField>
          <SelectField label="Data subject" value={dataSubject} onChange={(e) => setDataSubject(e.target.value as DataSubjectCategory)}>
            {Object.entries(DATA_SUBJECT_LABELS).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </SelectField>
          <Checkbox label="Times without a zone are UTC" checked={naive} onChange={(e) => setNaive(e.target.checked)} />
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={sending !== null} disabled={!file}>
            {sending !== null ? `Uploading ${sending}%` : 'Import posts'}
          </Button>
        </div>
      </form>
      {current ? <ImportProgress item={current} /> : null}
    </Section>
  );
}

function PreviousImports({ caseId, version }: { caseId: string; version: number }) {
  const { data, error, reload } = useApi<PostImport[]>(`/cases/${caseId}/imports`);
  useEffect(() => reload(), [version, reload]);
  return (
    <Section title="Previous imports" id="import-history">
      <ErrorNotice error={error} />
      {data && data.length === 0 ? <Empty>No import yet.</Empty> : null}
      {data && data.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Status</th>
                <th scope="col">Posts</th>
                <th scope="col">Malformed</th>
                <th scope="col">By</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {data.map((i) => (
                <tr key={i.id}>
                  <td>{i.fileName}</td>
                  <td>{i.status}</td>
                  <td>{i.progress.imported.toLocaleString('en-GB')}</td>
                  <td>{i.progress.malformed.toLocaleString('en-GB')}</td>
                  <td>{i.createdBy}</td>
                  <td className="nowrap">{formatDateTime(i.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}

function MispImport({ caseId, onFinished }: { caseId: string; onFinished: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [handling, setHandling] = useState<HandlingCode>('TLP:AMBER');
  const [result, setResult] = useState<MispImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      let json: unknown;
      try {
        json = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON.`);
      }
      setResult(await api.post<MispImportResult>(withQuery(`/cases/${caseId}/import/misp`, { handlingCode: handling }), json));
      onFinished();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="MISP event" id="import-misp">
      <ErrorNotice error={error} />
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <div className="form-row">
          <div className="field">
            <label className="field-label" htmlFor="misp-file">
              MISP event JSON
            </label>
            <input id="misp-file" className="input" type="file" accept=".json,application/json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
          <SelectField label="Handling code where the event has no tlp: tag" value={handling} onChange={(e) => setHandling(e.target.value as HandlingCode)}>
            {HANDLING_CODES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </SelectField>
        </div>
        <div className="form-actions">
          <Button type="submit" busy={busy} disabled={!file}>
            Import event
          </Button>
        </div>
      </form>
      {result ? (
        <Notice tone="success" title={`Imported “${result.event.info}”`}>
          <p>
            {result.records} record(s), {result.selectors} selector(s){result.invalid ? ` (${result.invalid} invalid, kept as such)` : ''} from {result.attributes} attribute(s) and {result.objects} object(s).
          </p>
          {result.dropped.length ? (
            <ul>
              {result.dropped.map((d) => (
                <li key={d.what + d.reason}>
                  Not imported: {d.count} × {d.what} — {d.reason}
                </li>
              ))}
            </ul>
          ) : null}
          {result.ignored.length ? <p className="muted small">Ignored: {result.ignored.join('; ')}</p> : null}
        </Notice>
      ) : null}
    </Section>
  );
}

function Exports({ c }: { c: Case }) {
  return (
    <Section title="Export" id="export">
      <p className="muted small">
        What your agency may export under the handling codes: TLP:RED never leaves the node; TLP:AMBER+STRICT and H2 records only if your agency wrote them. Every object is marked. Each export is logged as a disclosure.
      </p>
      <div className="button-row">
        <a className="btn btn-secondary" href={`/api/v1/cases/${c.id}/export/stix`} download={`${c.reference}.stix.json`}>
          <DownloadIcon /> STIX 2.1 bundle
        </a>
        <a className="btn btn-secondary" href={`/api/v1/cases/${c.id}/export/misp`} download={`${c.reference}.misp.json`}>
          <DownloadIcon /> MISP event
        </a>
      </div>
    </Section>
  );
}

/** Bringing posts and MISP events into the case, and taking the case out as STIX or MISP. */
export function ImportPage({ caseId }: { caseId: string }) {
  const [version, setVersion] = useState(0);
  const finished = useCallback(() => setVersion((v) => v + 1), []);
  return (
    <IntelFrame caseId={caseId} title="Import and export">
      {(c) => (
        <>
          {c.can.contribute ? (
            <>
              <PostUpload caseId={caseId} onFinished={finished} />
              <MispImport caseId={caseId} onFinished={finished} />
            </>
          ) : (
            <Notice>Your agency reads this case; importing needs contribute access.</Notice>
          )}
          <PreviousImports caseId={caseId} version={version} />
          <Exports c={c} />
        </>
      )}
    </IntelFrame>
  );
}
