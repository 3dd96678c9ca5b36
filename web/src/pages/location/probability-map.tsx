import { useEffect, useRef, useState } from 'react';
import { boundsOf, loadWorld, WORLD_MAP } from './echarts.js';
import { percent, type CountryResult } from './location-types.js';

// Classes rather than a linear scale: probabilities span orders of magnitude, and a linear scale would show only the
// top country.
const PIECES = [
  { gte: 0.5, label: '50 % or more', color: '#0e2a52' },
  { gte: 0.1, lt: 0.5, label: '10–50 %', color: '#24528f' },
  { gte: 0.01, lt: 0.1, label: '1–10 %', color: '#6f95c8' },
  { gte: 0.001, lt: 0.01, label: '0.1–1 %', color: '#b9cce6' },
  { lt: 0.001, label: 'below 0.1 %', color: '#eef2f7' },
];
const CREDIBLE_BORDER = '#c2410c';
const WORLD = { center: [10, 22], zoom: 1.1 };

/** Centre and zoom that show the credible set with some of the world around it (the whole world if it is wide). */
function framing(codes: readonly string[]): { center: number[]; zoom: number } {
  const box = boundsOf(codes);
  if (!box) return WORLD;
  const [west, south, east, north] = box;
  const zoom = Math.min(10, 360 / Math.max(1, (east - west) * 2.6), 140 / Math.max(1, (north - south) * 2.6));
  return zoom < 1.6 ? WORLD : { center: [(west + east) / 2, (south + north) / 2], zoom };
}

/**
 * The world shaded by the probability of each country, the credible set outlined. Drawn on a canvas; the same
 * figures are listed next to it for reading and for screen readers.
 */
export function ProbabilityMap({ countries, credibleSet, level }: { countries: readonly CountryResult[]; credibleSet: readonly string[]; level: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const [view, setView] = useState<'set' | 'world'>('set');

  useEffect(() => {
    let disposed = false;
    let chart: { dispose(): void; resize(): void } | undefined;
    const onResize = () => chart?.resize();
    if (ref.current) delete ref.current.dataset.drawn;
    void (async () => {
      try {
        const echarts = await loadWorld(countries);
        if (disposed || !ref.current) return;
        const inSet = new Set(credibleSet);
        const frame = view === 'world' ? WORLD : framing(credibleSet);
        const instance = echarts.init(ref.current, undefined, { renderer: 'canvas' });
        chart = instance;
        instance.setOption({
          animation: false,
          tooltip: {
            trigger: 'item',
            formatter: (p: { data?: { fullName: string; value: number } }) =>
              p.data ? `${p.data.fullName}: ${percent(p.data.value)}${inSet.has((p.data as { name?: string }).name ?? '') ? ' (in the credible set)' : ''}` : '',
          },
          visualMap: {
            type: 'piecewise',
            pieces: PIECES,
            left: 8,
            bottom: 8,
            itemWidth: 14,
            itemHeight: 10,
            textStyle: { fontSize: 11, color: '#374151' },
            backgroundColor: 'rgba(255,255,255,0.85)',
            padding: 6,
          },
          series: [
            {
              type: 'map',
              map: WORLD_MAP,
              roam: true,
              zoom: frame.zoom,
              center: frame.center,
              emphasis: { label: { show: false }, itemStyle: { areaColor: '#f59e0b' } },
              select: { disabled: true },
              itemStyle: { borderColor: '#9aa8b8', borderWidth: 0.4, areaColor: '#eef2f7' },
              data: countries.map((c) => ({
                name: c.code,
                value: c.probability,
                fullName: c.name,
                ...(inSet.has(c.code) ? { itemStyle: { borderColor: CREDIBLE_BORDER, borderWidth: 1.8 } } : {}),
              })),
            },
          ],
        });
        // Browser tests read the drawing as a person would: where a place is on the canvas, and its colour there.
        Object.assign(ref.current, { chart: instance });
        ref.current.dataset.drawn = view;
        window.addEventListener('resize', onResize);
      } catch {
        if (!disposed) setFailed(true);
      }
    })();
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [countries, credibleSet, view]);

  const top = countries.slice(0, 5).map((c) => `${c.name} ${percent(c.probability)}`).join(', ');
  if (failed) return <p className="muted">The map could not be drawn. Most likely: {top}.</p>;
  return (
    <div className="location-map-frame">
      <div className="segmented map-view" role="group" aria-label="Map view">
        <button type="button" aria-pressed={view === 'set'} onClick={() => setView('set')}>
          Credible set
        </button>
        <button type="button" aria-pressed={view === 'world'} onClick={() => setView('world')}>
          World
        </button>
      </div>
      <div
        ref={ref}
        className="location-map"
        role="img"
        aria-label={`World map shaded by probability. Most likely: ${top}. ${Math.round(level * 100)} % credible set: ${credibleSet.length} countr${credibleSet.length === 1 ? 'y' : 'ies'}, outlined.`}
        data-testid="probability-map"
      />
    </div>
  );
}
