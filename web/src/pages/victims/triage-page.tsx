import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, withQuery } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { SafeMedia } from '../../media/safe-media.js';
import { navigate, useLocation } from '../../router.js';
import { useMe } from '../../session/session.js';
import { Button } from '../../ui/button.js';
import { Dialog } from '../../ui/dialog.js';
import { SelectField, TextField } from '../../ui/field.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { CATEGORY_KEYS, CATEGORY_LABELS, CATEGORY_SHORT, mediaUrl, type MediaCategory } from '../media/media-types.js';
import { VictimsFrame } from './victims-frame.js';
import type { HistoryEvent, SeriesDetail, SeriesSummary, TriageItem } from './victims-types.js';

const PAGE = 200;
/** Thumbnails shown either side of the current item in the strip. */
const STRIP = 10;

const KEYS: { keys: string; does: string }[] = [
  { keys: '→ or J', does: 'next item' },
  { keys: '← or K', does: 'previous item' },
  { keys: 'Space', does: 'reveal or blur the item' },
  { keys: CATEGORY_KEYS.map((k) => k.key).join(' '), does: 'categorise (then next)' },
  { keys: 'X', does: 'select or unselect' },
  { keys: 'A / Esc', does: 'select all shown / clear the selection' },
  { keys: 'T', does: 'choose the target series' },
  { keys: 'S', does: 'put into the target series (then next)' },
  { keys: 'N', does: 'new series from the item or selection' },
  { keys: 'U', does: 'take out of its series' },
  { keys: 'C', does: 'mark an identification clue' },
  { keys: 'Z', does: 'undo my last series change' },
  { keys: '?', does: 'show or hide these keys' },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) || el.isContentEditable || !!el.closest('dialog'));
}

function NewSeriesDialog({ count, onClose, onCreate }: { count: number; onClose: () => void; onCreate: (name: string) => Promise<void> }) {
  const formId = useId();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await onCreate(name.trim());
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`New series from ${count} item${count === 1 ? '' : 's'}`}
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
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
      </form>
    </Dialog>
  );
}

function TargetDialog({ series, current, onClose, onPick }: { series: SeriesSummary[]; current: string | null; onClose: () => void; onPick: (id: string) => void }) {
  const formId = useId();
  const [value, setValue] = useState(current ?? series[0]?.id ?? '');
  return (
    <Dialog
      title="Target series"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form={formId} disabled={!value}>
            Use this series
          </Button>
        </>
      }
    >
      <form
        id={formId}
        onSubmit={(e) => {
          e.preventDefault();
          if (value) onPick(value);
        }}
      >
        {series.length === 0 ? <Empty>No series yet: press N to make one from the item.</Empty> : null}
        <SelectField label="Items go into" value={value} onChange={(e) => setValue(e.target.value)} size={Math.min(10, Math.max(2, series.length))}>
          {series.map((s) => (
            <option key={s.id} value={s.id}>
              {s.code} {s.name} ({s.mediaCount})
            </option>
          ))}
        </SelectField>
      </form>
    </Dialog>
  );
}

