import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { SafeMedia } from '../../media/safe-media.js';
import { Link, navigate } from '../../router.js';
import { CopyButton } from '../../ui/copy-button.js';
import { formatDateTime } from '../../ui/format.js';
import { DownloadIcon } from '../../ui/icons.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { GpsMap } from './gps-map.js';
import { ItemHits } from '../hits/item-hits.js';
import { MediaFrame } from './media-frame.js';
import { CATEGORY_KEYS, CATEGORY_LABELS, CATEGORY_SHORT, formatBytes, formatDuration, mediaUrl, PROBLEM_LABELS, type MediaCategory, type MediaDetail } from './media-types.js';

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children ?? <span className="muted">—</span>}</dd>
    </div>
  );
}

function Digest({ value }: { value: string }) {
  return (
    <span className="media-digest">
      <code>{value}</code> <CopyButton text={value} />
    </span>
  );
}

function Categoriser({ c, item, onChange }: { c: Case; item: MediaDetail; onChange: (category: MediaCategory) => Promise<void> }) {
  useEffect(() => {
    if (!c.can.contribute) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.altKey || event.ctrlKey || event.metaKey || (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) return;
      const key = CATEGORY_KEYS.find((k) => k.key === event.key);
      if (key) {
        event.preventDefault();
        void onChange(key.category);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [c.can.contribute, onChange]);
  return (
    <div className="media-categoriser" role="group" aria-label="Category">
      {CATEGORY_KEYS.map((k) => (
        <button
          key={k.key}
          type="button"
          className={`btn btn-small media-cat-button${item.category === k.category ? ' is-current' : ''}`}
          aria-pressed={item.category === k.category}
          disabled={!c.can.contribute}
          onClick={() => void onChange(k.category)}
          title={CATEGORY_LABELS[k.category]}
        >
          <kbd>{k.key}</kbd> {CATEGORY_SHORT[k.category]}
        </button>
      ))}
      <p className="muted small">
        {item.categorySource === 'none'
          ? 'Not categorised yet.'
          : item.categorySource === 'examiner'
            ? `Categorised by an examiner${item.categorisedAt ? ` on ${formatDateTime(item.categorisedAt)}` : ''}.`
            : `Precategorised from the hash set ${item.categorySource.slice('hashset:'.length)} (${item.categoryScheme} ${item.categoryCode}).`}
      </p>
    </div>
  );
}

function Detail({ c, mediaId }: { c: Case; mediaId: string }) {
  const { data: item, error, setData } = useApi<MediaDetail>(`/cases/${c.id}/media/${mediaId}`);
  const [saveError, setSaveError] = useState<unknown>(null);
  if (error) return <ErrorNotice error={error} title="The item could not be opened" />;
  if (!item) return <Loading />;

  const categorise = async (category: MediaCategory) => {
    setSaveError(null);
    try {
      await api.post(`/cases/${c.id}/media/categorise`, { mediaIds: [item.id], category });
      setData({ ...item, category, categorySource: category === 'uncategorised' ? 'none' : 'examiner', categoryScheme: 'tessera', categoryCode: category, categorisedAt: new Date().toISOString() });
    } catch (err) {
      setSaveError(err);
    }
  };
  const meta = item.metadata as Record<string, unknown>;
  const label = item.firstPath?.split(/[/!]/).filter(Boolean).pop() ?? 'This item';

  return (
    <div className="media-detail">
      <div className="media-detail-main">
        {item.kind === 'image' || item.kind === 'video' ? (
          <SafeMedia kind={item.kind} src={mediaUrl(c.id, item.id, 'content')} label={label} />
        ) : (
          <div className="media-placeholder media-placeholder-large">
            <span className="media-placeholder-type">{item.type.toUpperCase()}</span>
            <span className="muted">No preview for this kind of file.</span>
          </div>
        )}
        <a className="btn btn-secondary btn-small" href={mediaUrl(c.id, item.id, 'content')} download>
          <DownloadIcon /> Download original
        </a>
        <ErrorNotice error={saveError} />
        <Categoriser c={c} item={item} onChange={categorise} />
      </div>
      <div className="media-detail-side">
        <ItemHits caseId={c.id} kind="media" itemId={item.id} />
        <Section title="What it is" id="media-facts">
          <dl className="details-grid">
            <Row label="Type">
              {item.type} ({item.mime})
            </Row>
            <Row label="Size">{formatBytes(item.size)}</Row>
            <Row label="Dimensions">{item.width && item.height ? `${item.width} × ${item.height}` : null}</Row>
            {item.kind === 'video' ? <Row label="Duration">{formatDuration(item.duration)}</Row> : null}
            <Row label="Status">{item.known ? <span className="badge badge-known">known</span> : <span className="badge badge-muted">new</span>}</Row>
            {item.problem ? (
              <Row label="Problem">
                <span title={item.problemDetail ?? undefined}>{PROBLEM_LABELS[item.problem] ?? item.problem}</span>
              </Row>
            ) : null}
            <div className="span-2">
              <dt>SHA-256</dt>
              <dd>
                <Digest value={item.sha256} />
              </dd>
            </div>
            <div className="span-2">
              <dt>SHA-1 / MD5</dt>
              <dd>
                <Digest value={item.sha1} /> <Digest value={item.md5} />
              </dd>
            </div>
            {item.pdq ? (
              <div className="span-2">
                <dt>PDQ (quality {item.pdqQuality})</dt>
                <dd>
                  <Digest value={item.pdq} />
                </dd>
              </div>
            ) : null}
            {item.kind === 'video' ? <Row label="vPDQ frames">{item.videoFrames}</Row> : null}
          </dl>
        </Section>
        <Section title="Camera and capture" id="media-camera">
          <dl className="details-grid">
            <Row label="Make">{item.cameraMake}</Row>
            <Row label="Model">{item.cameraModel}</Row>
            <Row label="Body serial">{item.cameraSerial}</Row>
            <Row label="Lens">{typeof meta.lens === 'string' ? meta.lens : null}</Row>
            <Row label="Captured (camera clock)">{item.captureTime ? `${item.captureTime.replace('T', ' ')}${item.captureOffset ? ` ${item.captureOffset}` : ' (no offset recorded)'}` : null}</Row>
            <Row label="Software">{typeof meta.software === 'string' ? meta.software : null}</Row>
            <Row label="GPS">{item.gps ? `${item.gps.lat.toFixed(6)}, ${item.gps.lon.toFixed(6)}` : null}</Row>
          </dl>
          {item.gps ? <GpsMap lat={item.gps.lat} lon={item.gps.lon} /> : null}
        </Section>
      </div>
      <div className="media-detail-wide">
        <Section title={`Where it was found (${item.occurrenceList.length})`} id="media-occurrences">
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Source</th>
                  <th>Path</th>
                  <th>Modified</th>
                  <th>Recorded</th>
                </tr>
              </thead>
              <tbody>
                {item.occurrenceList.map((o) => (
                  <tr key={`${o.source}|${o.path}`}>
                    <td>{o.source}</td>
                    <td className="media-path" title={o.pathRaw ? `raw bytes: ${o.pathRaw}` : undefined}>
                      {o.path}
                    </td>
                    <td>{o.modifiedAt ? (o.modifiedAt.endsWith('Z') ? formatDateTime(o.modifiedAt) : `${o.modifiedAt.replace('T', ' ')} (local)`) : '—'}</td>
                    <td>{formatDateTime(o.recordedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section title={`Known hash sets (${item.matches.length})`} id="media-matches">
          {item.matches.length === 0 ? (
            <Empty>No known hash set holds this item.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Set</th>
                    <th>Match</th>
                    <th>Distance</th>
                    <th>Category</th>
                    <th>Series</th>
                    <th>Victim identified</th>
                  </tr>
                </thead>
                <tbody>
                  {item.matches.map((m) => (
                    <tr key={`${m.setId}|${m.digest}|${m.distance}`}>
                      <td>{m.setName}</td>
                      <td>
                        {m.match} ({m.digest})
                      </td>
                      <td>{m.distance}</td>
                      <td>
                        {CATEGORY_SHORT[m.category]} <span className="muted small">({m.categoryScheme} {m.categoryCode})</span>
                      </td>
                      <td>{m.series ?? '—'}</td>
                      <td>{m.victimIdentified === null ? '—' : m.victimIdentified ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Section>
        <Section
          title={`Near-duplicates (${item.nearDuplicates.length})`}
          id="media-near"
          actions={
            item.nearGroup ? (
              <Link to={`/cases/${c.id}/media?nearGroup=${item.nearGroup}`} className="btn btn-secondary btn-small">
                Show the group in the library
              </Link>
            ) : null
          }
        >
          {item.nearDuplicates.length === 0 ? (
            <Empty>No picture in your cases is within PDQ distance 31 of this one.</Empty>
          ) : (
            <div className="media-compare">
              <div className="media-compare-this">
                <p className="media-compare-label">This item</p>
                {item.hasThumbnail ? <SafeMedia kind="image" src={mediaUrl(c.id, item.id, 'thumbnail')} label={`This item, ${label}`} /> : null}
              </div>
              <ul className="media-compare-list">
                {item.nearDuplicates.map((n, i) => (
                  <li key={`${n.caseId}|${n.id}`}>
                    <p className="media-compare-label">
                      Distance <strong>{n.distance}</strong> of 256 bits{n.caseId !== c.id ? ' · another case' : ''}
                    </p>
                    {n.hasThumbnail ? <SafeMedia kind="image" src={mediaUrl(n.caseId, n.id, 'thumbnail')} label={`Near-duplicate ${i + 1}`} /> : null}
                    <p className="small">
                      <Link to={`/cases/${n.caseId}/media/${n.id}`}>Open</Link> · {CATEGORY_SHORT[n.category]} · {n.width && n.height ? `${n.width} × ${n.height}` : ''} · {formatBytes(n.size)}
                    </p>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Section>
      </div>
    </div>
  );
}

export function MediaPage({ caseId, mediaId }: { caseId: string; mediaId: string }) {
  return (
    <MediaFrame
      caseId={caseId}
      title="Media item"
      actions={(c) => (
        <button type="button" className="btn btn-secondary" onClick={() => (window.history.length > 1 ? window.history.back() : navigate(`/cases/${c.id}/media`))}>
          Back to the library
        </button>
      )}
    >
      {(c) => <Detail key={mediaId} c={c} mediaId={mediaId} />}
    </MediaFrame>
  );
}
