import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { Link } from '../../router.js';
import { useMe } from '../../session/session.js';
import { Button } from '../../ui/button.js';
import { TextField } from '../../ui/field.js';
import { formatDateTime } from '../../ui/format.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { MediaFrame } from './media-frame.js';
import { formatBytes, PROBLEM_LABELS, type Ingest, type IngestIssue, type IngestSummary } from './media-types.js';
import { csrfFromCookie, uploadFiles } from './upload.js';

function Bar({ value, label }: { value: number; label: string }) {
  const v = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={v}>
      <div className="progress-bar" style={{ width: `${v}%` }} />
    </div>
  );
}

function SummaryTable({ s }: { s: IngestSummary }) {
  const reasons = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
  return (
    <>
      <dl className="details-grid media-summary">
        <div>
          <dt>Files seen</dt>
          <dd>{s.filesSeen.toLocaleString('en-GB')}</dd>
        </div>
        <div>
          <dt>New media</dt>
          <dd>{s.newMedia.toLocaleString('en-GB')}</dd>
        </div>
        <div>
          <dt>Duplicates</dt>
          <dd>
            {s.duplicates.toLocaleString('en-GB')}
            {s.alreadyInNode ? <span className="muted small"> ({s.alreadyInNode} already in this node)</span> : null}
          </dd>
        </div>
        <div>
          <dt>Known</dt>
          <dd>{s.known.toLocaleString('en-GB')}</dd>
        </div>
        <div>
          <dt>Near-duplicates</dt>
          <dd>{s.nearDuplicates.toLocaleString('en-GB')}</dd>
        </div>
        <div>
          <dt>Refused</dt>
          <dd>{s.refused.toLocaleString('en-GB')}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(s.bytes)}</dd>
        </div>
        <div>
          <dt>Archives walked</dt>
          <dd>{s.archives}</dd>
        </div>
      </dl>
      {reasons.length ? (
        <p className="small">
          Problems:{' '}
          {reasons.map(([code, n]) => (
            <span key={code} className="badge badge-warning media-reason">
              {PROBLEM_LABELS[code] ?? code}: {n}
            </span>
          ))}
        </p>
      ) : null}
    </>
  );
}

