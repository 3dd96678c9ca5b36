import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { SafeMedia } from '../../media/safe-media.js';
import { Link, navigate } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { TextField } from '../../ui/field.js';
import { formatDate, formatDateTime } from '../../ui/format.js';
import { ErrorNotice, Notice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { mediaUrl } from '../media/media-types.js';
import { VictimsFrame } from './victims-frame.js';
import { BASIS_LABELS, elsewhereText, type Proposal, type SeriesDetail, type SeriesSummary, type VicsImportResult } from './victims-types.js';

export function SeriesStatus({ s }: { s: Pick<SeriesSummary, 'status' | 'identification' | 'elsewhere' | 'state'> }) {
  const elsewhere = s.elsewhere.filter((e) => e.status === 'identified');
  return (
    <span className="badge-list">
      {s.state !== 'active' ? <span className="badge badge-muted">{s.state}</span> : null}
      <span className={`badge vid-status-${s.status}`}>
        {s.status === 'identified' ? `identified${s.identification?.on ? ` ${formatDate(s.identification.on)}` : ''}${s.identification?.source === 'import' ? ' (per VICS)' : ''}` : 'unidentified'}
      </span>
      {elsewhere.length ? <span className="badge vid-status-elsewhere" title={elsewhere.map((e) => elsewhereText(e, formatDate)).join('\n')}>identified elsewhere</span> : null}
    </span>
  );
}

function NewSeriesDialog({ caseId, onClose }: { caseId: string; onClose: () => void }) {
  const formId = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const created = await api.post<SeriesDetail>(`/cases/${caseId}/series`, { name: name.trim() });
      navigate(`/cases/${caseId}/series/${created.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="New series"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form={formId} busy={busy}>
            Create
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit}>
        <ErrorNotice error={error} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} hint="What the series shows, in words that describe no one: “blue room”, “garden with swing”." />
      </form>
    </Dialog>
  );
}

function ProposalCard({ c, p, onDone }: { c: Case; p: Proposal; onDone: () => void }) {
  const [name, setName] = useState(p.evidence.setSeries ?? p.evidence.tag ?? '');
  const [busy, setBusy] = useState<'accept' | 'dismiss' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = async (what: 'accept' | 'dismiss') => {
    setBusy(what);
    setError(null);
    try {
      await api.post(`/cases/${c.id}/series-proposals/${p.id}/${what}`, what === 'accept' && p.kind === 'new' && name.trim() ? { name: name.trim() } : {});
      onDone();
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };
  const what =
    p.kind === 'new'
      ? `A new series of ${p.mediaIds.length} items`
      : p.kind === 'extend'
        ? `Add ${p.mediaIds.length} item${p.mediaIds.length === 1 ? '' : 's'} to ${p.series[0]?.code} ${p.series[0]?.name}`
        : `Merge ${p.series.map((s) => s.code).join(' and ')}${p.mediaIds.length ? ` with ${p.mediaIds.length} more items` : ''}`;
  const ev = p.evidence;
  return (
    <li className="vid-proposal" aria-label={what}>
      <div className="vid-proposal-head">
        <strong>{what}</strong>
        <span className="badge-list">
          {p.bases.map((b) => (
            <span key={b} className="badge badge-muted">
              {BASIS_LABELS[b]}
            </span>
          ))}
          {ev.victimIdentified ? <span className="badge vid-status-identified">victim identified (hash set)</span> : null}
        </span>
      </div>
      <p className="muted small">
        {[
          ev.maxDistance !== undefined ? `PDQ distance up to ${ev.maxDistance}` : '',
          ev.orientedLinks ? `${ev.orientedLinks} rotated or mirrored` : '',
          ev.croppedLinks ? `${ev.croppedLinks} cropped` : '',
          ev.cameraSerial ? `camera serial ${ev.cameraSerial}` : '',
          ev.tag ? `tag “${ev.tag}”` : '',
          ev.setSeries ? `series “${ev.setSeries}” in a known hash set` : '',
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {p.mediaIds.length ? (
        <ul className="vid-thumbs" aria-label="Items of the proposal">
          {p.mediaIds.slice(0, 6).map((m, i) => (
            <li key={m}>
              <SafeMedia kind="image" src={mediaUrl(c.id, m, 'thumbnail')} label={`Proposed item ${i + 1} of ${p.mediaIds.length}`} />
            </li>
          ))}
          {p.mediaIds.length > 6 ? <li className="vid-thumbs-more">+{p.mediaIds.length - 6}</li> : null}
        </ul>
      ) : null}
      <ErrorNotice error={error} />
      {c.can.contribute ? (
        <div className="vid-proposal-actions">
          {p.kind === 'new' ? <TextField label="Name" hideLabel placeholder="Name of the series" value={name} onChange={(e) => setName(e.target.value)} maxLength={120} /> : null}
          <Button variant="primary" size="small" busy={busy === 'accept'} disabled={busy !== null} onClick={() => void act('accept')}>
            Accept
          </Button>
          <Button size="small" busy={busy === 'dismiss'} disabled={busy !== null} onClick={() => void act('dismiss')}>
            Dismiss
          </Button>
        </div>
      ) : null}
    </li>
  );
}

function VicsImport({ c, onDone }: { c: Case; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<VicsImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await api.post<VicsImportResult>(`/cases/${c.id}/series/import-vics`, { fileName: file.name, content: await file.text() }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <>
      <input ref={input} type="file" accept=".json,application/json" hidden data-testid="vics-file" onChange={(e) => void onFile(e.target.files?.[0])} />
      <Button size="small" busy={busy} onClick={() => input.current?.click()}>
        Apply a VICS file
      </Button>
      <ErrorNotice error={error} />
      {result ? (
        <Notice tone="success" title="VICS file applied">
          {result.matched} of {result.entries} entries are media of this case: {result.categorised} categorised ({result.categoryConflicts} kept as an examiner graded them), {result.seriesCreated} series created, {result.seriesExtended}{' '}
          extended, {result.seriesIdentified} marked victim-identified.
        </Notice>
      ) : null}
    </>
  );
}

function SeriesList({ c }: { c: Case }) {
  const series = useApi<{ items: SeriesSummary[] }>(`/cases/${c.id}/series`);
  const proposals = useApi<{ items: Proposal[]; total: number; refreshing: boolean }>(`/cases/${c.id}/series-proposals`);
  const { reload: reloadProposals } = proposals;
  const running = proposals.data?.refreshing ?? false;
  // A large case is computed in the background: look again every few seconds until it is done.
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(reloadProposals, 3000);
    return () => clearTimeout(timer);
  }, [running, proposals.data, reloadProposals]);
  const [creating, setCreating] = useState(false);
  const [refreshing, setRefreshing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reload = () => {
    series.reload();
    proposals.reload();
  };
  const refresh = async () => {
    setRefreshing(true);
    setError(null);
    try {
      await api.post(`/cases/${c.id}/series-proposals/refresh`);
      proposals.reload();
    } catch (err) {
      setError(err);
    } finally {
      setRefreshing(false);
    }
  };
  return (
    <div className="vid-columns vid-columns-even">
      <Section
        title="Series"
        id="series-list"
        actions={
          c.can.contribute ? (
            <>
              <VicsImport c={c} onDone={reload} />
              <Button size="small" variant="primary" onClick={() => setCreating(true)}>
                New series
              </Button>
            </>
          ) : null
        }
      >
        <ErrorNotice error={series.error} />
        {series.loading && !series.data ? <Loading /> : null}
        {series.data && series.data.items.length === 0 ? <Empty>No series yet: accept a proposal, or group items in triage.</Empty> : null}
        {series.data && series.data.items.length ? (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Series</th>
                  <th>Items</th>
                  <th>Victims</th>
                  <th>Clues</th>
                  <th>Status</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {series.data.items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/cases/${c.id}/series/${s.id}`}>
                        <span className="case-ref">{s.code}</span> {s.name}
                      </Link>
                    </td>
                    <td>{s.mediaCount}</td>
                    <td>{s.victimCount}</td>
                    <td>{s.clueCount}</td>
                    <td>
                      <SeriesStatus s={s} />
                    </td>
                    <td className="muted small">{formatDateTime(s.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Section>
      <Section
        title={`Proposals${proposals.data ? ` (${proposals.data.total})` : ''}`}
        id="series-proposals"
        actions={
          c.can.contribute ? (
            <Button size="small" busy={refreshing || running} onClick={() => void refresh()}>
              Look for series again
            </Button>
          ) : null
        }
      >
        <ErrorNotice error={error ?? proposals.error} />
        {running ? <Notice tone="info">Looking for series in the background (a large case takes a few minutes); this list updates by itself.</Notice> : null}
        <p className="muted small">From near-duplicates (rotated, mirrored and cropped copies too), the same camera, the same analyst tag and series named in known hash sets. Every item is blurred until you reveal it.</p>
        {proposals.data && proposals.data.items.length === 0 ? <Empty>Nothing to propose. Look again after an ingest or after tagging items.</Empty> : null}
        {proposals.data && proposals.data.items.length ? (
          <ul className="vid-proposals">
            {proposals.data.items.map((p) => (
              <ProposalCard key={p.id} c={c} p={p} onDone={reload} />
            ))}
          </ul>
        ) : null}
      </Section>
      {creating ? <NewSeriesDialog caseId={c.id} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

export function SeriesListPage({ caseId }: { caseId: string }) {
  return (
    <VictimsFrame caseId={caseId} title="Series" subtitle="Media that show the same victim or scene. Every change is kept in the history and can be undone.">
      {(c) => <SeriesList c={c} />}
    </VictimsFrame>
  );
}
