import { useState } from 'react';
import { Dialog } from '../../ui/dialog.js';
import { formatDateTime } from '../../ui/format.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Loading } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { percent, REASON_LABELS, type Comparison, type VersionSummary } from './location-types.js';

const CHANGE_LABELS: Record<Comparison['evidence'][number]['change'], string> = {
  added: 'added',
  removed: 'removed',
  'switched-on': 'switched on',
  'switched-off': 'switched off',
  changed: 'changed',
};

function ComparisonView({ path, from, to }: { path: string; from: number; to: number }) {
  const { data, error } = useApi<Comparison>(`${path}/compare?from=${from}&to=${to}`);
  if (error) return <ErrorNotice error={error} />;
  if (!data) return <Loading />;
  return (
    <div className="comparison" data-testid="comparison">
      <h3 className="subheading">
        Version {from} → version {to}
      </h3>
      <div className="comparison-grid">
        <table className="table">
          <thead>
            <tr>
              <th>Country</th>
              <th className="num">v{from}</th>
              <th className="num">v{to}</th>
              <th className="num">Change</th>
            </tr>
          </thead>
          <tbody>
            {data.countries.slice(0, 6).map((c) => (
              <tr key={c.code}>
                <td>{c.name}</td>
                <td className="num">{percent(c.from)}</td>
                <td className="num">{percent(c.to)}</td>
                <td className={`num ${c.change > 0 ? 'up' : c.change < 0 ? 'down' : ''}`}>
                  {c.change > 0 ? '+' : c.change < 0 ? '−' : ''}
                  {Math.abs(c.change * 100).toFixed(1)} pts
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div>
          <p className="small">
            <strong>Credible set:</strong> {data.credibleSet.added.length ? `added ${data.credibleSet.added.join(', ')}; ` : ''}
            {data.credibleSet.removed.length ? `removed ${data.credibleSet.removed.join(', ')}; ` : ''}
            {data.credibleSet.kept.length} kept.
          </p>
          {data.evidence.length === 0 ? (
            <p className="muted small">The evidence is the same in both.</p>
          ) : (
            <ul className="comparison-evidence">
              {data.evidence.map((e) => (
                <li key={e.id}>
                  <span className={`badge badge-change-${e.change}`}>{CHANGE_LABELS[e.change]}</span> {e.label}
                  {e.change === 'changed' && e.to ? <span className="muted small"> — now: {e.to}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}

/** Every version of the assessment; choose two to see how the countries moved and which evidence differs. */
export function VersionsDialog({ path, onClose }: { path: string; onClose: () => void }) {
  const { data, error } = useApi<VersionSummary[]>(`${path}/versions`);
  const [pair, setPair] = useState<{ from: number; to: number } | null>(null);
  const latest = data?.[0]?.version;
  const chosen = pair ?? (latest && latest > 1 ? { from: latest - 1, to: latest } : null);
  return (
    <Dialog title="Versions" wide onClose={onClose}>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          <div className="table-wrap versions-table">
            <table className="table">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Why</th>
                  <th>When, by whom</th>
                  <th>Most likely</th>
                  <th className="num">Credible set</th>
                  <th className="num">Items on</th>
                  <th>Compare</th>
                </tr>
              </thead>
              <tbody>
                {data.map((v) => (
                  <tr key={v.version}>
                    <td>{v.version}</td>
                    <td>{REASON_LABELS[v.reason]}</td>
                    <td className="small">
                      {formatDateTime(v.createdAt)} · {v.createdBy}
                    </td>
                    <td>
                      {v.top.name} {percent(v.top.probability)}
                    </td>
                    <td className="num">{v.credibleSet.length}</td>
                    <td className="num">
                      {v.enabledItems}/{v.items}
                    </td>
                    <td>
                      {v.version > 1 ? (
                        <button type="button" className="link-button small" onClick={() => setPair({ from: v.version - 1, to: v.version })} aria-pressed={chosen?.to === v.version && chosen.from === v.version - 1}>
                          with v{v.version - 1}
                        </button>
                      ) : null}{' '}
                      {v.version !== latest ? (
                        <button type="button" className="link-button small" onClick={() => setPair({ from: v.version, to: latest! })}>
                          with latest
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {chosen ? <ComparisonView key={`${chosen.from}-${chosen.to}`} path={path} from={chosen.from} to={chosen.to} /> : <p className="muted">Only one version so far.</p>}
        </>
      )}
    </Dialog>
  );
}
