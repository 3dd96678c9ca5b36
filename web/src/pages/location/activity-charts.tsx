import { useEffect, useRef, useState } from 'react';
import { loadECharts } from './echarts.js';
import { formatOffset, type ActivityReport } from './location-types.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const BAR = '#6f95c8';
const FIT = '#c2410c';

type View = 'day' | 'week';
type Clock = 'local' | 'utc';

/**
 * The activity of one evidence item: events per hour of the day or of the week, in the local time of the most
 * probable clock rule (or in UTC), with the fitted routine drawn over it.
 */
export function ActivityCharts({ report, label }: { report: ActivityReport; label: string }) {
  const [view, setView] = useState<View>('day');
  const [clock, setClock] = useState<Clock>('local');
  const ref = useRef<HTMLDivElement>(null);
  const c = report.charts;
  const zone = `${c.localZone} (${formatOffset(c.localOffsetMinutes)} for most events)`;

  useEffect(() => {
    let disposed = false;
    let chart: { dispose(): void; resize(): void } | undefined;
    const onResize = () => chart?.resize();
    if (ref.current) delete ref.current.dataset.drawn;
    void loadECharts().then((echarts) => {
      if (disposed || !ref.current) return;
      const week = view === 'week';
      const bars = clock === 'local' ? (week ? c.hourOfWeekLocal : c.hourOfDayLocal) : week ? c.hourOfWeekUtc : c.hourOfDayUtc;
      const fitted = week ? c.fittedHourOfWeekLocal : c.fittedHourOfDayLocal;
      const labels = bars.map((_, h) => (week ? `${DAYS[Math.floor(h / 24)]} ${String(h % 24).padStart(2, '0')}h` : `${String(h).padStart(2, '0')}h`));
      const instance = echarts.init(ref.current, undefined, { renderer: 'canvas' });
      chart = instance;
      instance.setOption({
        animation: false,
        grid: { left: 40, right: 12, top: 28, bottom: 28 },
        legend: { top: 0, right: 0, textStyle: { fontSize: 11 }, data: ['Events', ...(clock === 'local' ? ['Fitted routine'] : [])] },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1)) },
        xAxis: {
          type: 'category',
          data: labels,
          axisLabel: week ? { interval: 23, formatter: (v: string) => v.slice(0, 3) } : { interval: 2 },
          axisTick: { alignWithLabel: true, interval: week ? 23 : 0 },
        },
        yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#e5e9ef' } } },
        series: [
          {
            name: 'Events',
            type: 'bar',
            data: bars,
            barCategoryGap: week ? '10%' : '20%',
            itemStyle: { color: BAR },
            ...(week
              ? { markArea: { silent: true, itemStyle: { color: 'rgba(36,82,143,0.06)' }, data: [[{ xAxis: labels[120] }, { xAxis: labels[167] }]] } }
              : {}),
          },
          ...(clock === 'local' ? [{ name: 'Fitted routine', type: 'line', data: fitted.map((v) => Math.round(v * 10) / 10), smooth: true, symbol: 'none', lineStyle: { color: FIT, width: 2 }, itemStyle: { color: FIT } }] : []),
        ],
      });
      Object.assign(ref.current, { chart: instance });
      ref.current.dataset.drawn = `${view}-${clock}`;
      window.addEventListener('resize', onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [c, view, clock]);

  const bars = view === 'week' ? c.hourOfWeekLocal : c.hourOfDayLocal;
  const peak = bars.indexOf(Math.max(...bars));
  return (
    <div className="activity-charts">
      <div className="activity-toolbar">
        <div className="segmented" role="group" aria-label="Period">
          <button type="button" aria-pressed={view === 'day'} onClick={() => setView('day')}>
            Hour of day
          </button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => setView('week')}>
            Hour of week
          </button>
        </div>
        <div className="segmented" role="group" aria-label="Clock">
          <button type="button" aria-pressed={clock === 'local'} onClick={() => setClock('local')}>
            Local time
          </button>
          <button type="button" aria-pressed={clock === 'utc'} onClick={() => setClock('utc')}>
            UTC
          </button>
        </div>
      </div>
      <div
        ref={ref}
        className="activity-chart"
        role="img"
        data-testid="activity-chart"
        aria-label={`${label}: ${report.eventCount} events per hour of the ${view}, ${clock === 'local' ? `in ${zone}, with the fitted routine` : 'in UTC'}; busiest hour ${view === 'week' ? `${DAYS[Math.floor(peak / 24)]} ${peak % 24}h` : `${peak}h`}.`}
      />
      <p className="muted small">
        {clock === 'local' ? `Local time under the most probable clock: ${zone}.` : 'Times as recorded, in UTC.'} {report.activeHours} active hours; routine{' '}
        {[...report.routines]
          .sort((a, b) => b.probability - a.probability)
          .map((r) => `${r.label} ${Math.round(r.probability * 100)} %`)
          .join(', ')}
        .
      </p>
    </div>
  );
}