function Triage({ c }: { c: Case }) {
  const me = useMe();
  const { search, path } = useLocation();
  const filters = useMemo(() => ({ series: search.get('series') ?? '', status: search.get('status') ?? '', category: search.get('category') ?? '' }), [search]);
  const listPath = withQuery(`/cases/${c.id}/triage`, { ...filters, limit: PAGE });
  const list = useApi<{ items: TriageItem[]; total: number }>(listPath);
  const seriesList = useApi<{ items: SeriesSummary[] }>(`/cases/${c.id}/series`);
  const [index, setIndex] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'target' | 'new' | null>(null);
  const [help, setHelp] = useState(false);
  const [announce, setAnnounce] = useState('');
  const [error, setError] = useState<unknown>(null);
  const viewer = useRef<HTMLDivElement>(null);
  const items = list.data?.items ?? [];
  const current = items[index];
  const series = seriesList.data?.items ?? [];
  const targetSeries = series.find((s) => s.id === target) ?? null;
  const writable = c.can.contribute;

  useEffect(() => {
    setIndex(0);
    setSelected(new Set());
  }, [listPath]);

  const say = (text: string) => setAnnounce(text);
  const subject = useCallback((): TriageItem[] => (selected.size ? items.filter((i) => selected.has(i.id)) : current ? [current] : []), [selected, items, current]);
  const patchItems = (ids: string[], patch: (i: TriageItem) => TriageItem) => list.setData({ ...list.data!, items: items.map((i) => (ids.includes(i.id) ? patch(i) : i)) });
  const move = useCallback((delta: number) => setIndex((i) => Math.max(0, Math.min(items.length - 1, i + delta))), [items.length]);
  const run = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    }
  };
  const advance = (n: number) => {
    if (n === 1 && !selected.size) move(1);
    setSelected(new Set());
  };

  const categorise = (category: MediaCategory) =>
    run(async () => {
      const ids = subject().map((i) => i.id);
      if (!ids.length) return;
      await api.post(`/cases/${c.id}/media/categorise`, { mediaIds: ids, category });
      patchItems(ids, (i) => ({ ...i, category, categorySource: category === 'uncategorised' ? 'none' : 'examiner' }));
      say(`${ids.length} item${ids.length === 1 ? '' : 's'} categorised ${CATEGORY_LABELS[category]}`);
      advance(ids.length);
    });

  const assign = (seriesId: string) =>
    run(async () => {
      const ids = subject().map((i) => i.id);
      if (!ids.length) return;
      const s = await api.post<SeriesDetail>(`/cases/${c.id}/series/${seriesId}/media`, { mediaIds: ids });
      patchItems(ids, (i) => ({ ...i, series: { id: s.id, code: s.code, name: s.name } }));
      seriesList.reload();
      say(`${ids.length} item${ids.length === 1 ? '' : 's'} put into ${s.code} ${s.name}`);
      advance(ids.length);
    });

  const createSeries = async (name: string) => {
    const ids = subject().map((i) => i.id);
    const s = await api.post<SeriesDetail>(`/cases/${c.id}/series`, { name, mediaIds: ids });
    patchItems(ids, (i) => ({ ...i, series: { id: s.id, code: s.code, name: s.name } }));
    seriesList.reload();
    setTarget(s.id);
    setDialog(null);
    say(`${s.code} ${s.name} created with ${ids.length} item${ids.length === 1 ? '' : 's'}; it is the target series now`);
    setSelected(new Set());
  };

  const removeFromSeries = () =>
    run(async () => {
      const inSeries = subject().filter((i) => i.series);
      const bySeries = new Map<string, string[]>();
      for (const i of inSeries) bySeries.set(i.series!.id, [...(bySeries.get(i.series!.id) ?? []), i.id]);
      for (const [seriesId, ids] of bySeries) await api.post(`/cases/${c.id}/series/${seriesId}/media/remove`, { mediaIds: ids });
      patchItems(inSeries.map((i) => i.id), (i) => ({ ...i, series: null }));
      seriesList.reload();
      say(inSeries.length ? `${inSeries.length} item${inSeries.length === 1 ? '' : 's'} taken out of their series` : 'Not in a series');
      setSelected(new Set());
    });

  const undo = () =>
    run(async () => {
      const history = await api.get<{ items: HistoryEvent[] }>(`/cases/${c.id}/identification-history`);
      const last = history.items.find((e) => e.actorName === me.user.username && e.revertible && e.subjectType === 'series');
      if (!last) return say('Nothing of yours to undo');
      await api.post(`/cases/${c.id}/identification-history/${last.id}/revert`, {});
      list.reload();
      seriesList.reload();
      say(`Undone: ${last.summary}`);
    });

  const toggleReveal = () => viewer.current?.querySelector<HTMLButtonElement>('.safe-media-reveal, .safe-media-hide')?.click();

  // Rebuilt every render, so a key always acts on what is on screen now; the listener below follows it.
  const onKey = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target) || dialog) return;
    const always: Record<string, () => void> = {
      ArrowRight: () => move(1),
      j: () => move(1),
      ArrowLeft: () => move(-1),
      k: () => move(-1),
      Home: () => setIndex(0),
      End: () => setIndex(items.length - 1),
      ' ': toggleReveal,
      '?': () => setHelp((h) => !h),
    };
    const onItem: Record<string, () => void> = current
      ? {
          x: () => setSelected((prev) => (prev.has(current.id) ? new Set([...prev].filter((x) => x !== current.id)) : new Set([...prev, current.id]))),
          a: () => setSelected(new Set(items.map((i) => i.id))),
          Escape: () => setSelected(new Set()),
          ...(current.kind === 'image' ? { c: () => navigate(`/cases/${c.id}/media/${current.id}/clues`) } : {}),
        }
      : {};
    const writes: Record<string, () => void> =
      current && writable
        ? {
            ...Object.fromEntries(CATEGORY_KEYS.map((k) => [k.key, () => void categorise(k.category)])),
            t: () => setDialog('target'),
            s: () => (target ? void assign(target) : setDialog('target')),
            n: () => setDialog('new'),
            u: () => void removeFromSeries(),
            z: () => void undo(),
          }
        : {};
    const action = always[event.key] ?? onItem[event.key] ?? writes[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };
  const keyHandler = useRef(onKey);
  keyHandler.current = onKey;

  useEffect(() => {
    const listener = (event: KeyboardEvent) => keyHandler.current(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  const setFilter = (key: string, value: string) => navigate(withQuery(path, { ...filters, [key]: value }), { replace: true });
  const from = Math.max(0, index - STRIP);
  const strip = items.slice(from, index + STRIP + 1);

  return (
    <div className="vid-triage">
      <form className="vid-triage-filters" aria-label="Which items to triage" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Series" value={filters.series} onChange={(e) => setFilter('series', e.target.value)}>
          <option value="">All items</option>
          <option value="none">Not in a series yet</option>
          <option value="any">In a series</option>
          {series.map((s) => (
            <option key={s.id} value={s.id}>
              {s.code} {s.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Status" value={filters.status} onChange={(e) => setFilter('status', e.target.value)}>
          <option value="">New and known</option>
          <option value="new">New</option>
          <option value="known">Known (hash sets)</option>
        </SelectField>
        <SelectField label="Category" value={filters.category} onChange={(e) => setFilter('category', e.target.value)}>
          <option value="">Any</option>
          {Object.entries(CATEGORY_LABELS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </SelectField>
        <div className="vid-triage-target">
          <span className="field-label">Target series</span>
          <Button size="small" onClick={() => setDialog('target')} disabled={!writable}>
            {targetSeries ? `${targetSeries.code} ${targetSeries.name}` : 'None — press T'}
          </Button>
        </div>
      </form>
      <ErrorNotice error={error ?? list.error} />
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="triage-announce">
        {announce}
      </div>
      {list.loading && !list.data ? <Loading label="Loading the queue…" /> : null}
      {list.data && items.length === 0 ? <Empty>Nothing to triage with these filters.</Empty> : null}
      {current ? (
        <div className="vid-triage-main">
          <div className="vid-triage-viewer" ref={viewer} data-testid="triage-viewer">
            {current.kind === 'image' || current.kind === 'video' ? (
              <SafeMedia key={current.id} kind={current.kind} src={mediaUrl(c.id, current.id, 'content')} label={`Item ${index + 1} of ${list.data!.total}`} />
            ) : (
              <div className="media-placeholder media-placeholder-large">
                <span className="media-placeholder-type">{current.type.toUpperCase()}</span>
              </div>
            )}
          </div>
          <aside className="vid-triage-side" aria-label="The current item">
            <p className="vid-triage-position">
              Item <strong>{index + 1}</strong> of {list.data!.total}
              {selected.size ? <span className="badge vid-selected-count">{selected.size} selected</span> : null}
            </p>
            <dl className="details-grid vid-triage-facts">
              <div>
                <dt>Category</dt>
                <dd>
                  <span className={`badge badge-cat badge-cat-${current.category}`} data-testid="triage-category">
                    {CATEGORY_SHORT[current.category]}
                  </span>
                </dd>
              </div>
              <div>
                <dt>Series</dt>
                <dd data-testid="triage-series">{current.series ? `${current.series.code} ${current.series.name}` : '—'}</dd>
              </div>
              <div>
                <dt>Status</dt>
                <dd>
                  {current.known ? <span className="badge badge-known">known</span> : <span className="badge badge-muted">new</span>}
                  {current.identifiedElsewhere ? <span className="badge vid-status-elsewhere">identified elsewhere</span> : null}
                </dd>
              </div>
              <div>
                <dt>Clues</dt>
                <dd>{current.clues}</dd>
              </div>
              {current.tags.length ? (
                <div className="span-2">
                  <dt>Tags</dt>
                  <dd>{current.tags.join(', ')}</dd>
                </div>
              ) : null}
              {current.firstPath ? (
                <div className="span-2">
                  <dt>Found at</dt>
                  <dd className="media-path">{current.firstPath}</dd>
                </div>
              ) : null}
            </dl>
            <div className="vid-triage-keys" aria-label="Keys">
              {writable ? (
                <div className="media-categoriser" role="group" aria-label="Category">
                  {CATEGORY_KEYS.map((k) => (
                    <button key={k.key} type="button" className={`btn btn-small media-cat-button${current.category === k.category ? ' is-current' : ''}`} aria-pressed={current.category === k.category} onClick={() => void categorise(k.category)} title={CATEGORY_LABELS[k.category]}>
                      <kbd>{k.key}</kbd> {CATEGORY_SHORT[k.category]}
                    </button>
                  ))}
                </div>
              ) : null}
              <Button size="small" variant="ghost" aria-expanded={help} onClick={() => setHelp(!help)}>
                <kbd>?</kbd> Keys
              </Button>
              {help ? (
                <table className="vid-key-table">
                  <tbody>
                    {KEYS.map((k) => (
                      <tr key={k.keys}>
                        <th scope="row">
                          <kbd>{k.keys}</kbd>
                        </th>
                        <td>{k.does}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="muted small">
                  <kbd>←</kbd> <kbd>→</kbd> move, <kbd>Space</kbd> reveals, <kbd>X</kbd> selects, <kbd>S</kbd> puts into the target series, <kbd>N</kbd> new series.
                </p>
              )}
            </div>
          </aside>
        </div>
      ) : null}
      {items.length ? (
        <ol className="vid-strip" aria-label="Queue" start={from + 1}>
          {strip.map((i, n) => {
            const at = from + n;
            return (
              <li key={i.id} className={`${at === index ? 'is-current' : ''}${selected.has(i.id) ? ' is-selected' : ''}`} aria-current={at === index ? 'true' : undefined} data-item={i.id}>
                <button type="button" className="vid-strip-pick" onClick={() => setIndex(at)} aria-label={`Go to item ${at + 1}${selected.has(i.id) ? ', selected' : ''}`}>
                  {at + 1}
                </button>
                {i.hasThumbnail ? <SafeMedia kind="image" src={mediaUrl(c.id, i.id, 'thumbnail')} label={`Item ${at + 1}`} /> : <div className="media-placeholder">{i.kind}</div>}
                <span className={`badge badge-cat badge-cat-${i.category}`}>{CATEGORY_SHORT[i.category]}</span>
                {i.series ? <span className="badge badge-muted">{i.series.code}</span> : null}
              </li>
            );
          })}
        </ol>
      ) : null}
      {dialog === 'target' ? (
        <TargetDialog
          series={series}
          current={target}
          onClose={() => setDialog(null)}
          onPick={(id) => {
            setTarget(id);
            setDialog(null);
            const s = series.find((x) => x.id === id);
            say(`Target series: ${s?.code} ${s?.name}`);
          }}
        />
      ) : null}
      {dialog === 'new' ? <NewSeriesDialog count={subject().length} onClose={() => setDialog(null)} onCreate={createSeries} /> : null}
    </div>
  );
}

export function TriagePage({ caseId }: { caseId: string }) {
  return (
    <VictimsFrame caseId={caseId} title="Triage" subtitle="One item at a time, by keyboard: categorise, group into series, mark clues. Every picture is blurred until you press Space.">
      {(c) => <Triage c={c} />}
    </VictimsFrame>
  );
}
