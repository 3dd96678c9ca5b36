import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api, withQuery } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { SafeMedia } from '../../media/safe-media.js';
import { Link, navigate, useLocation } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Checkbox, SelectField, TextField } from '../../ui/field.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading } from '../../ui/page.js';
import { Pager } from '../../ui/pager.js';
import { useApi } from '../../ui/use-api.js';
import { MediaFrame } from './media-frame.js';
import { CATEGORY_KEYS, CATEGORY_LABELS, CATEGORY_SHORT, formatBytes, formatDuration, mediaUrl, PROBLEM_LABELS, type MediaCategory, type MediaFacets, type MediaSummary } from './media-types.js';

const PAGE_SIZE = 48;
const FILTER_KEYS = ['status', 'category', 'kind', 'type', 'source', 'make', 'model', 'serial', 'hasGps', 'hasNearDuplicates', 'nearGroup', 'capturedFrom', 'capturedTo', 'ingestId', 'sort', 'order'] as const;

function readFilters(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = search.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** Columns of a wrapped grid, read from the layout: how many tiles share the first tile's row. */
function columnsOf(grid: HTMLElement): number {
  const tiles = [...grid.querySelectorAll<HTMLElement>('[data-tile]')];
  if (tiles.length === 0) return 1;
  const top = tiles[0]!.offsetTop;
  return Math.max(1, tiles.filter((t) => t.offsetTop === top).length);
}

function Tile({ item, index, total, caseId, active, onFocus }: { item: MediaSummary; index: number; total: number; caseId: string; active: boolean; onFocus: () => void }) {
  const label = `Item ${index + 1} of ${total}`;
  const badges = (
    <div className="media-tile-badges">
      <span className={`badge badge-cat badge-cat-${item.category}`} title={CATEGORY_LABELS[item.category]}>
        {CATEGORY_SHORT[item.category]}
      </span>
      {item.known ? (
        <span className="badge badge-known" title="Matches a known hash set">
          known
        </span>
      ) : null}
      {item.nearGroup ? (
        <span className="badge badge-near" title="Has near-duplicates">
          near-dup
        </span>
      ) : null}
      {item.kind === 'video' ? <span className="badge badge-muted">video {formatDuration(item.duration)}</span> : null}
      {item.problem ? (
        <span className="badge badge-warning" title={PROBLEM_LABELS[item.problem] ?? item.problem}>
          !
        </span>
      ) : null}
    </div>
  );
  return (
    <li className={`media-tile${active ? ' is-active' : ''}`} data-tile={item.id} tabIndex={active ? 0 : -1} onFocus={onFocus} aria-label={`${label}, ${CATEGORY_SHORT[item.category]}${item.known ? ', known' : ''}`}>
      {item.hasThumbnail ? (
        <SafeMedia kind="image" src={mediaUrl(caseId, item.id, 'thumbnail')} label={label} />
      ) : (
        <div className="media-placeholder">
          <span className="media-placeholder-type">{item.type.toUpperCase()}</span>
          <span className="muted small">{item.kind === 'other' ? 'no preview' : 'no thumbnail'}</span>
        </div>
      )}
      <div className="media-tile-meta">
        {badges}
        <div className="media-tile-line">
          <Link to={`/cases/${caseId}/media/${item.id}`} className="media-tile-open" tabIndex={-1}>
            {item.firstPath?.split(/[/!]/).filter(Boolean).pop() ?? item.id.slice(-8)}
          </Link>
          <span className="muted small">{formatBytes(item.size)}</span>
        </div>
      </div>
    </li>
  );
}

function FilterBar({ facets, filters, onChange }: { facets: MediaFacets | null; filters: Record<string, string>; onChange: (next: Record<string, string>) => void }) {
  const set = (key: string, value: string | undefined) => {
    const next = { ...filters };
    if (value) next[key] = value;
    else delete next[key];
    onChange(next);
  };
  const camera = [filters.make ?? '', filters.model ?? '', filters.serial ?? ''].join('\u0001');
  return (
    <form className="media-filters" aria-label="Filter the media" onSubmit={(e) => e.preventDefault()}>
      <SelectField label="Status" value={filters.status ?? ''} onChange={(e) => set('status', e.target.value)}>
        <option value="">New and known</option>
        <option value="new">New (no hash-set match)</option>
        <option value="known">Known (in a hash set)</option>
      </SelectField>
      <SelectField label="Category" value={filters.category ?? ''} onChange={(e) => set('category', e.target.value)}>
        <option value="">Any category</option>
        {Object.entries(CATEGORY_LABELS).map(([k, v]) => (
          <option key={k} value={k}>
            {v} {facets ? `(${facets.categories[k] ?? 0})` : ''}
          </option>
        ))}
      </SelectField>
      <SelectField label="Type" value={filters.kind ?? ''} onChange={(e) => set('kind', e.target.value)}>
        <option value="">Any type</option>
        <option value="image">Pictures {facets ? `(${facets.kinds.image ?? 0})` : ''}</option>
        <option value="video">Videos {facets ? `(${facets.kinds.video ?? 0})` : ''}</option>
        <option value="other">Other files {facets ? `(${facets.kinds.other ?? 0})` : ''}</option>
      </SelectField>
      <SelectField label="Source" value={filters.source ?? ''} onChange={(e) => set('source', e.target.value)}>
        <option value="">Any source</option>
        {facets?.sources.map((s) => (
          <option key={s.source} value={s.source}>
            {s.source} ({s.count})
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Camera"
        value={camera === '\u0001\u0001' ? '' : camera}
        onChange={(e) => {
          const [make, model, serial] = e.target.value ? e.target.value.split('\u0001') : [];
          const next = { ...filters };
          for (const [k, v] of [['make', make], ['model', model], ['serial', serial]] as const) {
            if (v) next[k] = v;
            else delete next[k];
          }
          onChange(next);
        }}
      >
        <option value="">Any camera</option>
        {facets?.cameras.map((c) => {
          const value = [c.make ?? '', c.model ?? '', c.serial ?? ''].join('\u0001');
          return (
            <option key={value} value={value}>
              {[c.make, c.model].filter(Boolean).join(' ') || 'Unknown make'}
              {c.serial ? ` · serial ${c.serial}` : ''} ({c.count})
            </option>
          );
        })}
      </SelectField>
      <TextField label="Captured from" type="date" value={filters.capturedFrom ?? ''} onChange={(e) => set('capturedFrom', e.target.value)} />
      <TextField label="Captured to" type="date" value={filters.capturedTo ?? ''} onChange={(e) => set('capturedTo', e.target.value)} />
      <SelectField label="Sort" value={`${filters.sort ?? 'added'}:${filters.order ?? ''}`} onChange={(e) => {
        const [sort, order] = e.target.value.split(':');
        const next: Record<string, string> = { ...filters, sort: sort! };
        if (order) next.order = order;
        else delete next.order;
        onChange(next);
      }}>
        <option value="added:">Newest first</option>
        <option value="added:asc">Oldest first</option>
        <option value="captured:">Capture time, latest first</option>
        <option value="captured:asc">Capture time, earliest first</option>
        <option value="size:">Largest first</option>
        <option value="path:">Path (A–Z)</option>
      </SelectField>
      <div className="media-filter-checks">
        <Checkbox label={`Has GPS${facets ? ` (${facets.withGps})` : ''}`} checked={filters.hasGps === 'true'} onChange={(e) => set('hasGps', e.target.checked ? 'true' : undefined)} />
        <Checkbox label={`Has near-duplicates${facets ? ` (${facets.nearGroups} groups)` : ''}`} checked={filters.hasNearDuplicates === 'true'} onChange={(e) => set('hasNearDuplicates', e.target.checked ? 'true' : undefined)} />
      </div>
      {filters.nearGroup || filters.ingestId ? (
        <div className="media-filter-chips">
          {filters.nearGroup ? (
            <button type="button" className="chip" onClick={() => set('nearGroup', undefined)} aria-label="Stop showing only one near-duplicate group">
              One near-duplicate group ×
            </button>
          ) : null}
          {filters.ingestId ? (
            <button type="button" className="chip" onClick={() => set('ingestId', undefined)} aria-label="Stop showing only one ingest">
              One ingest ×
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="filter-actions">
        <Button variant="ghost" size="small" onClick={() => onChange({})}>
          Clear filters
        </Button>
      </div>
    </form>
  );
}

function Library({ c }: { c: Case }) {
  const { search, path } = useLocation();
  const filters = useMemo(() => readFilters(search), [search]);
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1);
  const facets = useApi<MediaFacets>(`/cases/${c.id}/media/facets`);
  const listPath = withQuery(`/cases/${c.id}/media`, { ...filters, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
  const list = useApi<{ items: MediaSummary[]; total: number }>(listPath);
  const [active, setActive] = useState(0);
  const [announce, setAnnounce] = useState('');
  const [error, setError] = useState<unknown>(null);
  const gridRef = useRef<HTMLUListElement>(null);
  const items = list.data?.items ?? [];

  // A new page or filter starts at its first item; categorising in place keeps the place.
  useEffect(() => setActive(0), [listPath]);

  const go = (next: Record<string, string>, nextPage = 1) => navigate(withQuery(path, { ...next, ...(nextPage > 1 ? { page: nextPage } : {}) }), { replace: true });

  const focusTile = useCallback((i: number) => {
    setActive(i);
    gridRef.current?.querySelectorAll<HTMLElement>('[data-tile]')[i]?.focus();
  }, []);

  const categorise = async (item: MediaSummary, category: MediaCategory) => {
    setError(null);
    try {
      await api.post(`/cases/${c.id}/media/categorise`, { mediaIds: [item.id], category });
      list.setData({ ...list.data!, items: items.map((x) => (x.id === item.id ? { ...x, category, categorySource: category === 'uncategorised' ? 'none' : 'examiner' } : x)) });
      setAnnounce(`Item ${items.indexOf(item) + 1} categorised ${CATEGORY_LABELS[category]}`);
      facets.reload();
    } catch (err) {
      setError(err);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (items.length === 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    const cols = gridRef.current ? columnsOf(gridRef.current) : 1;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, Home: -active, End: items.length - 1 - active };
    const item = items[active];
    if (event.key in moves) {
      event.preventDefault();
      focusTile(Math.min(items.length - 1, Math.max(0, active + moves[event.key]!)));
    } else if (event.key === 'Enter' && item) {
      event.preventDefault();
      navigate(`/cases/${c.id}/media/${item.id}`);
    } else if (event.key === ' ' && item) {
      // Space reveals the focused item (one at a time), or blurs it again.
      event.preventDefault();
      const tile = gridRef.current?.querySelectorAll<HTMLElement>('[data-tile]')[active];
      tile?.querySelector<HTMLButtonElement>('.safe-media-reveal, .safe-media-hide')?.click();
      tile?.focus();
    } else if (item && c.can.contribute) {
      const key = CATEGORY_KEYS.find((k) => k.key === event.key);
      if (key) {
        event.preventDefault();
        void categorise(item, key.category);
      }
    }
  };

  return (
    <>
      <FilterBar facets={facets.data} filters={filters} onChange={(f) => go(f)} />
      <ErrorNotice error={error ?? list.error} />
      <p className="media-keys muted small">
        Keys: arrows move, <kbd>Space</kbd> reveals or blurs, <kbd>Enter</kbd> opens
        {c.can.contribute ? (
          <>
            , categorise with{' '}
            {CATEGORY_KEYS.map((k) => (
              <span key={k.key} className="media-key">
                <kbd>{k.key}</kbd> {CATEGORY_SHORT[k.category]}
              </span>
            ))}
          </>
        ) : null}
        .
      </p>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      {list.loading && !list.data ? <Loading label="Loading the media…" /> : null}
      {list.data && items.length === 0 ? <Empty>No media match these filters.</Empty> : null}
      {items.length > 0 ? (
        <ul ref={gridRef} className="media-grid" aria-label={`Media of ${c.reference}`} onKeyDown={onKeyDown}>
          {items.map((item, i) => (
            <Tile key={item.id} item={item} index={(page - 1) * PAGE_SIZE + i} total={list.data!.total} caseId={c.id} active={i === active} onFocus={() => setActive(i)} />
          ))}
        </ul>
      ) : null}
      {list.data ? <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} noun="items" onPage={(p) => go(filters, p)} /> : null}
    </>
  );
}

export function MediaLibraryPage({ caseId }: { caseId: string }) {
  return (
    <MediaFrame
      caseId={caseId}
      title="Media library"
      subtitle="Everything taken in for this case, blurred and greyscale until you reveal one item."
      actions={(c) =>
        c.can.contribute ? (
          <Link to={`/cases/${c.id}/ingest`} className="btn btn-primary">
            Upload media
          </Link>
        ) : null
      }
    >
      {(c) => <Library c={c} />}
    </MediaFrame>
  );
}
