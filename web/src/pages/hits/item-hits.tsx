import { useMemo } from 'react';
import { Link } from '../../router.js';
import { useApi } from '../../ui/use-api.js';
import type { Hit, ItemKind } from './hits-types.js';
import { STATUS_LABELS } from './hits-types.js';
import { NetworkIcon } from './hits-ui.js';
import './hits.css';

/**
 * The hit badge of one item (a media item's page, a selector's row): how many agencies of the network hold it too,
 * with a link to each hit. Nothing is shown when there is none.
 */
export function ItemHits({ caseId, kind, itemId, compact = false }: { caseId: string; kind: ItemKind; itemId: string; compact?: boolean }) {
  const { data } = useApi<Hit[]>(`/cases/${caseId}/hits?kind=${kind}&itemId=${itemId}`);
  if (!data || data.length === 0) return null;
  const label = `${data.length} network hit${data.length === 1 ? '' : 's'}`;
  if (compact) {
    return (
      <Link to={data.length === 1 ? `/hits/${data[0]!.id}` : '/hits'} className="hit-badge" title={label}>
        <NetworkIcon /> {data.length}
      </Link>
    );
  }
  return (
    <div className="item-hits" role="note" aria-label={label}>
      <p className="item-hits-title">
        <NetworkIcon /> {label}
      </p>
      <ul className="item-hits-list">
        {data.map((h) => (
          <li key={h.id}>
            <Link to={`/hits/${h.id}`}>
              {h.other.agency ? h.other.agency.name : 'An agency that has not revealed itself yet'}
            </Link>{' '}
            <span className="muted small">
              · {h.basis === 'exact' ? 'exact' : `near-duplicate, distance ${h.distance ?? '?'}`} · {STATUS_LABELS[h.status].toLowerCase()}
              {h.decision.needed ? ' · waiting for your decision' : ''}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Every hit of a case's items in one request, by item (`kind:itemId`), for lists that badge each row. */
export function useCaseHits(caseId: string): Map<string, Hit[]> {
  const { data } = useApi<Hit[]>(`/cases/${caseId}/hits`);
  return useMemo(() => {
    const map = new Map<string, Hit[]>();
    for (const h of data ?? []) {
      const key = `${h.mine.kind}:${h.mine.itemId}`;
      map.set(key, [...(map.get(key) ?? []), h]);
    }
    return map;
  }, [data]);
}

/** The compact badge of a list row, from `useCaseHits`. */
export function HitBadge({ hits }: { hits: Hit[] | undefined }) {
  if (!hits || hits.length === 0) return null;
  const label = `${hits.length} network hit${hits.length === 1 ? '' : 's'}`;
  return (
    <Link to={hits.length === 1 ? `/hits/${hits[0]!.id}` : `/hits?case=${hits[0]!.mine.caseId}`} className="hit-badge" title={label} aria-label={label}>
      <NetworkIcon /> {hits.length}
    </Link>
  );
}