function Issues({ c, ingest }: { c: Case; ingest: Ingest }) {
  const { data } = useApi<IngestIssue[]>(`/cases/${c.id}/ingests/${ingest.id}/issues?limit=200`);
  if (!data || data.length === 0) return null;
  return (
    <details className="media-issues">
      <summary>
        {data.length === 200 ? 'The first 200' : data.length} file{data.length === 1 ? '' : 's'} with a problem
      </summary>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Path</th>
              <th>What happened</th>
              <th>Stored</th>
            </tr>
          </thead>
          <tbody>
            {data.map((i) => (
              <tr key={`${i.path}|${i.problem}`}>
                <td className="media-path">{i.path}</td>
                <td title={i.detail ?? undefined}>{PROBLEM_LABELS[i.problem] ?? i.problem}</td>
                <td>{i.mediaId ? <Link to={`/cases/${c.id}/media/${i.mediaId}`}>yes</Link> : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Follows one ingest's background job until it is done. */
function Running({ c, initial, onDone }: { c: Case; initial: Ingest; onDone: (i: Ingest) => void }) {
  const [ingest, setIngest] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (ingest.status === 'done' || ingest.status === 'failed') return;
    const timer = setTimeout(() => {
      api
        .get<Ingest>(`/cases/${c.id}/ingests/${ingest.id}`)
        .then((next) => {
          setIngest(next);
          if (next.status === 'done' || next.status === 'failed') onDone(next);
        })
        .catch(setError);
    }, 1000);
    return () => clearTimeout(timer);
  }, [c.id, ingest, onDone]);
  const p = ingest.progress;
  const est = p?.estimatedBytes ? (100 * p.bytesDone) / p.estimatedBytes : undefined;
  return (
    <div className="media-running" data-status={ingest.status}>
      <ErrorNotice error={error} />
      <p>
        <strong>{ingest.source}</strong> — {ingest.status === 'queued' ? 'waiting for a worker…' : ingest.status === 'running' ? 'taking it in…' : ingest.status}
      </p>
      {ingest.status !== 'done' ? <Bar value={est ?? (ingest.status === 'queued' ? 0 : 50)} label="Ingest progress" /> : null}
      {p ? (
        <p className="muted small" data-testid="ingest-progress">
          {p.filesDone.toLocaleString('en-GB')} files · {p.filesPerSecond.toFixed(1)} files/s · {(p.bytesPerSecond / 1e6).toFixed(1)} MB/s · {p.errors} with a problem
        </p>
      ) : null}
      {ingest.status === 'failed' ? <Notice tone="error" title="The ingest stopped">{ingest.error}</Notice> : null}
      {ingest.summary ? <SummaryTable s={ingest.summary} /> : null}
      {ingest.status === 'done' ? (
        <p>
          <Link to={`/cases/${c.id}/media?ingestId=${ingest.id}`} className="btn btn-primary btn-small">
            Open these media in the library
          </Link>
        </p>
      ) : null}
      {ingest.status === 'done' ? <Issues c={c} ingest={ingest} /> : null}
    </div>
  );
}

function Upload({ c, onStarted }: { c: Case; onStarted: (i: Ingest) => void }) {
  const me = useMe();
  const [files, setFiles] = useState<File[]>([]);
  const [source, setSource] = useState('');
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const total = files.reduce((s, f) => s + f.size, 0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (files.length === 0) return;
    setError(null);
    setSent(0);
    try {
      const csrf = me.csrfToken ?? csrfFromCookie();
      const path = `/cases/${c.id}/ingests${source.trim() ? `?source=${encodeURIComponent(source.trim())}` : ''}`;
      const ingest = await uploadFiles<Ingest>(path, files, {}, csrf, (s, t) => setSent((100 * s) / t));
      setFiles([]);
      setSource('');
      if (input.current) input.current.value = '';
      onStarted(ingest);
    } catch (err) {
      setError(err);
    } finally {
      setSent(null);
    }
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    setFiles([...files, ...Array.from(event.dataTransfer.files)]);
  };

  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <ErrorNotice error={error} />
      <div className={`media-drop${dragging ? ' is-dragging' : ''}`} onDragOver={(e) => (e.preventDefault(), setDragging(true))} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
        <p>Drop files or archives (zip, tar, tar.gz) here, or</p>
        <label className="btn btn-secondary">
          Choose files
          <input ref={input} type="file" multiple className="visually-hidden" data-testid="ingest-files" onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
        </label>
        {files.length ? (
          <p className="small">
            {files.length} file{files.length === 1 ? '' : 's'}, {formatBytes(total)}: {files.slice(0, 5).map((f) => f.name).join(', ')}
            {files.length > 5 ? '…' : ''}
          </p>
        ) : (
          <p className="muted small">Archives are walked inside, nested too; nothing is extracted outside the node's data folder.</p>
        )}
      </div>
      <TextField label="Source" hint="Where the files come from, e.g. “phone of suspect, exhibit 12”" value={source} maxLength={200} onChange={(e) => setSource(e.target.value)} />
      {sent !== null ? <Bar value={sent} label="Upload progress" /> : null}
      <div>
        <Button type="submit" variant="primary" disabled={files.length === 0} busy={sent !== null}>
          {sent !== null ? `Uploading… ${Math.round(sent)} %` : 'Upload and ingest'}
        </Button>
      </div>
    </form>
  );
}

function IngestBody({ c }: { c: Case }) {
  const list = useApi<Ingest[]>(`/cases/${c.id}/ingests`);
  const [current, setCurrent] = useState<Ingest | null>(null);
  return (
    <>
      {c.can.contribute ? (
        <Section title="Upload files or archives" id="ingest-upload">
          <Upload c={c} onStarted={(i) => setCurrent(i)} />
        </Section>
      ) : (
        <Notice>Your agency has read access to this case: it can see the media but not add any.</Notice>
      )}
      {current ? (
        <Section title="This upload" id="ingest-current">
          <Running key={current.id} c={c} initial={current} onDone={() => list.reload()} />
        </Section>
      ) : null}
      <Section title="Ingests of this case" id="ingest-list">
        {list.data && list.data.length === 0 ? <Empty>Nothing has been ingested into this case yet.</Empty> : null}
        {list.data && list.data.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Started</th>
                  <th>Source</th>
                  <th>From</th>
                  <th>Status</th>
                  <th>Files</th>
                  <th>New</th>
                  <th>Known</th>
                  <th>Problems</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((i) => (
                  <tr key={i.id}>
                    <td>{formatDateTime(i.createdAt)}</td>
                    <td>
                      <Link to={`/cases/${c.id}/media?ingestId=${i.id}`}>{i.source}</Link>
                    </td>
                    <td>{i.origin === 'cli' ? 'command line' : 'web upload'}</td>
                    <td>
                      <span className={`badge ${i.status === 'done' ? 'badge-ok' : i.status === 'failed' ? 'badge-warning' : 'badge-muted'}`}>{i.status}</span>
                      {i.runs > 1 ? <span className="muted small"> ({i.runs} runs)</span> : null}
                    </td>
                    <td>{i.summary?.filesSeen ?? i.progress?.filesDone ?? '—'}</td>
                    <td>{i.summary?.newMedia ?? '—'}</td>
                    <td>{i.summary?.known ?? '—'}</td>
                    <td>{i.summary ? Object.values(i.summary.errors).reduce((a, b) => a + b, 0) : '—'}</td>
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

export function IngestPage({ caseId }: { caseId: string }) {
  return (
    <MediaFrame caseId={caseId} title="Ingest" subtitle="Take in a seized device's files; a background job walks archives, stores each file once (encrypted) and matches it against the known hash sets.">
      {(c) => <IngestBody c={c} />}
    </MediaFrame>
  );
}
